"""/industry-statistics: associations publish figures by CSV or form; readers see charts beside
tables, download CSV and JSON, follow the feed and use the API."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from formulatrust.industry.models import IndustryFigure, IndustryFigureVersion

from .. import bulletins_factory
from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page

HEADER = ("period,category_zh,category_en,stage_zh,stage_en,measure,value,unit,source_zh,"
          "source_en\n")
STAGE_1 = "婴儿配方乳粉,Infant formula,1段,Stage 1"
RETURNS = "会员月报,Members' returns"
GOOD = (HEADER
        + f"2026-01,{STAGE_1},production_volume,1250,t,{RETURNS}\n"
        + f"2026-02,{STAGE_1},production_volume,1310.5,t,{RETURNS}\n"
        + f"2026-01,{STAGE_1},sales_value,98000000,元,{RETURNS}\n")
ONE_BAD_ROW = (HEADER
               + f"2026-01,{STAGE_1},production_volume,1250,t,会员月报,\n"
               + f"2026-02,{STAGE_1},production_volume,lots,t,会员月报,\n")


@pytest.fixture
def association(session):
    return make_user(session, "association", email="stats@example.com", organisation="dairy-fed")


def upload(client, text: str, name: str = "figures.csv"):
    return client.post("/publish/industry-statistics/upload", data={
        "csrf_token": csrf_token(client, "/publish/industry-statistics"),
        "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data")


def figure_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(IndustryFigure))


def test_an_upload_with_one_bad_row_writes_nothing_and_names_row_and_column(
        client, session, association):
    sign_in_as(client, association)
    answer = upload(client, ONE_BAD_ROW)
    assert answer.status_code == 400
    soup = check_page(answer.get_data(as_text=True))
    problems = [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]
    assert problems == ["第 3 行“value”列：数值应为不小于 0 的数字（最多 3 位小数），如 1250 或 "
                        "1,250.5。"]
    assert figure_count(session) == 0


def test_a_good_file_shows_the_table_the_chart_and_the_downloads(client, session, association):
    sign_in_as(client, association)
    answer = upload(client, GOOD)
    assert answer.status_code == 303
    done = check_page(client.get(answer.headers["Location"] + "&lang=en").get_data(as_text=True))
    assert done.select_one(".notice").get_text(" ", strip=True).startswith(
        "Published: 3 new figures, 0 corrected, 0 unchanged.")
    sign_in_as(client, None)
    soup = check_page(client.get("/industry-statistics?lang=en").get_data(as_text=True))
    tables = {table.caption.get_text(" ", strip=True): [
        [" ".join(cell.get_text().split()) for cell in row.find_all(["th", "td"])]
        for row in table.tbody.find_all("tr")] for table in soup.select("table.numbers")}
    assert tables == {
        "Production volume (tonnes) · monthly": [["2026-01", "1,250"], ["2026-02", "1,310.5"]],
        "Sales value (yuan) · monthly": [["2026-01", "98,000,000"]]}
    charts = soup.select(".chart-pair svg[role=img]")
    assert len(charts) == 2
    assert "Infant formula · Stage 1" in charts[0].get_text()
    csv_link = soup.find("a", string="Download CSV")["href"]
    download = client.get(csv_link)
    text = download.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [(r["period"], r["measure"], r["value"], r["unit"]) for r in rows] == [
        ("2026-01", "production_volume", "1250", "t"),
        ("2026-02", "production_volume", "1310.5", "t"),
        ("2026-01", "sales_value", "98000000", "yuan")]
    body = client.get("/industry-statistics?format=json&measure=sales_value").get_json()
    assert [(f["period"], f["value"], f["source_en"]) for f in body["figures"]] == [
        ("2026-01", 98000000, "Members' returns")]


def test_a_correction_keeps_the_old_value_and_leaves_unstated_figures(
        client, session, association):
    sign_in_as(client, association)
    upload(client, GOOD)
    corrected = HEADER + "2026-01,婴儿配方乳粉,,1段,,production_volume,1200,吨,会员月报（更正）,\n"
    assert upload(client, corrected).status_code == 303
    soup = check_page(client.get("/industry-statistics?lang=en").get_data(as_text=True))
    cell = soup.find("th", string="2026-01").find_next_sibling("td")
    assert " ".join(cell.get_text().split()) == "1,200 (corrected)"
    history = check_page(client.get(cell.a["href"] + "?lang=en").get_data(as_text=True))
    rows = [[" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])][:3]
            for row in history.select("table.numbers tbody tr")]
    # The file gave no English source note, so the English one given before is kept.
    assert rows == [["2 (current)", "1,200", "Members' returns"],
                    ["1", "1,250", "Members' returns"]]
    assert history.find("dd", string="会员月报（更正）") is None
    session.expire_all()
    figures = {(f.period, f.measure): f for f in session.scalars(select(IndustryFigure))}
    assert len(figures) == 3  # the file's one row erased nothing else
    assert figures[("2026-01", "production_volume")].category_en == "Infant formula"
    assert session.scalar(select(func.count()).select_from(IndustryFigureVersion)) == 4


def test_one_figure_by_the_form_and_a_wrong_value_named_on_its_field(
        client, session, association):
    sign_in_as(client, association)
    form = {"csrf_token": csrf_token(client, "/publish/industry-statistics"),
            "period": "2026-Q1", "category_zh": "婴儿配方乳粉", "measure": "sales_volume",
            "value": "-5", "source_zh": "协会季报"}
    answer = client.post("/publish/industry-statistics", data=form)
    assert answer.status_code == 400
    soup = check_page(answer.get_data(as_text=True))
    assert "数值应为不小于 0 的数字" in soup.select_one("#value-error").get_text()
    assert figure_count(session) == 0
    assert client.post("/publish/industry-statistics",
                       data={**form, "value": "3,600"}).status_code == 303
    figure = session.scalar(select(IndustryFigure))
    assert (figure.period, figure.value, figure.unit, figure.stage_zh) == (
        "2026-Q1", "3600", "t", "")


def test_downloads_are_safe_to_open_in_a_spreadsheet(client, session, association):
    sign_in_as(client, association)
    evil = HEADER + "2026-01,=HYPERLINK(\"http://x\"),,,,sales_volume,5,,@SUM(A1),\n"
    assert upload(client, evil).status_code == 303
    text = client.get("/industry-statistics?format=csv").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["category_zh"] == "'=HYPERLINK(\"http://x\")"
    assert row["source_zh"] == "'@SUM(A1)"


def test_the_api_answers_filtered_pages_and_refuses_a_bad_period_in_both_languages(
        client, session, association):
    sign_in_as(client, association)
    upload(client, GOOD)
    sign_in_as(client, None)
    body = client.get("/api/v1/industry-statistics?measure=production_volume&from=2026-02"
                      ).get_json()
    assert (body["total"], body["pages"]) == (1, 1)
    assert [(f["period"], f["value"], f["unit"], f["category_en"], f["version"])
            for f in body["figures"]] == [("2026-02", 1310.5, "t", "Infant formula", 1)]
    refused = client.get("/api/v1/industry-statistics?from=March")
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["parameter"] == "from"
    assert "2026-Q1" in error["messages"]["en"] and "2026-Q1" in error["messages"]["zh"]


def test_the_openapi_document_describes_the_api_answer(client, session, association):
    from jsonschema import Draft202012Validator

    sign_in_as(client, association)
    upload(client, GOOD)
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/industry-statistics"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"measure", "series", "from", "to",
                                                            "page"}
    schema = {"$ref": "#/components/schemas/IndustryFiguresPage",
              "components": document["components"]}
    answer = client.get("/api/v1/industry-statistics").get_json()
    assert answer["total"] == 3
    Draft202012Validator(schema).validate(answer)


def test_the_feed_has_an_entry_for_each_release(client, session, association):
    from xml.etree import ElementTree

    sign_in_as(client, association)
    upload(client, GOOD)
    sign_in_as(client, None)
    feed = client.get("/industry-statistics/feed.atom?lang=en")
    assert feed.mimetype == "application/atom+xml"
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(feed.data).findall(f"{atom}entry")
    assert [e.find(f"{atom}title").text for e in entries] == [
        "Test organisation dairy-fed: figures for 2026-01 – 2026-02"]
    assert entries[0].find(f"{atom}summary").text == "3 new figures, 0 corrected."


def test_the_demo_has_two_years_of_monthly_figures_from_an_invented_association(
        client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    soup = check_page(client.get("/industry-statistics?lang=en").get_data(as_text=True))
    tables = soup.select("table.numbers")
    assert [t.caption.get_text(" ", strip=True) for t in tables] == [
        "Production volume (tonnes) · monthly", "Sales volume (tonnes) · monthly",
        "Sales value (yuan) · monthly"]
    periods = [row.th.get_text() for row in tables[0].tbody.find_all("tr")]
    assert (len(periods), periods[0], periods[-1]) == (24, "2024-11", "2026-10")
    assert len(tables[0].thead.find_all("th")) == 4  # the period and three stages
    assert len(soup.select(".corrected")) == 1
    assert "invented demo data" in soup.get_text()
    assert "Published by Hubin Infant Dairy Federation (demo)." in " ".join(soup.get_text().split())


def test_a_bulletin_embeds_a_series_table_that_follows_corrections(client, session, association):
    sign_in_as(client, association)
    upload(client, GOOD)
    line = "[[industry-statistics?measure=production_volume&from=2026-01&to=2026-02]]"
    bulletins_factory.bulletin(session, body_en=f"Production this year:\n\n{line}\n\nMore soon.",
                               statistics=[])
    upload(client, HEADER + f"2026-02,{STAGE_1},production_volume,1300,t,{RETURNS}\n")
    sign_in_as(client, None)
    soup = check_page(client.get("/bulletins/q3-quality?lang=en").get_data(as_text=True))
    prose = soup.select_one(".prose")
    assert line not in prose.get_text()
    [table] = prose.select(".embedded-statistics table")
    assert [[" ".join(c.get_text().split()) for c in row.find_all(["th", "td"])]
            for row in table.tbody.find_all("tr")] == [["2026-01", "1,250"],
                                                       ["2026-02", "1,300 (corrected)"]]
    texts = [p.get_text() for p in prose.find_all("p", recursive=False)]
    assert texts[0] == "Production this year:" and texts[-1] == "More soon."


def test_the_complete_data_files_hold_every_figure(client, session, association, runner, app):
    import gzip

    from formulatrust.open_data import dumps

    sign_in_as(client, association)
    upload(client, GOOD)
    assert runner.invoke(args=["data", "build"]).exit_code == 0
    entries = dumps.entries(dumps.read_manifest(dumps.folder(app)))
    [entry] = [e for e in entries.values() if e["name"] == "industry_statistics.jsonl.gz"]
    lines = gzip.decompress(dumps.stored_path(dumps.folder(app), entry).read_bytes()).decode()
    records = [json.loads(line) for line in lines.splitlines()]
    assert [(r["period"], r["measure"], r["value"]) for r in records] == [
        ("2026-01", "production_volume", 1250), ("2026-02", "production_volume", 1310.5),
        ("2026-01", "sales_value", 98000000)]


def test_a_bad_period_on_the_page_says_what_to_write_in_both_languages(client):
    answer = client.get("/industry-statistics?to=next+year&lang=en")
    assert answer.status_code == 400
    soup = check_page(answer.get_data(as_text=True))
    assert "“To period” must be a month such as 2026-03" in soup.main.get_text()
    assert soup.select_one('main [lang="zh-Hans"]') is not None  # the Chinese beside it


def test_a_series_named_only_in_chinese_is_marked_chinese_on_english_pages(
        client, session, association):
    sign_in_as(client, association)
    upload(client, HEADER + "2026-01,幼儿配方乳粉,,3段,,sales_volume,12,t,月报,\n")
    soup = check_page(client.get("/industry-statistics?lang=en").get_data(as_text=True))
    [option] = soup.select("#industry-series option[value]:not([value=''])")
    assert option["lang"] == "zh-Hans"
    header = soup.select("table.numbers thead th")[1]
    assert header.select_one('[lang="zh-Hans"]').get_text() == "幼儿配方乳粉"
