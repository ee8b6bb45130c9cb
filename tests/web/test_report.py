"""Reporting a problem with a can: validated, CSRF-protected, stored for regulators."""

from __future__ import annotations

from sqlalchemy import select

from formulatrust.scan.models import ProblemReport

from ..pagecheck import check_page

GTIN1 = "09521234500018"
FORM = f"/scan/report?gtin={GTIN1}&lot=20260301A1&serial=REG0001"


def token(client, url=FORM) -> str:
    soup = check_page(client.get(url).get_data(as_text=True))
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def fields(client, **changes):
    data = {"csrf_token": token(client), "gtin": GTIN1, "lot": "20260301A1",
            "serial": "REG0001", "category": "counterfeit",
            "description": "The seal was already broken when I opened the box.",
            "contact": "13800001234"}
    data.update(changes)
    return data


def test_a_report_is_stored_and_confirmed_without_echoing_personal_data(client, session, trace):
    response = client.post("/scan/report", data=fields(client))
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"] + "?lang=en")
    soup = check_page(confirmation.get_data(as_text=True), "en")
    assert soup.h1.get_text() == "Report received"
    assert "13800001234" not in confirmation.get_data(as_text=True)
    report = session.scalars(select(ProblemReport)).one()
    assert (report.gtin, report.lot, report.serial, report.status) == (
        GTIN1, "20260301A1", "REG0001", "new")
    assert report.reference in soup.main.get_text()


def test_invalid_reports_are_refused_with_messages_and_input_kept(client, session, trace):
    response = client.post("/scan/report?lang=en",
                           data=fields(client, description="short", category="nonsense"))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    summary = soup.select_one(".error-summary").get_text()
    assert "Write between 10 and 2,000 characters" in summary
    assert "Not a valid choice" in summary
    assert soup.find("textarea", id="description").get_text().strip() == "short"
    assert session.scalars(select(ProblemReport)).all() == []


def test_reports_without_csrf_token_are_refused(client, session, trace):
    data = fields(client)
    data.pop("csrf_token")
    assert client.post("/scan/report", data=data).status_code == 400
    assert session.scalars(select(ProblemReport)).all() == []


def test_reports_about_unknown_products_are_404(client, trace):
    assert client.get("/scan/report?gtin=09521234599999").status_code == 404
    assert client.get("/scan/report/NOSUCHREF").status_code == 404


def test_no_category_is_chosen_until_the_reporter_chooses_one(client, session, trace):
    soup = check_page(client.get(FORM + "&lang=en").get_data(as_text=True))
    select_box = soup.find("select", id="category")
    assert select_box.find("option", selected=True) is None or \
        select_box.find("option", selected=True)["value"] == ""
    assert select_box.find("option")["value"] == ""
    response = client.post("/scan/report?lang=en", data=fields(client, category=""))
    assert response.status_code == 400
    assert "Choose what the problem is" in response.get_data(as_text=True)


def test_the_confirmation_says_how_to_follow_up_and_names_12315(client, session, trace):
    response = client.post("/scan/report", data=fields(client))
    soup = check_page(client.get(response.headers["Location"] + "?lang=en").get_data(
        as_text=True), "en")
    assert soup.main.find("a", href="/scan/report/status")
    assert "12315" in soup.main.get_text()


def status_of(client, reference: str, last_four: str):
    soup = check_page(client.get("/scan/report/status?lang=en").get_data(as_text=True))
    csrf = soup.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post("/scan/report/status?lang=en", data={
        "csrf_token": csrf, "reference": reference, "last_four": last_four})


def test_a_reporter_sees_the_status_with_the_reference_and_the_contacts_last_four(
        client, session, trace):
    client.post("/scan/report", data=fields(client))
    report = session.scalars(select(ProblemReport)).one()
    found = status_of(client, report.reference.lower(), "1234")
    assert found.status_code == 200
    text = " ".join(check_page(found.get_data(as_text=True), "en").main.get_text().split())
    assert "New" in text and "13800001234" not in text and "seal" not in text
    report.status = "investigating"
    session.commit()
    assert "Investigating" in status_of(client, report.reference, "1234").get_data(as_text=True)
    wrong = status_of(client, report.reference, "9999")
    assert wrong.status_code == 400
    assert "No report matches" in wrong.get_data(as_text=True)
    assert "Investigating" not in wrong.get_data(as_text=True)


def test_a_report_without_contact_needs_only_its_reference(client, session, trace):
    client.post("/scan/report", data=fields(client, contact=""))
    report = session.scalars(select(ProblemReport)).one()
    assert status_of(client, report.reference, "").status_code == 200
