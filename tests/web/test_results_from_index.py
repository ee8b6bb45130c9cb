"""Full-text /results from the search index: the same page, total and facet counts as SQL."""

from __future__ import annotations

import csv
import fcntl
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from werkzeug.datastructures import MultiDict

from formulatrust.pages.search_documents import all_documents
from formulatrust.results import indexed
from formulatrust.results.indexed import searched_download, searched_page
from formulatrust.results.models import FailedItem
from formulatrust.results.query import Filters, download, facets, page_of
from formulatrust.search import ENGINES, matching_keys, rebuild

from ..accounts_factory import ActingRunner, acting_as
from ..pagecheck import check_page, text_of
from .test_results import listed, result

SAMPLE = Path(__file__).parent.parent / "domain/data/results/samr_rows_sample.csv"
QUERIES = ["乳业", "乳粉", "婴儿", "阪崎", "上海", "测试", "维生素", "有限公司", "compliant",
           "non-compliant", "2025年", "配方 乳粉", "no-such-word-anywhere"]
FILTER_SETS = [{}, {"compliant": "no"}, {"compliant": "yes", "year": "2025"},
               {"province": "上海"}, {"province": "江苏", "compliant": "no"},
               {"enterprise": "测试乳业有限公司"}, {"item": "阪崎肠杆菌"}, {"year": "2024"},
               {"lab": "测试检验所", "category": "婴幼儿配方食品"}, {"sort": "date"},
               {"sort": "relevance", "page": "2"}, {"page": "9"}]


@pytest.fixture(params=ENGINES)
def published(request, monkeypatch, app, session, runner):
    """The results page's test data, twice-failing results, and the real published rows."""
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", request.param)
    rows = [result(n) for n in range(30)]
    rows += [result(40 + n, compliant=False, province="江苏", enterprise_name="河畔乳品有限公司",
                    announced_on=date(2024 + n % 2, 3, 1 + n), failed_items=[
                        FailedItem(item="阪崎肠杆菌", measured="检出", limit="不得检出"),
                        FailedItem(item="阪崎肠杆菌", measured="检出", limit="不得检出"),
                        FailedItem(item="维生素A", measured="9.8", limit="14–43")])
             for n in range(4)]
    rows.append(result(50, announced_on=None, province=""))
    session.add_all(rows)
    session.commit()
    imported = ActingRunner(runner, acting_as(session)).invoke(
        args=["results", "import", str(SAMPLE)])
    assert imported.exit_code == 0, imported.output
    rebuild(app.config["SEARCH_INDEX_DIR"], all_documents(session))
    return request.param


def matched(app, filters: Filters) -> list[int]:
    return [int(key) for key in matching_keys(app.config["SEARCH_INDEX_DIR"], filters.q,
                                              "result")]


def by_sql(app, session, filters: Filters):
    ids = matched(app, filters)
    page = page_of(session, filters, ids)
    counted = facets(session, filters, ids)
    return ([r.id for r in page.items], page.total, page.page, page.pages,
            {name: [(int(v) if name == "year" else v, n) for v, n in pairs]
             for name, pairs in counted.items()})


def by_index(app, session, filters: Filters):
    page, counted = searched_page(session, app.config["SEARCH_INDEX_DIR"], filters, 25, True)
    return [r.id for r in page.items], page.total, page.page, page.pages, counted


def test_the_index_gives_the_same_page_total_and_facets_as_sql(app, session, published,
                                                               monkeypatch):
    monkeypatch.setattr(indexed, "MAX_LIMIT", 7)  # downloads then take several index pages
    compared = 0
    for text in QUERIES:
        for extra in FILTER_SETS:
            filters = Filters.from_args(MultiDict({"q": text, **extra}))
            with app.test_request_context():
                expected = by_sql(app, session, filters)
            assert by_index(app, session, filters) == expected, (text, extra)
            compared += bool(expected[1])
            downloaded = list(searched_download(session, app.config["SEARCH_INDEX_DIR"],
                                                filters, limit=40))
            with app.test_request_context():
                assert downloaded == download(session, filters, matched(app, filters))[:40]
    assert compared > 60  # most combinations find something


def test_the_page_lists_the_newest_first_or_the_best_match(client, published):
    newest = client.get("/results?q=河畔&sort=date")
    assert listed(newest)[:2] == ["测试婴儿配方乳粉43", "测试婴儿配方乳粉41"]
    soup = check_page(client.get("/results?q=阪崎").get_data(as_text=True))
    assert "共6条结果" in text_of(soup, ".result-count")  # four here, two published rows
    items = [o.get_text() for o in soup.select("#filter-item option")]
    assert "阪崎肠杆菌 (6)" in items and "维生素A (4)" in items  # results, not failed items


def test_a_corrected_result_is_found_by_its_new_values(app, client, session, runner,
                                                       tmp_path, published):
    before = check_page(client.get("/results?q=喜安智").get_data(as_text=True))
    assert [o.get_text() for o in before.select("#filter-lab option")] == ["全部"]
    corrected = tmp_path / "corrected.csv"
    with SAMPLE.open(encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))
    rows[1][rows[0].index("检验机构")] = "更正后的检验机构"
    with corrected.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    done = ActingRunner(runner, acting_as(session)).invoke(
        args=["results", "import", str(corrected)])
    assert "1 corrected" in done.output, done.output
    found = client.get("/results?q=喜安智&lab=更正后的检验机构")
    assert listed(found) == ["金钻喜安智婴儿配方奶粉(1段)"]
    soup = check_page(client.get("/results?q=喜安智").get_data(as_text=True))
    labs = [o.get_text() for o in soup.select("#filter-lab option")]
    assert labs == ["全部", "更正后的检验机构 (1)"]


@pytest.mark.parametrize("damage", ["missing", "broken", "outdated"])
def test_without_a_usable_index_the_database_answers_with_a_warning(
        app, client, published, caplog, damage):
    index = Path(app.config["SEARCH_INDEX_DIR"])
    generation = index.resolve()
    if damage == "missing":
        index.unlink()
    elif damage == "outdated":  # built before the index held filters and dates
        (generation / "FORMAT").unlink()
    else:
        for path in generation.iterdir():
            if path.name not in ("ENGINE", "FORMAT", "GENERATION"):
                path.unlink() if path.is_file() else shutil.rmtree(path)
    # Another worker holds the writer lock (rebuilding the outdated index): nothing waits.
    with caplog.at_level(logging.WARNING), writer_busy(index):
        response = client.get("/results?q=河畔 乳品&compliant=no&year=2024")
    assert response.status_code == 200
    assert listed(response) == ["测试婴儿配方乳粉42", "测试婴儿配方乳粉40"]
    assert "search index cannot answer" in caplog.text


@contextmanager
def writer_busy(index: Path) -> Iterator[None]:
    with open(index.with_name(index.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def test_the_api_pages_through_the_index(client, published):
    body = client.get("/api/v1/results?q=测试&province=上海&sort=date").get_json()
    assert body["total"] == 30 and body["pages"] == 1
    assert [r["product_name"] for r in body["results"][:2]] == ["测试婴儿配方乳粉27",
                                                                "测试婴儿配方乳粉26"]


def test_the_feed_of_a_search_lists_its_newest_results_first(client, published):
    feed = ElementTree.fromstring(client.get("/results/feed.atom?q=河畔&sort=relevance").data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert [t.split(" · ")[0] for t in titles] == ["测试婴儿配方乳粉43", "测试婴儿配方乳粉41",
                                                   "测试婴儿配方乳粉42", "测试婴儿配方乳粉40"]
