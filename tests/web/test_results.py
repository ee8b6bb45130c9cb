"""Results pages: search, filters, facets, permalinks, downloads, API and feed."""

from __future__ import annotations

import csv
import io
from datetime import date
from xml.etree import ElementTree

import pytest

from formulatrust.pages.search_documents import all_documents
from formulatrust.results.models import FailedItem, ResultRevision, SamplingResult
from formulatrust.search import rebuild

from ..pagecheck import check_page, text_of


def result(number: int, **fields) -> SamplingResult:
    values = {"sample_no": f"S{number:03d}", "product_name": f"测试婴儿配方乳粉{number}",
              "enterprise_name": "测试乳业有限公司", "province": "上海", "lab": "测试检验所",
              "category": "婴幼儿配方食品", "announced_on": date(2025, 1, number % 28 + 1),
              "compliant": True, "announcement_no": f"2025年第{number}号"}
    values.update(fields)
    return SamplingResult(**values)


@pytest.fixture
def results(app, session):
    """Thirty compliant results in 2025, two failures (one in 2024), and an index."""
    rows = [result(n) for n in range(30)]
    rows.append(result(40, compliant=False, province="江苏", enterprise_name="河畔乳品有限公司",
                       failed_items=[FailedItem(item="阪崎肠杆菌", measured="检出",
                                                limit="不得检出")]))
    rows.append(result(41, compliant=False, announced_on=date(2024, 6, 1),
                       failed_items=[FailedItem(item="维生素A", measured="9.8",
                                                limit="14–43")]))
    session.add_all(rows)
    session.commit()
    rebuild(app.config["SEARCH_INDEX_DIR"], all_documents(session))
    return rows


def listed(response) -> list[str]:
    soup = check_page(response.get_data(as_text=True))
    return [" ".join(li.a.get_text().split()) for li in soup.select(".result-rows li")]


def test_full_text_search_finds_the_failed_item_and_highlights_it(client, results):
    response = client.get("/results?q=阪崎")
    assert listed(response) == ["测试婴儿配方乳粉40"]
    soup = check_page(response.get_data(as_text=True))
    assert soup.select_one(".result-rows mark").get_text() == "阪崎"


def test_filters_combine_and_show_counts(client, results):
    soup = check_page(client.get("/results?compliant=no").get_data(as_text=True))
    assert "共2条结果" in text_of(soup, ".result-count")
    years = {o.get_text() for o in soup.select("#filter-year option")}
    assert {"2025 (1)", "2024 (1)"} <= years
    assert listed(client.get("/results?compliant=no&year=2024")) == ["测试婴儿配方乳粉41"]
    assert listed(client.get("/results?item=维生素A")) == ["测试婴儿配方乳粉41"]
    assert listed(client.get("/results?province=江苏")) == ["测试婴儿配方乳粉40"]


def test_pagination_keeps_the_search(client, results):
    first = check_page(client.get("/results?province=上海").get_data(as_text=True))
    next_link = first.select_one('a[rel="next"]')["href"]
    assert "province=" in next_link and "page=2" in next_link
    second = listed(client.get(next_link))
    assert len(second) == 31 - 25


@pytest.mark.parametrize("query", ["year=abc", "compliant=maybe", "sort=random", "page=0",
                                   "enterprise=" + "长" * 101])
def test_bad_filters_get_400_with_a_message(client, results, query):
    response = client.get(f"/results?{query}&lang=en")
    assert response.status_code == 400
    assert text_of(check_page(response.get_data(as_text=True)), ".error-summary")
    api = client.get(f"/api/v1/results?{query}")
    assert api.status_code == 400 and api.get_json()["error"]["parameter"]


def test_result_page_has_every_field_and_its_corrections(client, session, results):
    failed = results[30]
    session.add(ResultRevision(result_id=failed.id, data={"lab": "旧检验所", "failed_items": [
        ["阪崎肠杆菌", "检出", "不得检出", ""]]}, source="first.xlsx"))
    session.commit()
    soup = check_page(client.get(f"/results/{failed.id}?lang=en").get_data(as_text=True), "en")
    assert "Not compliant" in soup.h1.get_text()
    cells = [td.get_text() for td in soup.select("tbody td")]
    assert cells[:3] == ["Cronobacter", "detected", "must not be detected"]
    corrections = text_of(soup, ".revisions")
    assert "first.xlsx" in corrections
    assert "Laboratory: 旧检验所 (Chinese only) → 测试检验所 (Chinese only)" in corrections
    assert "lab:" not in corrections  # fields named for readers, not by their keys
    zh = check_page(client.get(f"/results/{failed.id}?lang=zh").get_data(as_text=True), "zh")
    assert [td.get_text() for td in zh.select("tbody td")][:3] == ["阪崎肠杆菌", "检出", "不得检出"]
    assert "检验机构: 旧检验所" in text_of(zh, ".revisions")
    assert client.get("/results/99999").status_code == 404


def test_csv_download_follows_the_filters(client, results):
    response = client.get("/results.csv?compliant=no")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["sample_no"] for row in rows} == {"S040", "S041"}
    assert rows[0]["permalink"].endswith(f"/results/{results[30].id}")
    assert "阪崎肠杆菌║检出║不得检出" in {row["failed_items"] for row in rows}


def test_json_download_and_api(client, results):
    body = client.get("/results.json?q=维生素A").get_json()
    assert [r["sample_no"] for r in body["results"]] == ["S041"]
    api = client.get("/api/v1/results?province=上海").get_json()
    assert api["total"] == 31 and api["pages"] == 1 and "next" not in api["links"]
    assert api["results"][0]["permalink"].startswith("http")


def test_atom_feed_is_valid_and_lists_results(client, results):
    response = client.get("/results/feed.atom?compliant=no")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert len(titles) == 2 and all("不合格" in t for t in titles)
    # The newest failure (S040) was announced on 13 January 2025 and never corrected: the
    # feed is as new as that announcement, not as the moment the rows were loaded.
    assert feed.findtext("a:updated", namespaces=ns) == "2025-01-13T00:00:00+08:00"


def test_home_page_shows_the_latest_results_and_recalls(client, results, trace):
    soup = check_page(client.get("/").get_data(as_text=True))
    assert soup.select(".result-rows li")
    assert "测试较大婴儿配方乳粉（2段）" in text_of(soup, ".recall-card")


def test_recalls_and_supervision_pages(client, trace):
    soup = check_page(client.get("/recalls?lang=en").get_data(as_text=True), "en")
    link = soup.select_one(".recall-card h2 a")["href"]
    detail = check_page(client.get(link + "?lang=en").get_data(as_text=True), "en")
    assert "Stop using it and return it." in detail.main.get_text()
    feed = ElementTree.fromstring(client.get("/recalls/feed.atom").data)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1
    assert client.get("/supervision").status_code == 200


def test_filters_fold_away_until_one_is_chosen_and_say_how_many_are_on(client, results):
    unfiltered = check_page(client.get("/results?q=阪崎&lang=en").get_data(as_text=True))
    folded = unfiltered.select_one("form.filters details")
    assert folded is not None and not folded.has_attr("open")
    assert folded.summary.get_text(strip=True) == "Filters"
    assert folded.select_one("#filter-year") is not None
    assert unfiltered.select_one("form.filters > .search-row > input#q")  # search stays in view
    filtered = check_page(client.get("/results?compliant=no&year=2024&lang=en").get_data(
        as_text=True))
    unfolded = filtered.select_one("form.filters details")
    assert unfolded.has_attr("open")
    assert unfolded.summary.get_text(strip=True) == "Filters (2 active)"


def test_each_listed_result_shows_its_lot(client, session, results):
    results[27].production_date_or_lot = "20250103A1"  # the newest two, on the first page
    results[26].production_date_or_lot = "20250103B2"
    session.commit()
    soup = check_page(client.get("/results?lang=en").get_data(as_text=True))
    lots = [code.get_text() for code in soup.select(".result-rows li .code")]
    assert "20250103A1" in lots and "20250103B2" in lots


def test_a_result_without_a_source_file_says_only_when_it_was_updated(client, session,
                                                                      results):
    entered = results[0]
    imported = results[1]
    imported.source_file = "2025-12.xlsx"
    session.commit()
    for lang, imported_from in (("en", "Imported from"), ("zh", "导入自")):
        page = check_page(client.get(f"/results/{entered.id}?lang={lang}")
                          .get_data(as_text=True), lang)
        sources = text_of(page, ".sources")
        assert imported_from not in sources and "—" not in sources
        assert ("Last updated" if lang == "en" else "最后更新") in sources
        shown = check_page(client.get(f"/results/{imported.id}?lang={lang}")
                           .get_data(as_text=True), lang)
        assert imported_from in text_of(shown, ".sources") and "2025-12.xlsx" in text_of(
            shown, ".sources")
