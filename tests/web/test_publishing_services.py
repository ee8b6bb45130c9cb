"""One write, one trail: a recall, a recall's withdrawal, a results table or trace data sent
through the form, the command line or the push API leaves the same audit entry and the same
change record, because each path calls the same service."""

from __future__ import annotations

import copy
import json

from sqlalchemy import select

from formulatrust.core.change_feed import Change
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import api_tokens
from formulatrust.publishing.models import AuditEntry, User
from formulatrust.results.models import Recall
from formulatrust.search import query_index

from ..accounts_factory import acting_as, csrf_token
from .test_publish import RESULTS, TRACE, as_role, recall_fields, upload

GTIN = "09521234500018"
REASON = "监管部门核实后撤回本次召回公告。"


def entries(session, object_type: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.object_type == object_type)
                                .order_by(AuditEntry.id)))


def changes(session, kind: str, ids: list[int] | None = None) -> list[tuple[str, object]]:
    """The change feed's rows about ``kind`` records (those of ``ids``): (action, id)."""
    session.expire_all()
    rows = [(change.action, change.keys.get("id")) for change in session.scalars(
        select(Change).where(Change.kind == kind).order_by(Change.id))]
    return [row for row in rows if ids is None or row[1] in ids]


def email_of(session, entry: AuditEntry) -> str:
    return session.get(User, entry.user_id).email


def test_a_recall_from_the_form_and_from_the_command_line_leaves_the_same_trail(
        app, client, runner, session, trace):
    product = trace["ordinary"].product
    as_role(client, session, "regulator")
    token = csrf_token(client, "/publish/recalls/new")
    assert client.post("/publish/recalls/new", data={
        "csrf_token": token, **recall_fields(product)}).status_code == 303
    by = acting_as(session)
    result = runner.invoke(args=[
        "recalls", "publish", GTIN, "--lot", "20260301A1", "--announced", "2026-07-01",
        "--reason-zh", "检出异物。", "--reason-en", "A foreign body was found.",
        "--action-zh", "停止食用。", "--action-en", "Stop using it.",
        "--source-url", "https://example.gov.cn/recall/1", *by])
    assert result.exit_code == 0, result.output
    from_form, from_command = session.scalars(select(Recall).where(
        Recall.reason_zh == "检出异物。").order_by(Recall.id)).all()
    form_entry, command_entry = entries(session, "recall")
    assert (form_entry.action, command_entry.action) == ("publish", "publish")
    assert (form_entry.object_id, command_entry.object_id) == (str(from_form.id),
                                                                str(from_command.id))
    assert form_entry.summary == command_entry.summary
    assert form_entry.summary["lots"] == ["20260301A1"] and form_entry.summary["english"]
    assert email_of(session, command_entry) == by[1]
    assert changes(session, "recall", [from_form.id, from_command.id]) == [
        ("insert", from_form.id), ("insert", from_command.id)]
    hits = query_index(app.config["SEARCH_INDEX_DIR"], "异物", kind="recall")
    assert sorted(hit.key for hit in hits) == sorted([str(from_form.id), str(from_command.id)])


def test_a_withdrawal_from_the_form_and_from_the_command_line_leaves_the_same_trail(
        client, runner, session, trace):
    product = trace["ordinary"].product
    first, second = (Recall(product_id=product.id, lots=[lot],
                            announced_on=trace["recalled"].produced_on, reason_zh="检出异物。",
                            action_zh="停止食用。", reason_en="", action_en="")
                     for lot in ("20260301A1", "20260301A2"))
    session.add_all([first, second])
    session.commit()
    as_role(client, session, "regulator")
    url = f"/publish/recalls/{first.id}/edit"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "level": "",
                                      "status": "withdrawn", "status_reason": REASON,
                                      "quantity_affected": "", "quantity_recovered": ""})
    assert response.status_code == 303
    result = runner.invoke(args=["recalls", "status", str(second.id), "withdrawn",
                                 "--reason", REASON, *acting_as(session)])
    assert result.exit_code == 0, result.output
    form_entry, command_entry = entries(session, "recall")
    assert form_entry.action == command_entry.action == "change"
    assert form_entry.summary == command_entry.summary == {
        "status": ["ongoing", "withdrawn"], "status_reason": ["", REASON]}
    assert changes(session, "recall", [first.id, second.id]) == [
        ("insert", first.id), ("insert", second.id), ("update", first.id), ("update", second.id)]


def test_a_refused_withdrawal_writes_nothing_from_either_path(client, runner, session, trace):
    recall = Recall(product_id=trace["ordinary"].product.id, lots=["20260301A1"],
                    announced_on=trace["recalled"].produced_on, reason_zh="检出异物。",
                    action_zh="停止食用。", reason_en="", action_en="")
    session.add(recall)
    session.commit()
    as_role(client, session, "regulator")
    url = f"/publish/recalls/{recall.id}/edit?lang=en"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "level": "",
                                      "status": "withdrawn", "status_reason": "short",
                                      "quantity_affected": "", "quantity_recovered": ""})
    assert response.status_code == 400
    assert "Say why the recall is withdrawn" in response.get_data(as_text=True)
    result = runner.invoke(args=["recalls", "status", str(recall.id), "withdrawn",
                                 "--reason", "short", *acting_as(session)])
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    assert entries(session, "recall") == []
    assert changes(session, "recall", [recall.id]) == [("insert", recall.id)]
    session.expire_all()
    assert session.get(Recall, recall.id).status == "ongoing"


def test_a_results_table_from_the_upload_page_and_the_command_line_leaves_the_same_trail(
        client, runner, session, world):
    user = as_role(client, session, "regulator")
    response = upload(client, "/publish/results?lang=en", RESULTS.name, RESULTS.read_bytes())
    assert response.status_code == 200
    by = acting_as(session)
    result = runner.invoke(args=["results", "import", str(RESULTS), *by])
    assert result.exit_code == 0, result.output
    from_page, from_command = entries(session, "results")
    assert from_page.action == from_command.action == "import"
    assert from_page.object_id == from_command.object_id == RESULTS.name
    assert from_page.summary.keys() == from_command.summary.keys()
    assert (from_page.summary["created"], from_command.summary["created"]) == (11, 0)
    assert from_command.summary["unchanged"] == 11
    assert (from_page.user_id, email_of(session, from_command)) == (user.id, by[1])
    inserted = [action for action, _id in changes(session, "sampling_result")]
    assert inserted.count("insert") == 11  # the second import changed nothing


def test_trace_data_from_the_upload_page_and_the_push_api_leaves_the_same_trail(
        client, session, world):
    user = as_role(client, session, "enterprise", world["enterprises"][0])
    url = "/publish/enterprises/test-dairy/trace?lang=en"
    assert upload(client, url, "trace.json", json.dumps(TRACE).encode()).status_code == 200
    enterprise = session.scalar(select(Enterprise).where(Enterprise.slug == "test-dairy"))
    token, text = api_tokens.issue(session, enterprise, "ERP")
    session.commit()
    pushed = copy.deepcopy(TRACE)
    pushed["batches"][0].update(lot="20260302B1", serials=["B0000001", "B0000002"])
    response = client.post("/api/v1/trace", data=json.dumps(pushed, ensure_ascii=False),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 201, response.get_json()
    from_page, from_api = [entry for entry in entries(session, "trace")]
    assert from_page.action == from_api.action == "import"
    assert from_page.object_id == from_api.object_id == "test-dairy"
    assert from_api.summary.keys() - from_page.summary.keys() == {"api_token", "token_name"}
    assert from_page.summary["file"] == "trace.json"
    assert from_api.summary["file"] == f"API {token.public_id}"
    assert from_page.summary["batches_created"] == from_api.summary["batches_created"] == 1
    assert (from_page.user_id, from_api.user_id) == (user.id, None)
    assert [action for action, _id in changes(session, "batch")] == ["insert", "insert"]


def test_trace_data_from_the_command_line_leaves_the_upload_pages_trail(
        client, runner, session, world, tmp_path):
    enterprise = world["enterprises"][0]
    as_role(client, session, "enterprise", enterprise)
    url = f"/publish/enterprises/{enterprise.slug}/trace?lang=en"
    assert upload(client, url, "trace.json", json.dumps(TRACE).encode()).status_code == 200
    file = tmp_path / "trace.json"
    other = copy.deepcopy(TRACE)
    other["batches"][0].update(lot="20260303C1", serials=["C0000001"])
    file.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["trace", "import", str(file),
                                 *acting_as(session, "enterprise", enterprise)])
    assert result.exit_code == 0, result.output
    from_page, from_command = entries(session, "trace")
    assert from_page.action == from_command.action == "import"
    assert from_page.object_id == from_command.object_id == enterprise.slug
    assert from_page.summary.keys() == from_command.summary.keys()
    assert from_command.summary["batches_created"] == 1
    assert [action for action, _id in changes(session, "batch")] == ["insert", "insert"]
