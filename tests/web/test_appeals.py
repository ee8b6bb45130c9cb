"""Appeals as a workflow: the enterprise files, only a regulator decides, every step shown
beside the original record, which stays."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from formulatrust.enterprises.models import Appeal, Penalty
from formulatrust.publishing.models import AuditEntry
from formulatrust.results.models import FailedItem, SamplingResult

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page

GROUNDS = "复检结果合格，原检测样品储存条件不当。"
DECISION = "复检和储存记录证实原结论有误。"


def failed_result(session, enterprise) -> SamplingResult:
    result = SamplingResult(sample_no="AP-1", enterprise_id=enterprise.id, product_name="测试奶粉",
                            compliant=False, announced_on=date(2026, 9, 1),
                            failed_items=[FailedItem(item="阪崎肠杆菌", measured="检出",
                                                     limit="不得检出")])
    session.add(result)
    session.commit()
    return result


def file_appeal(client, slug: str, target: str, target_id: int, grounds: str = GROUNDS):
    url = f"/publish/enterprises/{slug}/appeals/{target}/{target_id}/new?lang=en"
    return client.post(url, data={"csrf_token": csrf_token(client, "/account"),
                                  "grounds_zh": grounds,
                                  "grounds_en": "A retest passed."})


def decide(client, appeal_id: int, outcome: str, reason: str):
    soup = check_page(client.get("/publish/appeals?lang=en").get_data(as_text=True))
    field = f"a{appeal_id}-csrf_token"
    token = soup.find("input", attrs={"name": field})
    return client.post(f"/publish/appeals/{appeal_id}?lang=en", data={
        field: token["value"] if token else "", f"a{appeal_id}-outcome": outcome,
        f"a{appeal_id}-reason_zh": reason})


def test_an_enterprise_files_and_a_regulator_overturns_a_failed_result(client, session,
                                                                        world):
    own = world["enterprises"][0]
    result = failed_result(session, own)
    sign_in_as(client, make_user(session, "enterprise", own))
    assert file_appeal(client, own.slug, "result", result.id, "太短").status_code == 400
    assert file_appeal(client, own.slug, "result", result.id).status_code == 303
    again = file_appeal(client, own.slug, "result", result.id)
    assert again.status_code == 400 and "already waiting" in again.get_data(as_text=True)
    appeal = session.scalars(select(Appeal)).one()
    page = check_page(client.get(f"/results/{result.id}?lang=en").get_data(as_text=True))
    text = " ".join(page.main.get_text().split())
    assert "Appeal filed by the enterprise" in text and "Waiting for the regulator" in text
    assert "Not compliant" in page.h1.get_text()  # the original is never hidden
    regulator = make_user(session, "regulator")
    sign_in_as(client, regulator)
    assert decide(client, appeal.id, "overturned", "短").status_code == 400
    assert decide(client, appeal.id, "overturned", DECISION).status_code == 303
    session.expire_all()
    decided = session.get(Appeal, appeal.id)
    assert (decided.status, decided.decided_by_id) == ("overturned", regulator.id)
    assert session.get(SamplingResult, result.id).overturned_on is not None
    text = " ".join(check_page(client.get(f"/results/{result.id}?lang=en").get_data(
        as_text=True)).main.get_text().split())
    assert "Overturned" in text and DECISION in text
    assert "overturned on appeal" in text
    actions = [(e.action, e.user_id) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "appeal").order_by(AuditEntry.id))]
    assert [a for a, _ in actions] == ["create", "change"] and actions[1][1] == regulator.id


def test_an_enterprise_cannot_decide_or_appeal_for_another(client, session, world):
    own, other = world["enterprises"]
    theirs = failed_result(session, other)
    sign_in_as(client, make_user(session, "enterprise", own))
    assert file_appeal(client, own.slug, "result", theirs.id).status_code == 404
    assert file_appeal(client, other.slug, "result", theirs.id).status_code == 403
    assert client.get("/publish/appeals").status_code == 403
    assert session.scalars(select(Appeal)).all() == []


def test_an_overturned_penalty_is_marked_not_removed(client, session, world):
    own = world["enterprises"][0]
    penalty = Penalty(enterprise_id=own.id, decision_no="沪罚〔2026〕9号",
                      decided_on=date(2026, 3, 1), facts_zh="标签不规范。", legal_basis="第一条",
                      publish_until=date.today() + timedelta(days=365))
    session.add(penalty)
    session.commit()
    sign_in_as(client, make_user(session, "enterprise", own))
    assert file_appeal(client, own.slug, "penalty", penalty.id).status_code == 303
    appeal = session.scalars(select(Appeal)).one()
    sign_in_as(client, make_user(session, "regulator"))
    assert decide(client, appeal.id, "partly", "罚款金额调整，其余维持。").status_code == 303
    text = " ".join(check_page(client.get(f"/enterprises/{own.slug}?lang=en").get_data(
        as_text=True)).main.get_text().split())
    assert "沪罚〔2026〕9号" in text and "Partly upheld" in text
