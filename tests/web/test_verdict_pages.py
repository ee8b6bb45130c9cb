"""Product, batch and can pages open with the verdict: the evidence, most severe first."""

from __future__ import annotations

from datetime import UTC, date, datetime

from formulatrust.results.models import FailedItem, Recall, SamplingResult
from formulatrust.scan.models import CanQuery, RegisteredSerial

from ..pagecheck import check_page
from ..test_readme import demo_urls

GTIN1, GTIN2, GTIN3 = "09521234500018", "09521234500025", "09521234500032"
NOT_GENUINE = ("may not be genuine", "可能不是正品")


def opening(client, path: str):
    """Return the page's verdict block (the first thing after the heading) and the main text."""
    soup = check_page(client.get(path).get_data(as_text=True))
    verdict = soup.main.select_one("#verdict")
    assert verdict is not None, "the page must open with a verdict"
    # Nothing but the heading and its byline comes before the verdict.
    assert [tag.name for tag in verdict.find_all_previous() if tag in soup.main.descendants
            and tag.parent is soup.main] == ["p", "h1"]
    return verdict, " ".join(soup.main.get_text().split())


def sampled_only_lot(session, world, lot: str = "20260601X9", **fields) -> SamplingResult:
    stage3 = world["products"][2]
    result = SamplingResult(
        product_id=stage3.id, enterprise_id=stage3.brand.enterprise_id, lot=lot,
        product_name=stage3.name_zh, enterprise_name="河畔乳品有限公司", compliant=False,
        announced_on=date(2026, 8, 1), announcement_no="2026年第12号",
        failed_items=[FailedItem(item="阪崎肠杆菌", measured="检出", limit="不得检出")], **fields)
    session.add(result)
    session.commit()
    return result


def test_a_failed_batch_leads_with_the_failure_and_links_the_result(client, session, trace):
    session.add(RegisteredSerial(batch_id=trace["failed"].id, serial="REG0003"))
    session.commit()
    verdict, text = opening(client, f"/01/{GTIN3}/10/20260503C3/21/REG0003?lang=en")
    first = verdict.find("section")
    assert "banner-danger" in first["class"] and "Cronobacter" in first.get_text()
    assert first.find("a", href=lambda href: href and href.startswith("/results/"))
    assert "verdict-danger" in verdict["class"]
    assert not any(words in text for words in NOT_GENUINE)


def test_a_lot_known_only_from_sampling_shows_the_result_and_never_says_counterfeit(
        client, session, world, trace):
    sampled_only_lot(session, world)
    for path in (f"/01/{GTIN3}/10/20260601X9", f"/01/{GTIN3}/10/20260601X9/21/ANY1"):
        for lang, item in (("en", "Cronobacter"), ("zh", "阪崎肠杆菌")):
            verdict, text = opening(client, f"{path}?lang={lang}")
            assert "banner-danger" in verdict.find("section")["class"]
            assert item in verdict.find("section").get_text()
            assert not any(words in text for words in NOT_GENUINE), (path, lang)
    _, text = opening(client, f"/01/{GTIN3}/10/20260601X9?lang=en")
    assert "The maker has not registered batch 20260601X9" in text


def test_a_lot_nobody_knows_still_warns(client, trace):
    verdict, _ = opening(client, f"/01/{GTIN1}/10/NOPE99?lang=en")
    assert "may not be genuine" in verdict.select_one(".banner-warning").get_text()


def test_a_completed_recall_keeps_the_can_recalled_and_a_withdrawn_one_is_a_note(
        client, session, trace):
    recall = session.query(Recall).one()
    recall.status = "completed"
    session.commit()
    verdict, _ = opening(client, f"/01/{GTIN2}/10/20260402B2/21/ANY1?lang=en")
    assert "recall-banner" in verdict.find("section")["class"]
    assert "still recalled" in verdict.find("section").get_text()
    recall.status = "withdrawn"
    session.commit()
    verdict, text = opening(client, f"/01/{GTIN2}/10/20260402B2?lang=en")
    assert verdict.select_one(".recall-banner") is None
    assert "was withdrawn by the regulator" in verdict.get_text()


def test_a_result_overturned_on_appeal_is_not_danger(client, session, trace):
    result = session.query(SamplingResult).filter_by(lot="20260503C3").one()
    result.overturned_on = date(2026, 9, 1)
    session.commit()
    verdict, _ = opening(client, f"/01/{GTIN3}/10/20260503C3?lang=en")
    assert verdict.select_one(".banner-danger") is None
    assert "overturned on appeal" in verdict.get_text()


def test_other_lots_failures_in_24_months_are_a_warning_on_the_product(client, trace):
    verdict, _ = opening(client, f"/01/{GTIN3}?lang=en")
    warning = verdict.select_one(".banner-warning")
    assert "1 failed sampling result for this product in the last 24 months" in warning.get_text()


def test_an_ordinary_can_says_no_warnings_and_names_the_rating(client, trace):
    verdict, _ = opening(client, f"/01/{GTIN1}/10/20260301A1/21/REG0001?lang=en")
    assert "verdict-ok" in verdict["class"] and "No warnings" in verdict.get_text()
    assert verdict.select_one(".grade").get_text().strip() == "Grade A"


def test_the_json_answer_carries_the_same_verdict(client, session, world, trace):
    result = sampled_only_lot(session, world)
    body = client.get(f"/01/{GTIN3}/10/20260601X9/21/ANY1",
                      headers={"Accept": "application/json"}).get_json()
    assert body["verdict"]["level"] == "danger"
    assert body["verdict"]["reasons"][0] == {"kind": "lot_failure", "level": "danger",
                                            "link": f"/results/{result.id}"}
    # The other lot's failure (20260503C3) is a warning; the missing trace record a note.
    assert [r["kind"] for r in body["verdict"]["reasons"]] == [
        "lot_failure", "product_failures", "lot_not_registered"]
    ordinary = client.get(f"/01/{GTIN1}/10/20260301A1/21/REG0001",
                          headers={"Accept": "application/json"}).get_json()
    assert ordinary["verdict"]["level"] == "ok"


def test_data_attributes_in_the_code_are_shown_and_an_expired_date_is_a_warning(client, trace):
    path = f"/01/{GTIN1}/10/20260301A1/21/REG0001"
    fine = client.get(f"{path}?17=280228&3103=000900&lang=en")
    assert fine.status_code == 200
    verdict, _ = opening(client, f"{path}?17=280228&3103=000900&lang=en")
    assert "expiry February 28, 2028" in verdict.get_text()
    assert "net weight 900 g" in verdict.get_text() and "verdict-ok" in verdict["class"]
    expired, _ = opening(client, f"{path}?17=250101&lang=en")
    assert "expired on January 1, 2025" in expired.select_one(".banner-warning").get_text()
    other, _ = opening(client, f"{path}?17=280101&lang=en")
    assert "does not match the batch record" in other.select_one(".banner-warning").get_text()


def test_an_invalid_attribute_is_a_400_that_names_it(client, trace):
    response = client.get(f"/01/{GTIN1}/10/20260301A1?3103=12&lang=en")
    assert response.status_code == 400
    text = " ".join(check_page(response.get_data(as_text=True)).main.get_text().split())
    assert "3103" in text and "format GS1 defines" in text
    assert client.get(f"/01/{GTIN1}//10/20260301A1").status_code == 400
    assert client.get(f"/01//{GTIN1}").status_code == 400


COPIED = {"en": ("This code may have been copied onto other cans", "No warnings"),
          "zh": ("这个码可能被复制到了其他罐上", "无警示")}


def mark_burst(session, gtin: str, lot: str, serial: str) -> None:
    """Record that more devices than one household has checked this can within a week."""
    moment = datetime(2026, 9, 23, 10, tzinfo=UTC)
    session.add(CanQuery(gtin=gtin, lot=lot, serial=serial, first_at=moment, last_at=moment,
                         count=30, burst_at=moment, burst_devices=23))
    session.commit()


def assert_warns_of_a_copied_code(verdict, lang: str) -> None:
    warning, no_warnings = COPIED[lang]
    assert no_warnings not in verdict.get_text()
    assert "verdict-ok" not in verdict["class"]
    section = next(s for s in verdict.find_all("section") if warning in s.get_text())
    assert "banner-warning" in section["class"]
    assert "23" in section.get_text()
    assert section.find("a", href=lambda href: href and href.startswith("/scan/report"))


def test_a_can_with_an_unusual_query_history_warns_in_the_verdict(client, session, trace):
    mark_burst(session, GTIN1, "20260301A1", "REG0001")
    path = f"/01/{GTIN1}/10/20260301A1/21/REG0001"
    for lang in ("zh", "en"):
        verdict, _ = opening(client, f"{path}?lang={lang}")
        assert_warns_of_a_copied_code(verdict, lang)
        assert "seal" in verdict.get_text() or "封口" in verdict.get_text()
    body = client.get(path, headers={"Accept": "application/json"}).get_json()
    assert body["verdict"]["level"] == "warning"
    assert [r["kind"] for r in body["verdict"]["reasons"]] == ["code_copied", "rating"]
    other_can, _ = opening(client, f"/01/{GTIN1}/10/20260301A1/21/REG0002?lang=en")
    assert COPIED["en"][0] not in other_can.get_text()


def test_the_warning_stands_when_scans_are_no_longer_counted(app, client, session, trace):
    mark_burst(session, GTIN1, "20260301A1", "REG0001")
    app.config["QUERY_LOG_ENABLED"] = False
    verdict, _ = opening(client, f"/01/{GTIN1}/10/20260301A1/21/REG0001?lang=en")
    assert_warns_of_a_copied_code(verdict, "en")


def test_a_recall_still_comes_before_the_copied_code(client, session, trace):
    mark_burst(session, GTIN2, "20260402B2", "ANY1")
    verdict, _ = opening(client, f"/01/{GTIN2}/10/20260402B2/21/ANY1?lang=en")
    sections = verdict.find_all("section")
    assert "recall-banner" in sections[0]["class"]
    assert any(COPIED["en"][0] in s.get_text() for s in sections[1:])
    body = client.get(f"/01/{GTIN2}/10/20260402B2/21/ANY1",
                      headers={"Accept": "application/json"}).get_json()
    assert [r["kind"] for r in body["verdict"]["reasons"]][0] == "recall"
    assert "code_copied" in [r["kind"] for r in body["verdict"]["reasons"]]


def test_the_demo_can_with_a_suspicious_history_opens_with_the_warning(client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    path = demo_urls()["a can with a suspicious query history"]
    for lang in ("zh", "en"):
        verdict, _ = opening(client, f"{path}?lang={lang}")
        assert_warns_of_a_copied_code(verdict, lang)
    body = client.get(path, headers={"Accept": "application/json"}).get_json()
    assert body["verdict"]["level"] == "warning"
    assert "code_copied" in [r["kind"] for r in body["verdict"]["reasons"]]
    ordinary, _ = opening(client, demo_urls()["an ordinary can"] + "?lang=zh")
    assert "无警示" in ordinary.get_text()
