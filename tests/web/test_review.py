"""The regulators' review queue: a failed result proposes a key-supervision listing, and only
a regulator confirms or declines it, with a reason on record."""

from __future__ import annotations

from sqlalchemy import func, select

from formulatrust.publishing.models import AuditEntry
from formulatrust.results.models import ReviewProposal, SupervisionListing

from ..accounts_factory import acting_as, make_user, sign_in_as
from ..pagecheck import check_page

GTIN3 = "09521234500032"
ROWS = ("抽样编号,标称生产企业名称,被抽样单位名称,食品名称,公告号,公告日期,"
        "不合格项目║检验结果║标准值\n"
        "DC26009999,河畔乳品有限公司,示例母婴店,河畔幼儿配方乳粉（3段）,2026年第20号,2026-10-01,"
        "阪崎肠杆菌║检出║不得检出\n")


def import_failure(runner, tmp_path, session):
    path = tmp_path / "failed.csv"
    path.write_text(ROWS, encoding="utf-8")
    result = runner.invoke(args=["results", "import", str(path), *acting_as(session)])
    assert result.exit_code == 0, result.output


def decide(client, proposal_id: int, decision: str, reason: str):
    soup = check_page(client.get("/publish/review").get_data(as_text=True))
    field = f"p{proposal_id}-csrf_token"
    token = soup.find("input", attrs={"name": field})
    return client.post(f"/publish/review/{proposal_id}?lang=en", data={
        field: token["value"] if token else "", f"p{proposal_id}-decision": decision,
        f"p{proposal_id}-reason": reason})


def test_a_failed_result_waits_for_a_regulator_who_lists_the_product(
        client, session, world, runner, tmp_path):
    world["enterprises"][1].name_zh = "河畔乳品有限公司"
    world["products"][2].name_zh = "河畔幼儿配方乳粉（3段）"
    session.commit()
    import_failure(runner, tmp_path, session)
    proposal = session.scalars(select(ReviewProposal).where(
        ReviewProposal.kind == "supervision_listing")).one()
    assert proposal.status == "pending" and proposal.product_id == world["products"][2].id
    assert session.scalar(select(func.count(SupervisionListing.id))) == 0
    regulator = make_user(session, "regulator")
    sign_in_as(client, regulator)
    queue = check_page(client.get("/publish/review?lang=en").get_data(as_text=True))
    # The listing, and re-assessing the enterprise's rating (tested in test_assess.py).
    assert "2 proposals waiting" in queue.main.get_text()
    short = decide(client, proposal.id, "confirm", "too short")
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    done = decide(client, proposal.id, "confirm", "Cronobacter in an infant formula lot.")
    assert done.status_code == 303
    session.expire_all()
    listing = session.scalars(select(SupervisionListing)).one()
    assert listing.product_id == world["products"][2].id and "阪崎肠杆菌" in listing.reason_zh
    assert session.get(ReviewProposal, proposal.id).decided_by_id == regulator.id
    assert session.scalar(select(AuditEntry).where(
        AuditEntry.object_type == "review_proposal")).user_id == regulator.id
    page = check_page(client.get("/supervision?lang=en").get_data(as_text=True))
    assert "Cronobacter in an infant formula lot." in page.main.get_text()
    again = decide(client, proposal.id, "decline", "Changed my mind about this one.")
    assert again.status_code == 400  # a decided proposal has no form any more
    session.expire_all()
    assert session.get(ReviewProposal, proposal.id).status == "confirmed"


def test_a_declined_proposal_lists_nothing_and_keeps_its_reason(
        client, session, world, runner, tmp_path):
    world["enterprises"][1].name_zh = "河畔乳品有限公司"
    session.commit()
    import_failure(runner, tmp_path, session)
    proposal = session.scalars(select(ReviewProposal).where(
        ReviewProposal.kind == "supervision_listing")).one()
    sign_in_as(client, make_user(session, "regulator"))
    assert decide(client, proposal.id, "decline", "The result is under appeal.").status_code \
        == 303
    session.expire_all()
    assert session.get(ReviewProposal, proposal.id).reason == "The result is under appeal."
    assert session.scalar(select(func.count(SupervisionListing.id))) == 0


def test_other_roles_may_not_decide(client, session, world, runner, tmp_path):
    world["enterprises"][1].name_zh = "河畔乳品有限公司"
    session.commit()
    import_failure(runner, tmp_path, session)
    proposal = session.scalars(select(ReviewProposal).where(
        ReviewProposal.kind == "supervision_listing")).one()
    sign_in_as(client, make_user(session, "association"))
    assert client.get("/publish/review").status_code == 403
    sign_in_as(client, make_user(session, "admin"))
    queue = check_page(client.get("/publish/review?lang=en").get_data(as_text=True))
    assert queue.find("form", action=f"/publish/review/{proposal.id}") is None


def test_the_demo_list_holds_every_confirmed_failure_and_proposals_wait(app, runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    session.expire_all()
    from formulatrust.results.models import SamplingResult
    failing = set(session.scalars(select(SamplingResult.product_id).where(
        SamplingResult.compliant.is_(False))))
    listed = set(session.scalars(select(SupervisionListing.product_id)))
    waiting = session.scalars(select(ReviewProposal).where(
        ReviewProposal.status == "pending")).all()
    pending_only = {p.product_id for p in waiting} - listed
    assert failing - listed <= pending_only  # listed, or waiting for a regulator
    assert len(waiting) >= 1 and len(listed) >= 3
