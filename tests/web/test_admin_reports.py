"""The regulators' report queue (contacts masked except to regulators) and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from formulatrust.core.clock import utcnow
from formulatrust.publishing.admin import mask_contact
from formulatrust.publishing.models import AuditEntry
from formulatrust.scan.models import ProblemReport

from ..accounts_factory import make_user, sign_in_as
from ..pagecheck import check_page, text_of


def add_report(session, reference="REF00001", status="new", contact="13800001234", days=0):
    report = ProblemReport(reference=reference, gtin="09521234500018", lot="20260301A1",
                           serial="REG0001", category="damaged", status=status,
                           description="The seal was broken when I opened it.",
                           contact=contact, created_at=utcnow() - timedelta(days=days))
    session.add(report)
    session.commit()
    return report


@pytest.fixture
def regulator(client, session):
    user = make_user(session, "regulator")
    sign_in_as(client, user)
    return user


def token_of(soup) -> str:
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


@pytest.mark.parametrize(("contact", "masked"), [
    ("13800001234", "138****1234"), ("alice@example.com", "a***@example.com"),
    ("  bob@mail.example.org ", "b***@mail.example.org"), ("12345", "*****"), ("", "")])
def test_contacts_are_masked(contact, masked):
    assert mask_contact(contact) == masked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_queue_lists_and_filters_reports(client, session, regulator, lang):
    add_report(session, "NEWONE01")
    add_report(session, "CLOSED01", status="closed", days=3)
    soup = check_page(client.get(f"/admin/reports?lang={lang}").get_data(as_text=True), lang)
    assert [a.get_text() for a in soup.select("tbody a")] == ["NEWONE01", "CLOSED01"]
    response = client.get(f"/admin/reports?status=closed&lang={lang}")
    soup = check_page(response.get_data(as_text=True), lang)
    assert [a.get_text() for a in soup.select("tbody a")] == ["CLOSED01"]
    assert soup.find("option", value="closed").has_attr("selected")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "13800001234" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["status=nonsense", "page=0", "page=x"])
def test_bad_filters_are_400(client, session, regulator, query):
    assert client.get(f"/admin/reports?{query}").status_code == 400


def test_the_queue_pages(client, session, regulator):
    for number in range(51):
        session.add(ProblemReport(reference=f"P{number:07d}", gtin="09521234500018",
                                  category="other", description="Something else happened."))
    session.commit()
    first = check_page(client.get("/admin/reports?lang=en").get_data(as_text=True))
    assert len(first.select("tbody tr")) == 50
    assert first.find("a", rel="next")["href"] == "/admin/reports?page=2"
    second = check_page(client.get("/admin/reports?page=2").get_data(as_text=True))
    assert len(second.select("tbody tr")) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regulators_see_the_contact_in_full(client, session, regulator, lang):
    report = add_report(session)
    response = client.get(f"/admin/reports/{report.id}?lang={lang}")
    soup = check_page(response.get_data(as_text=True), lang)
    assert "13800001234" in soup.main.get_text()
    assert soup.find("select", id="status")


@pytest.mark.parametrize(("lang", "said"), [("en", "Deleted after the retention period."),
                                            ("zh", "已按保留期限删除。")])
def test_a_purged_report_says_in_the_readers_language_that_its_text_was_deleted(
        client, session, regulator, runner, lang, said):
    report = add_report(session, status="closed", days=200)
    assert runner.invoke(args=["reports", "purge"]).exit_code == 0
    soup = check_page(client.get(f"/admin/reports/{report.id}?lang={lang}")
                      .get_data(as_text=True), lang)
    assert said in soup.main.get_text()
    assert "/" not in soup.select_one("h2 + p").get_text()


def test_administrators_see_the_queue_with_contacts_masked_and_cannot_triage(client, session):
    report = add_report(session, contact="alice@example.com")
    sign_in_as(client, make_user(session, "admin"))
    response = client.get(f"/admin/reports/{report.id}?lang=en")
    body = response.get_data(as_text=True)
    soup = check_page(body, "en")
    assert "alice@example.com" not in body and "a***@example.com" in soup.main.get_text()
    assert soup.find("select", id="status") is None
    assert client.post(f"/admin/reports/{report.id}/status",
                       data={"csrf_token": token_of(check_page(client.get("/account").text)),
                             "status": "closed"}).status_code == 403
    session.refresh(report)
    assert report.status == "new"


@pytest.mark.parametrize("role", ["association", "enterprise", "science"])
def test_other_roles_cannot_see_the_queue(client, session, world, role):
    report = add_report(session)
    enterprise = world["enterprises"][0] if role == "enterprise" else None
    sign_in_as(client, make_user(session, role, enterprise))
    assert client.get("/admin/reports").status_code == 403
    assert client.get(f"/admin/reports/{report.id}").status_code == 403


def test_a_regulator_moves_a_report_on_and_it_is_audited(client, session, regulator):
    report = add_report(session)
    soup = check_page(client.get(f"/admin/reports/{report.id}?lang=en").text)
    assert [o["value"] for o in soup.select("#status option")] == ["investigating", "closed"]
    response = client.post(f"/admin/reports/{report.id}/status",
                           data={"csrf_token": token_of(soup), "status": "investigating"})
    assert response.status_code == 303
    session.refresh(report)
    assert report.status == "investigating"
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.user_id, entry.action, entry.object_type, entry.object_id, entry.summary) == (
        regulator.id, "change", "problem_report", str(report.id),
        {"status": ["new", "investigating"]})
    soup = check_page(client.get(f"/admin/reports/{report.id}?lang=en").text, "en")
    assert "New → Investigating" in soup.main.get_text()
    assert [o["value"] for o in soup.select("#status option")] == ["closed"]


@pytest.mark.parametrize(("start", "wanted"), [("investigating", "new"), ("new", "new"),
                                                ("closed", "investigating"), ("new", "")])
def test_status_changes_go_forward_only(client, session, regulator, start, wanted):
    report = add_report(session, status=start)
    token = token_of(check_page(client.get("/account").text))
    response = client.post(f"/admin/reports/{report.id}/status?lang=en",
                           data={"csrf_token": token, "status": wanted})
    assert response.status_code == 400
    soup = check_page(response.text, "en")
    if start == "closed":
        assert "This report is closed" in soup.main.get_text()
    else:
        assert text_of(soup, ".error-summary a") and soup.find(id="status")
    session.refresh(report)
    assert report.status == start
    assert session.scalars(select(AuditEntry)).all() == []


def test_unknown_reports_are_404(client, session, regulator):
    assert client.get("/admin/reports/999999").status_code == 404


# --- the audit log --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_administrators_read_the_audit_log_page_by_page(client, session, lang):
    admin = make_user(session, "admin")
    for number in range(55):
        session.add(AuditEntry(user_id=admin.id if number % 2 else None, action="change",
                               object_type="problem_report", object_id=str(number),
                               summary={"status": ["new", "closed"], "说明": "中文"}))
    session.commit()
    sign_in_as(client, admin)
    soup = check_page(client.get(f"/admin/audit?lang={lang}").text, lang)
    rows = soup.select("tbody tr")
    assert len(rows) == 50
    assert '"说明": "中文"' in rows[0].get_text()
    second = check_page(client.get(f"/admin/audit?page=2&lang={lang}").text, lang)
    assert len(second.select("tbody tr")) == 5
    assert text_of(second, ".pagination span")
    assert not soup.find("form", method="post")


@pytest.mark.parametrize("role", ["regulator", "association", "science"])
def test_only_administrators_read_the_audit_log(client, session, role):
    sign_in_as(client, make_user(session, role))
    assert client.get("/admin/audit").status_code == 403


def test_audit_entries_cannot_be_changed_or_deleted(session):
    entry = AuditEntry(action="create", object_type="user", object_id="1", summary={})
    session.add(entry)
    session.commit()
    entry.summary = {"forged": True}
    with pytest.raises(ValueError, match="cannot be changed"):
        session.commit()
    session.rollback()
    session.delete(entry)
    with pytest.raises(ValueError, match="cannot be changed"):
        session.commit()
    session.rollback()
