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
