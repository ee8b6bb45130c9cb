"""/results/statistics: charts with tables of the same numbers, filters, CSV and JSON."""

from __future__ import annotations

import csv
import io
from datetime import date
from xml.etree import ElementTree

import pytest

from formulatrust.results.models import FailedItem, SamplingResult

from ..pagecheck import check_page

SVG = "{http://www.w3.org/2000/svg}"
FIRST, SECOND = "测试乳业有限公司", "河畔乳品有限公司"


@pytest.fixture
def sampled(session, world):
    """Ten results: four in 2024, five in 2025, one undated; four not compliant."""
    stage1, stage2, stage3 = world["products"]

    def add(product, announced, failed=(), enterprise=FIRST):
        session.add(SamplingResult(
            product_id=product.id if product else None, enterprise_name=enterprise,
            product_name=product.name_zh if product else "未关联产品", announced_on=announced,
            compliant=not failed, failed_items=[FailedItem(item=item) for item in failed]))

    for product in (stage1, stage1, stage2):
        add(product, date(2024, 3, 1))
    add(stage1, date(2024, 9, 1), ["阪崎肠杆菌", "维生素A"])
    add(stage3, date(2025, 2, 1), enterprise=SECOND)
    add(stage3, date(2025, 4, 1), enterprise=SECOND)
    add(stage1, date(2025, 5, 1))
    add(stage3, date(2025, 6, 1), ["维生素A"], enterprise=SECOND)
    add(stage2, date(2025, 7, 1), ["维生素A", "阪崎肠杆菌"])
    add(None, None, ["硒"], enterprise=SECOND)
    session.commit()


def table(soup, caption_id: str) -> list[list[str]]:
    """Return the body rows of the table captioned ``caption_id`` as lists of cell texts."""
    body = soup.find(id=caption_id).find_parent("table").tbody
    return [[" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
            for row in body.find_all("tr")]


def chart(soup, chart_id: str) -> ElementTree.Element:
    """Parse the inline chart ``chart_id`` as XML."""
    svg = soup.find("svg", attrs={"aria-labelledby": f"{chart_id}-title"})
    assert svg is not None, f"no chart {chart_id}"
    return ElementTree.fromstring(str(svg))


def values_in(svg: ElementTree.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text") if "chart-value" in t.get("class", "")]


def test_charts_and_tables_show_the_numbers_of_the_results(client, sampled):
    soup = check_page(client.get("/results/statistics?lang=en").get_data(as_text=True), "en")
    assert "10 sampling results, 4 of them not compliant." in soup.get_text(" ")
    assert table(soup, "years-caption") == [["2024", "4", "1", "75.0%"],
                                            ["2025", "5", "2", "60.0%"]]
    assert "1 result has no announcement date" in soup.get_text(" ")
    assert table(soup, "items-caption") == [["vitamin A", "3", "75.0%"],
                                            ["Cronobacter", "2", "50.0%"],
                                            ["selenium", "1", "25.0%"]]
    assert table(soup, "stages-caption") == [
        ["Stage 1", "4", "1", "25.0%"], ["Stage 2", "2", "1", "50.0%"],
        ["Stage 3", "3", "1", "33.3%"], ["Stage not known", "1", "1", "100.0%"]]

    years = chart(soup, "chart-years")
    assert years.get("role") == "img"
    assert years.find(f"{SVG}title").text == "Compliance rate by year"
    assert "Lowest: 60.0% in 2025; highest: 75.0% in 2024" in years.find(f"{SVG}desc").text
    assert values_in(years) == ["75.0%", "60.0%"]
    assert values_in(chart(soup, "chart-items")) == ["3", "2", "1"]
    assert values_in(chart(soup, "chart-stages")) == ["1", "1", "1", "1"]


def test_chinese_page_translates_the_chart_texts(client, sampled):
    soup = check_page(client.get("/results/statistics?lang=zh").get_data(as_text=True), "zh")
    assert chart(soup, "chart-years").find(f"{SVG}title").text == soup.find(
        id="years-heading").get_text()
    assert table(soup, "years-caption")[0] == ["2024", "4", "1", "75.0%"]
    assert table(soup, "items-caption")[0] == ["维生素A", "3", "75.0%"]


def test_table_links_open_the_matching_results(client, sampled):
    soup = check_page(client.get("/results/statistics?enterprise=" + FIRST).get_data(
        as_text=True))
    link = soup.find(id="items-caption").find_parent("table").tbody.a["href"]
    listed = check_page(client.get(link).get_data(as_text=True))
    assert len(listed.select(".result-rows li")) == 2  # the first enterprise's 维生素A failures


@pytest.mark.parametrize(("query", "years", "summary"), [
    (f"enterprise={FIRST}", [["2024", "4", "1", "75.0%"], ["2025", "2", "1", "50.0%"]],
     "6 sampling results, 2 of them not compliant."),
    ("from_year=2025&to_year=2025", [["2025", "5", "2", "60.0%"]],
     "5 sampling results, 2 of them not compliant."),
    ("to_year=2024", [["2024", "4", "1", "75.0%"]],
     "4 sampling results, 1 of them not compliant."),
])
def test_filters_narrow_every_number(client, sampled, query, years, summary):
    soup = check_page(client.get(f"/results/statistics?lang=en&{query}").get_data(as_text=True))
    assert table(soup, "years-caption") == years
    assert summary in soup.get_text(" ")
    assert "no announcement date" not in soup.get_text(" ")


def test_csv_and_json_hold_the_same_numbers(client, sampled):
    response = client.get("/results/statistics?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_key = {(row["section"], row["key"]): row for row in rows}
    assert by_key[("total", "")]["not_compliant"] == "4"
    assert by_key[("year", "2025")]["compliance_rate_percent"] == "60.0"
    assert by_key[("failed_item", "维生素A")]["not_compliant"] == "3"
    assert by_key[("failed_item", "维生素A")]["share_of_non_compliant_percent"] == "75.0"
    assert by_key[("stage", "")]["results"] == "1"  # results not linked to a product

    body = client.get("/results/statistics?format=json&from_year=2025").get_json()
    assert body["filters"] == {"enterprise": None, "from_year": 2025, "to_year": None}
    assert body["total"] == {"results": 5, "compliant": 3, "not_compliant": 2,
                             "compliance_rate_percent": 60.0, "without_announcement_date": 0}
    assert body["failed_items"] == [
        {"item": "维生素A", "not_compliant_results": 2, "share_of_non_compliant_percent": 100.0},
        {"item": "阪崎肠杆菌", "not_compliant_results": 1, "share_of_non_compliant_percent": 50.0}]
    assert [s["stage"] for s in body["stages"]] == [1, 2, 3]


@pytest.mark.parametrize(("query", "field"), [
    ("from_year=abc", "from_year"), ("to_year=1800", "to_year"), ("from_year=²", "from_year"),
    ("from_year=2025&to_year=2024", "to_year"), ("enterprise=" + "长" * 101, "enterprise"),
    ("format=xml", "format"),
])
def test_bad_filters_get_400_saying_what_is_wrong_in_each_language(client, sampled, query,
                                                                   field):
    texts = {}
    for lang in ("zh", "en"):
        response = client.get(f"/results/statistics?{query}&lang={lang}")
        assert response.status_code == 400
        soup = check_page(response.get_data(as_text=True), lang)
        texts[lang] = " ".join(soup.select_one(".error-summary p").get_text().split())
        assert not soup.find("svg")
    assert texts["zh"] != texts["en"]
    response = client.get(f"/results/statistics?{query}&format=json")
    if field != "format":
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["parameter"] == field
        assert error["messages"]["zh"] != error["messages"]["en"]


def test_no_results_gives_a_plain_message_not_an_empty_chart(client, world):
    soup = check_page(client.get("/results/statistics?lang=en").get_data(as_text=True))
    assert soup.select_one(".empty-state")
    assert not soup.find("svg") and not soup.find("table")


def test_results_and_home_pages_link_to_the_statistics(client, sampled):
    for path in ("/results", "/"):
        soup = check_page(client.get(path).get_data(as_text=True))
        assert soup.find("a", href="/results/statistics"), path
