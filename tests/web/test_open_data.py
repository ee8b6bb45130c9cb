"""Open data: ``?format=`` downloads on the pages' own URLs, their permalinks, the data
dictionary, and the Atom feeds."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from formulatrust.open_data.api_fields import API_DATASETS
from formulatrust.open_data.fields import DATASETS, json_keys

from ..pagecheck import check_page, text_of
from . import open_data_world

open_world = open_data_world.open_world  # the fixture
ATOM = {"a": "http://www.w3.org/2005/Atom"}
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
# Each list page, the query that filters it, the dataset it downloads and the JSON envelope.
PAGES = [
    ("/results", "compliant=no", "results", "results"),
    ("/recalls", "", "recalls", "recalls"),
    ("/supervision", "", "supervision", "supervision"),
    ("/ratings", "grade=B", "ratings", "enterprises"),
    ("/enterprises", "", "enterprises", "enterprises"),
]


def csv_rows(response) -> tuple[list[str], list[dict]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "CSV must start with a BOM for spreadsheets"
    reader = csv.DictReader(io.StringIO(text[1:]))
    return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize(("path", "query", "slug", "envelope"), PAGES)
def test_each_list_downloads_as_csv_and_json_from_its_own_url(client, open_world, path, query,
                                                              slug, envelope):
    dataset = DATASETS[slug]
    as_csv = client.get(f"{path}?format=csv&{query}")
    assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv"
    assert as_csv.headers["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in as_csv.headers["Link"]
    header, rows = csv_rows(as_csv)
    assert header == dataset.columns
    as_json = client.get(f"{path}?format=json&{query}")
    records = as_json.get_json()[envelope]
    assert records and len(rows) == len(records)
    assert as_json.get_json()["licence"] == CC_BY  # the default DATA_LICENCE, CC-BY-4.0
    assert as_csv.headers["Link"] == f'<{CC_BY}>; rel="license"'
    for record in records:  # every JSON key, nested ones too, is in the dictionary
        assert json_keys(record) <= dataset.keys()


def test_downloads_follow_every_filter_of_the_page(client, open_world):
    def samples(query: str) -> set[str]:
        return {row["sample_no"] for row in csv_rows(client.get(f"/results?{query}"))[1]}

    assert samples("format=csv&compliant=no") == {"OD-FAIL", ""}
    assert samples("format=csv&q=维生素A") == {"OD-FAIL"}
    assert samples("format=csv&province=上海&year=2025") == {"OD000", "OD001", "OD002"}
    assert samples("format=csv&item=硒") == {"OD-FAIL"}
    ratings = client.get("/ratings?format=json&grade=B").get_json()["enterprises"]
    assert [r["slug"] for r in ratings] == ["river-milk"]


def test_failed_items_and_lists_flatten_into_one_csv_cell(client, open_world):
    _, rows = csv_rows(client.get("/results?format=csv&q=维生素A"))
    assert rows[0]["failed_items"] == "维生素A║9.8║14–43；硒║0.5║≥1.0"
    assert rows[0]["compliant"] == "no" and rows[0]["lot"] == "20250301X1"
    record = client.get("/results?format=json&q=维生素A").get_json()["results"][0]
    assert record["compliant"] is False
    assert record["failed_items"][0] == {"item": "维生素A", "item_raw": "", "measured": "9.8",
                                         "limit": "14–43", "label_requirement": "≥14"}
    _, enterprises = csv_rows(client.get("/enterprises?format=csv"))
    assert {r["slug"]: r["brands"] for r in enterprises} == {"test-dairy": "测试牌",
                                                             "river-milk": "河畔"}
    _, listings = csv_rows(client.get("/supervision?format=csv"))
    assert [(r["listed"], r["delisted_on"]) for r in listings] == [("yes", ""),
                                                                   ("no", "2025-01-05")]


@pytest.mark.parametrize(("permalink", "page"), [
    ("/results.csv?compliant=no", "/results?format=csv&compliant=no"),
    ("/results.json?q=硒", "/results?format=json&q=硒"),
    ("/ratings.csv?grade=B", "/ratings?format=csv&grade=B"),
    ("/ratings.json", "/ratings?format=json"),
])
def test_old_download_urls_still_answer_the_same(client, open_world, permalink, page):
    old, new = client.get(permalink), client.get(page)
    assert old.status_code == new.status_code == 200
    assert old.data == new.data and old.mimetype == new.mimetype


@pytest.mark.parametrize("path", ["/results", "/recalls", "/supervision", "/ratings",
                                  "/enterprises"])
def test_an_unknown_format_gets_a_bilingual_400(client, open_world, path):
    response = client.get(f"{path}?format=xlsx", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert "“xlsx”" in soup.main.get_text() and "format=csv" in soup.main.get_text()
    assert "格式" in text_of(soup, ".other-language")
    as_json = client.get(f"{path}?format=pdf", headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.is_json


def test_a_bad_filter_on_a_download_is_a_json_400_in_both_languages(client, open_world):
    response = client.get("/results?format=csv&year=nineteen")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "year"
    assert "Year" in error["messages"]["en"] and "年份" in error["messages"]["zh"]
    assert error["message"] == error["messages"]["zh"]  # Chinese unless asked otherwise
    ratings = client.get("/ratings?format=json&grade=Z&lang=en").get_json()["error"]
    assert ratings["parameter"] == "grade" and ratings["message"] == ratings["messages"]["en"]


def test_bad_ratings_filters_on_the_page_say_what_was_wrong(client, open_world):
    soup = check_page(client.get("/ratings?sort=size&lang=en").get_data(as_text=True), "en")
    assert "“Sort by” has a value this page does not offer." in soup.main.get_text()


def test_pages_link_their_downloads_keeping_the_filters(client, open_world):
    soup = check_page(client.get("/results?compliant=no&year=2025&page=1").get_data(
        as_text=True))
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".downloads a")}
    csv_link = urlsplit(links["下载CSV"])
    assert csv_link.path == "/results"
    assert parse_qs(csv_link.query) == {"format": ["csv"], "compliant": ["no"], "year": ["2025"]}
    _, rows = csv_rows(client.get(links["下载CSV"]))
    assert {r["sample_no"] for r in rows} == {"OD-FAIL"}
    assert soup.select_one(".downloads a[href^='/data#results']")
    ratings = check_page(client.get("/ratings?grade=B&lang=en").get_data(as_text=True))
    hrefs = [a["href"] for a in ratings.select(".downloads a")]
    assert "/ratings?format=json&grade=B" in hrefs


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_data_dictionary_explains_every_field_of_every_download(client, lang):
    soup = check_page(client.get(f"/data?lang={lang}").get_data(as_text=True), lang)
    for slug, dataset in DATASETS.items():
        table = soup.find(id=f"{slug}-caption").find_parent("table")
        rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
                for tr in table.tbody.find_all("tr")]
        assert {row[1] for row in rows} == dataset.keys()
        assert {row[0] for row in rows} - {"—"} == set(dataset.columns)
        assert all(row[3] for row in rows), "every field needs a meaning"
    compliant = next(tr for tr in soup.find(id="results-caption").find_parent("table")
                     .tbody.find_all("tr") if tr.td.get_text(strip=True) == "compliant")
    meaning = compliant.find_all("td")[3].get_text()
    assert ("食品安全国家标准" in meaning) if lang == "zh" else ("standards" in meaning)
    assert soup.select_one('a[href="/api/v1/openapi.json"]')
    assert soup.select_one('#licence ~ p a[href="/data-licence"]')


def test_the_data_dictionary_explains_the_record_sets_of_the_api_only(client):
    soup = check_page(client.get("/data?lang=en").get_data(as_text=True), "en")
    for path, dataset in API_DATASETS.items():
        section = soup.find(id=f"{dataset.slug}-caption").find_parent("section")
        rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
                for tr in section.table.tbody.find_all("tr")]
        assert {row[1] for row in rows} == dataset.keys()
        assert {row[0] for row in rows} == {"—"}, "no complete file, so no CSV column"
        assert section.select_one(f'a[href="/api/v1/{path}"]')
        assert not section.select_one('a[href^="/data/"]')


def test_the_data_licence_page_and_results_lead_to_the_dictionary(client, open_world):
    for path in ("/data-licence?lang=en", "/data-licence?lang=zh", "/results"):
        soup = check_page(client.get(path).get_data(as_text=True))
        assert soup.select_one('a[href^="/data"]:not([href^="/data-"])'), path


def feed_of(response) -> ElementTree.Element:
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data)


def titles(feed: ElementTree.Element) -> list[str]:
    return [e.findtext("a:title", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)]


def test_non_compliant_feed_lists_only_failures_and_escapes_what_it_quotes(client, open_world):
    feed = feed_of(client.get("/results/feed.atom?compliant=no&lang=en"))
    assert feed.findtext("a:title", namespaces=ATOM).startswith("Non-compliant sampling results")
    # English names where the product has one, else a pinyin transliteration; the raw "<"
    # and "&" of a published name survive as text.
    assert sorted(titles(feed)) == ["A&B <Pei Fang> · Not compliant",
                                    "Riverside young child formula (stage 3) · Not compliant"]
    self_link = feed.find("a:link[@rel='self']", ATOM).get("href")
    assert self_link.endswith("/results/feed.atom?compliant=no&lang=en")
    chinese = feed_of(client.get("/results/feed.atom?compliant=no"))
    assert sorted(titles(chinese)) == ["A&B <配方> · 不合格", "河畔幼儿配方乳粉（3段） · 不合格"]
    assert feed.find("a:link[@rel='license']", ATOM) is not None


def test_each_enterprise_has_a_feed_of_its_results(client, open_world):
    feed = feed_of(client.get("/enterprises/test-dairy/results.atom"))
    assert len(titles(feed)) == 4  # three linked by the import, one naming it on the label
    assert "测试乳业有限公司" in feed.findtext("a:title", namespaces=ATOM)
    failures = feed_of(client.get("/enterprises/test-dairy/results.atom?compliant=no"))
    assert [t.split(" · ")[0] for t in titles(failures)] == ["A&B <配方>"]
    other = feed_of(client.get("/enterprises/river-milk/results.atom"))
    assert [t.split(" · ")[0] for t in titles(other)] == ["河畔幼儿配方乳粉（3段）"]
    assert client.get("/enterprises/nobody/results.atom").status_code == 404


@pytest.mark.parametrize(("page", "feed"), [
    ("/results", "/results/feed.atom?compliant=no"),
    ("/results?year=2025", "/results/feed.atom?year=2025"),
    ("/enterprises/test-dairy", "/enterprises/test-dairy/results.atom"),
    ("/recalls", "/recalls/feed.atom"),
    ("/ratings", "/ratings/feed.atom"),
])
def test_pages_announce_their_feeds(client, open_world, page, feed):
    soup = check_page(client.get(page).get_data(as_text=True))
    alternates = [link["href"] for link in soup.select(
        'link[rel="alternate"][type="application/atom+xml"]')]
    assert feed in alternates
    assert feed_of(client.get(feed)) is not None


def test_recall_and_rating_feeds_share_the_atom_layout(client, open_world):
    for path in ("/recalls/feed.atom", "/ratings/feed.atom"):
        feed = feed_of(client.get(path))
        assert feed.findtext("a:id", namespaces=ATOM).endswith(path)
        assert feed.findtext("a:updated", namespaces=ATOM).endswith("+08:00")
        entry = feed.find("a:entry", ATOM)
        assert entry.find("a:link", ATOM).get("href").startswith("http")
