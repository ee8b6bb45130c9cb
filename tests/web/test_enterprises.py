"""Enterprise integrity files: import, rating assessment, profile pages, ratings and downloads."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from formulatrust.enterprises import integrity_import
from formulatrust.enterprises.models import Penalty, Rating, Reply

from ..accounts_factory import ActingRunner, acting_as
from ..pagecheck import check_page, text_of

RECORDS = {"enterprises": [{
    "slug": "test-dairy",
    "licences": [{"number": "SC10631010000001", "event": "granted", "on": "2021-01-05",
                  "valid_until": "2026-01-04", "scope_zh": "婴幼儿配方乳粉"}],
    "certifications": [{"scheme": "HACCP", "number": "H-1", "valid_from": "2025-01-01",
                        "valid_until": "2027-12-31"}],
    "penalties": [
        {"decision_no": "沪罚〔2026〕1号", "decided_on": "2026-06-01",
         "facts_zh": "标签不符合规定。",
         "facts_en": "The label broke the rules.", "legal_basis": "食品安全法第一百二十五条",
         "amount_yuan": 20000, "status": "appealed", "publish_until": "2029-05-31"},
        {"decision_no": "沪罚〔2019〕7号", "decided_on": "2019-03-01", "facts_zh": "旧事。",
         "legal_basis": "旧法条", "amount_yuan": 1000, "status": "in_force",
         "publish_until": "2022-02-28"}],
    "inspections": [{"inspected_on": "2026-05-01", "scope_zh": "全面检查", "passed": False,
                     "findings_zh": "记录不全。", "rectify_by": "2026-06-01",
                     "rectified_on": "2026-05-20"}],
    "standards": [{"number": "Q/T 0001S", "title_zh": "企业标准", "effective_on": "2026-01-01",
                   "indicators": [{"name_zh": "硝酸盐", "unit": "mg/kg", "national": "≤100",
                                   "enterprise": "≤50"}]}],
    "replies": [{"target": "penalty", "ref": "沪罚〔2026〕1号", "body_zh": "我们已申请复议。",
                 "body_en": "We have applied for review.", "appeal_status": "filed",
                 "replied_on": "2026-06-10"}],
}]}


@pytest.fixture
def runner(runner, session):
    """Every command here runs as an account of the regulator role (``--by EMAIL``)."""
    return ActingRunner(runner, acting_as(session, "regulator"))


@pytest.fixture
def records(runner, session, world, tmp_path):
    """The regulator's records by the command line; the enterprise's reply from its own side."""
    regulators = json.loads(json.dumps(RECORDS))
    replies = regulators["enterprises"][0].pop("replies")
    path = tmp_path / "records.json"
    path.write_text(json.dumps(regulators, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["enterprises", "import", str(path)])
    assert result.exit_code == 0, result.output
    own = {"enterprises": [{"slug": "test-dairy", "replies": replies}]}
    integrity_import.import_records(session, json.dumps(own), replies_of=world["enterprises"][0].id)
    session.commit()
    for day in ("2026-03-01", "2026-09-01"):
        assessed = runner.invoke(args=["ratings", "assess", "--assessor", "测试组", "--on", day])
        assert assessed.exit_code == 0, assessed.output
    return path


def test_import_writes_every_record_and_assessment_keeps_history(session, records):
    assert session.scalar(select(func.count()).select_from(Penalty)) == 2
    assert session.scalars(select(Reply)).one().appeal_status == "filed"
    ratings = session.scalars(select(Rating).order_by(Rating.assessed_on)).all()
    assert len(ratings) == 4  # two enterprises, assessed twice
    assert all(r.criteria and r.assessor == "测试组" for r in ratings)


def test_a_bad_records_file_writes_nothing_and_names_record_and_field(runner, session, world,
                                                                        tmp_path):
    bad = json.loads(json.dumps(RECORDS))
    bad["enterprises"][0]["penalties"][0]["decided_on"] = "2026-13-01"
    bad["enterprises"][0]["licences"][0]["number"] = "XX1"
    bad["enterprises"].append({"slug": "nobody"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["enterprises", "import", str(path)])
    assert result.exit_code == 1
    assert "enterprises[0].penalties[0] · decided_on" in result.output
    assert "enterprises[0].licences[0] · number" in result.output
    assert session.scalar(select(func.count()).select_from(Penalty)) == 0


@pytest.mark.parametrize("address", ["javascript:alert(1)", "JavaScript:alert(1)",
                                     "data:text/html,<b>x</b>", "ftp://files.example/a"])
def test_a_source_address_that_is_not_a_web_page_is_refused_and_nothing_written(
        runner, session, world, tmp_path, address):
    bad = json.loads(json.dumps(RECORDS))
    bad["enterprises"][0]["penalties"][0]["source_url"] = address
    path = tmp_path / "script.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["enterprises", "import", str(path)])
    assert result.exit_code == 1
    assert "enterprises[0].penalties[0] · source_url" in result.output
    assert "http://" in result.output
    assert session.scalar(select(func.count()).select_from(Penalty)) == 0


def test_a_web_source_address_is_kept(runner, session, world, tmp_path):
    good = json.loads(json.dumps(RECORDS))
    del good["enterprises"][0]["replies"]
    good["enterprises"][0]["penalties"][0]["source_url"] = "https://scjgj.sh.gov.cn/notice/1"
    path = tmp_path / "good.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["enterprises", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "https://scjgj.sh.gov.cn/notice/1" in session.scalars(select(Penalty.source_url)).all()


def test_profile_shows_grade_breakdown_timeline_and_the_enterprise_reply(client, records):
    soup = check_page(client.get("/enterprises/test-dairy?lang=en").get_data(as_text=True),
                      "en")
    assert soup.select_one(".grade").get_text().startswith("Grade")
    criteria = [row.td.get_text() for row in soup.select("#rating-heading ~ div tbody tr")]
    assert criteria[:2] == ["Sampling record", "Administrative penalties"]
    timeline = text_of(soup, ".timeline")
    assert "Status: under appeal." in timeline
    assert "publication period ended" in timeline  # the 2019 penalty, marked, not deleted
    reply = text_of(soup, ".reply")
    assert "We have applied for review." in reply and "own words" in reply
    assert "Rating history" in soup.main.get_text()


def test_ratings_page_filters_sorts_and_refuses_bad_values(client, records):
    soup = check_page(client.get("/ratings?lang=en").get_data(as_text=True), "en")
    assert len(soup.select("tbody tr")) == 2
    assert client.get("/ratings?grade=Z").status_code == 400
    assert client.get("/ratings?sort=size").status_code == 400


def test_ratings_downloads_api_and_feed(client, records):
    text = client.get("/ratings.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["slug"] for row in rows} == {"test-dairy", "river-milk"}
    assert all(row["grade"] in "ABCD" for row in rows)
    api = client.get("/api/v1/enterprises").get_json()["enterprises"]
    assert api[0]["rating"]["criteria"][0][0] == "sampling"
    feed = ElementTree.fromstring(client.get("/ratings/feed.atom").data)
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 4


def test_methodology_and_standards_pages(client, records):
    method = check_page(client.get("/ratings/methodology?lang=en").get_data(as_text=True))
    assert "30%" in method.main.get_text()
    standards = check_page(client.get("/standards").get_data(as_text=True))
    assert "≤50" in standards.main.get_text() and "≤100" in standards.main.get_text()


def test_an_enterprise_may_reply_beside_a_result(runner, client, session, world, tmp_path):
    from datetime import date

    from formulatrust.results.models import SamplingResult

    failed = SamplingResult(sample_no="S-9", enterprise_id=world["enterprises"][0].id,
                            product_name="测试", compliant=False, announced_on=date(2026, 5, 1))
    session.add(failed)
    session.commit()
    text = json.dumps({"enterprises": [{"slug": "test-dairy", "replies": [
        {"target": "result", "ref": "S-9", "body_zh": "复检合格。", "body_en": "Retest passed.",
         "appeal_status": "filed", "replied_on": "2026-05-10"}]}]})
    path = tmp_path / "reply.json"
    path.write_text(text, encoding="utf-8")
    refused = runner.invoke(args=["enterprises", "import", str(path)])  # an operator, not the
    assert refused.exit_code != 0 and "own accounts" in refused.output  # enterprise itself
    integrity_import.import_records(session, text, replies_of=world["enterprises"][0].id)
    session.commit()
    soup = check_page(client.get(f"/results/{failed.id}?lang=en").get_data(as_text=True))
    assert "Retest passed." in text_of(soup, ".reply")
