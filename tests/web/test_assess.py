"""A regulator's "assess" action: the rules of ``ratings assess`` from the enterprise page, with
a confirmation; and re-assessments that penalties and failed results propose in the review
queue."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from formulatrust.core import clock
from formulatrust.core.db import make_engine
from formulatrust.core.migrate import downgrade, upgrade
from formulatrust.enterprises.models import Penalty, Rating
from formulatrust.publishing.models import AuditEntry
from formulatrust.results.models import ReviewProposal

from ..accounts_factory import acting_as, csrf_token, make_user, sign_in_as
from ..liveserver import sibling_database
from ..pagecheck import check_page, text_of
from .test_publish import penalty_fields
from .test_review import import_failure

ASSESS = "/publish/enterprises/river-milk/assess"


def soup_of(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status
    return check_page(response.get_data(as_text=True))


def ratings(session) -> list[Rating]:
    session.expire_all()
    return list(session.scalars(select(Rating).order_by(Rating.id)))


def reassessments(session, status: str | None = None) -> list[ReviewProposal]:
    session.expire_all()
    query = select(ReviewProposal).where(ReviewProposal.kind == "reassessment")
    if status:
        query = query.where(ReviewProposal.status == status)
    return list(session.scalars(query.order_by(ReviewProposal.id)))


def publish_penalty(client, **changes):
    token = csrf_token(client, "/publish/penalties/new")
    response = client.post("/publish/penalties/new",
                           data={"csrf_token": token, **penalty_fields(**changes)})
    assert response.status_code == 303
    return response


def decide(client, proposal_id: int, decision: str, reason: str):
    soup = soup_of(client, "/publish/review?lang=en")
    field = f"p{proposal_id}-csrf_token"
    return client.post(f"/publish/review/{proposal_id}?lang=en", data={
        field: soup.find("input", attrs={"name": field})["value"],
        f"p{proposal_id}-decision": decision, f"p{proposal_id}-reason": reason})


def test_a_regulator_assesses_from_the_enterprise_page_after_a_confirmation(
        client, session, world, runner):
    regulator = make_user(session, "regulator")
    sign_in_as(client, regulator)
    profile = soup_of(client, "/enterprises/river-milk?lang=en")
    button = profile.select_one(f"a.button[href='{ASSESS}']")
    assert button is not None and button.get_text() == "Assess the rating now"

    confirm = soup_of(client, ASSESS + "?lang=en")
    assert "Not yet rated" in text_of(confirm, "main")
    offered = confirm.select_one("main .grade").get_text()  # the current grade: none yet
    preview = [badge.get_text() for badge in confirm.select("main .grade")][1]
    assert offered == "Not yet rated" and preview.startswith("Grade ")
    assert confirm.find("input", id="assessor")["value"] == regulator.organisation.name_zh
    assert ratings(session) == []  # looking records nothing

    refused = client.post(ASSESS, data={"assessor": "Test Regulator"})  # no CSRF token
    assert refused.status_code == 400 and ratings(session) == []
    empty = client.post(ASSESS + "?lang=en", data={"csrf_token": csrf_token(client, ASSESS),
                                                   "assessor": " "})
    assert empty.status_code == 400
    assert "Say who assesses" in text_of(check_page(empty.get_data(as_text=True)),
                                         ".error-summary")
    assert ratings(session) == []

    done = client.post(ASSESS + "?lang=en", data={"csrf_token": csrf_token(client, ASSESS),
                                                  "assessor": "Test Market Regulator"})
    assert done.status_code == 303
    [made] = ratings(session)
    result = soup_of(client, done.headers["Location"] + "&lang=en")
    assert f"Grade {made.grade}" in text_of(result, ".panel-confirmation")
    assert "Test Market Regulator" in text_of(result, ".panel-confirmation")
    assert f"Grade {made.grade}" == preview  # what was shown is what was kept
    assert made.assessed_on == clock.shanghai_now().date()
    public = soup_of(client, "/enterprises/river-milk?lang=en")
    assert f"Grade {made.grade}" in text_of(public, ".grade-line")
    assert session.scalar(select(AuditEntry).where(
        AuditEntry.action == "assess").order_by(AuditEntry.id.desc())).user_id == regulator.id

    # The command applies the same rules to the same evidence and gets the same rating.
    command = runner.invoke(args=["ratings", "assess", "--assessor", "CLI", "--on",
                                  made.assessed_on.isoformat(), "river-milk",
                                  *acting_as(session)])
    assert command.exit_code == 0, command.output
    first, second = ratings(session)
    assert (first.grade, first.score, first.criteria, first.capped_by) == (
        second.grade, second.score, second.criteria, second.capped_by)


def test_only_regulators_are_offered_and_let_through(client, session, world):
    for role in (None, "enterprise", "admin", "association"):
        user = make_user(session, role, world["enterprises"][1] if role == "enterprise" else
                         None) if role else None
        sign_in_as(client, user)
        profile = soup_of(client, "/enterprises/river-milk?lang=en")
        assert profile.select_one(f"a[href='{ASSESS}']") is None, role
        answer = client.get(ASSESS)
        if role is None:
            assert answer.status_code == 303 and "/sign-in" in answer.headers["Location"]
        else:
            assert answer.status_code == 403, role


def test_a_published_penalty_proposes_a_reassessment_a_regulator_confirms(
        client, session, world):
    regulator = make_user(session, "regulator")
    sign_in_as(client, regulator)
    publish_penalty(client, suspended_production="y")
    [proposal] = reassessments(session, "pending")
    penalty = session.scalars(select(Penalty)).one()
    assert (proposal.penalty_id, proposal.enterprise_id) == (penalty.id, world["enterprises"][1].id)
    queue = soup_of(client, "/publish/review?lang=en")
    item = text_of(queue, f"#proposal-{proposal.id}")
    assert "Re-assess the rating" in item and "Riverside Milk" in item
    assert penalty.decision_no in queue.find(id=f"proposal-{proposal.id}").parent.get_text()

    assert decide(client, proposal.id, "confirm", "too short").status_code == 400
    assert ratings(session) == []
    assert decide(client, proposal.id, "confirm", "Production was suspended.").status_code == 303
    [made] = ratings(session)
    [decided] = reassessments(session)
    assert (decided.status, decided.rating_id) == ("confirmed", made.id)
    assert made.grade in ("C", "D")  # a suspension caps the grade at C (the methodology)
    assert made.assessor == regulator.organisation.name_zh
    recent = soup_of(client, "/publish/review?lang=en")
    assert "Re-assessed" in text_of(recent, ".card-list")


def test_a_declined_reassessment_keeps_its_reason_and_rates_nothing(client, session, world):
    sign_in_as(client, make_user(session, "regulator"))
    publish_penalty(client)
    [proposal] = reassessments(session, "pending")
    assert decide(client, proposal.id, "decline", "Rated last week already.").status_code == 303
    assert ratings(session) == []
    assert reassessments(session)[0].reason == "Rated last week already."


def test_a_failed_result_proposes_one_waiting_reassessment_per_enterprise(
        client, session, world, runner, tmp_path):
    world["enterprises"][1].name_zh = "河畔乳品有限公司"
    session.commit()
    import_failure(runner, tmp_path, session)
    [proposal] = reassessments(session, "pending")
    assert proposal.result_id is not None and proposal.penalty_id is None
    sign_in_as(client, make_user(session, "regulator"))
    publish_penalty(client)  # the same enterprise: one re-assessment already waits
    assert len(reassessments(session, "pending")) == 1
    assert decide(client, proposal.id, "decline", "Waiting for the appeal.").status_code == 303
    publish_penalty(client, decision_no="沪市监罚〔2026〕13号")  # decided: a new one may wait
    assert len(reassessments(session, "pending")) == 1
    assert session.scalar(select(func.count(ReviewProposal.id))) == 3  # and the listing


def test_migration_0020_goes_up_and_down(database_url, tmp_path):
    engine = make_engine(sibling_database(database_url, "reassessment_migration", tmp_path))
    try:
        upgrade(engine, "0020")
        columns = {c["name"]: c for c in inspect(engine).get_columns("review_proposal")}
        assert {"penalty_id", "rating_id"} <= set(columns) and columns["result_id"]["nullable"]
        downgrade(engine, "0018")
        columns = {c["name"]: c for c in inspect(engine).get_columns("review_proposal")}
        assert not {"penalty_id", "rating_id"} & set(columns)
        assert not columns["result_id"]["nullable"]
        upgrade(engine)
    finally:
        engine.dispose()
