"""Open days through the outbox: a promoted booker and a cancelled visit are told by e-mail
when they left an address (open_days/notices.py)."""

from __future__ import annotations

import re

from sqlalchemy import select

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from ..smtp_server import body, work_once


def test_a_booker_promoted_from_the_waiting_list_is_told_by_e_mail_once(
        web, mail_app, inbox, session, world):
    from formulatrust.open_days.models import Booking

    from ..open_days_factory import open_day
    handler, _port = inbox
    visit = open_day(session, world["enterprises"][0], capacity=2, waitlist=5)
    other = mail_app.test_client()
    other.environ_base["HTTP_REFERER"] = "https://localhost/"

    def book(client, **fields):
        data = {"csrf_token": csrf_token(client, "/open-days/manage"), "name": "王小明",
                "phone": "13800138000", "adults": "2", "children": "0", "consent": "y",
                **fields}
        return client.post(f"/open-days/{visit.id}/book?lang=en", data=data)

    first = book(web).headers["Location"]
    waiting = book(other, email="waiting@example.com").headers["Location"]
    assert book(other, email="not an address").status_code == 400
    page = check_page(web.get(first + "?lang=en").get_data(as_text=True), "en")
    form = page.find("form", action=re.compile("/cancel$"))
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    assert web.post(form["action"], data={"csrf_token": token}).status_code == 303
    work_once(mail_app)
    work_once(mail_app)
    [message] = handler.take()
    reference = waiting.rsplit("/", 1)[-1]
    assert message["To"] == "waiting@example.com" and reference in body(message)
    assert message["Subject"].startswith("You have seats")
    assert f"https://localhost{waiting}" in body(message)
    assert session.scalars(select(Booking).where(Booking.reference == reference)
                           ).one().status == "booked"


def test_an_enterprise_cancels_a_visit_with_a_reason_and_bookers_with_an_address_are_told(
        web, mail_app, inbox, session, world):
    from formulatrust.open_days.models import Booking

    from ..open_days_factory import open_day
    handler, _port = inbox
    enterprise = world["enterprises"][0]
    visit = open_day(session, enterprise, capacity=2, waitlist=5)
    data = {"csrf_token": csrf_token(web, "/open-days/manage"), "name": "王小明",
            "phone": "13800138000", "adults": "2", "children": "0", "consent": "y"}
    booked = web.post(f"/open-days/{visit.id}/book", data={**data, "email": "a@example.com"})
    waiting = web.post(f"/open-days/{visit.id}/book", data=data)
    assert booked.status_code == waiting.status_code == 303
    sign_in_as(web, make_user(session, "enterprise", enterprise))
    edit_page = f"/publish/enterprises/{enterprise.slug}/open-days/{visit.id}/edit"
    cancel = f"/publish/enterprises/{enterprise.slug}/open-days/{visit.id}/cancel"
    token = csrf_token(web, edit_page)
    assert web.post(cancel, data={"csrf_token": token, "reason": "短"}).status_code == 400
    assert session.scalars(select(Booking).where(Booking.status == "cancelled")).all() == []
    reason = "The factory line is under maintenance that week."
    assert web.post(cancel, data={"csrf_token": token, "reason": reason}).status_code == 303
    assert web.post(cancel, data={"csrf_token": token, "reason": reason}).status_code == 409
    sign_in_as(web, None)
    session.expire_all()
    assert {b.status for b in session.scalars(select(Booking))} == {"cancelled"}
    work_once(mail_app)
    [message] = handler.take()  # only the booker who left an address
    assert message["To"] == "a@example.com" and reason in body(message)
    page = web.get(booked.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert reason in page
    visit_page = check_page(web.get(f"/open-days/{visit.id}?lang=en").get_data(as_text=True))
    assert reason in visit_page.main.get_text() and not visit_page.select("a.button")
    assert f"/open-days/{visit.id}" not in web.get("/open-days").get_data(as_text=True)
    refused = web.post(f"/open-days/{visit.id}/book?lang=en", data=data)
    assert refused.status_code == 400 and "cancelled this visit" in refused.get_data(
        as_text=True)
