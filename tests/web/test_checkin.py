"""Checking visitors in at the door: by typed reference or scanned ticket link, masked lists."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.open_days import bookings
from formulatrust.open_days.models import Booking
from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..open_days_factory import open_day
from ..pagecheck import check_page, text_of

NAME, PHONE = "王小明", "13800138000"


def book(session, visit, adults=2, children=1, phone=PHONE) -> Booking:
    return bookings.book(session, visit.id, bookings.Request(NAME, phone, adults, children))


@pytest.fixture
def door(session, world):
    """A visit of test-dairy in two hours with one booking, and a signed-in editor of it."""
    visit = open_day(session, world["enterprises"][0], days=2 / 24, capacity=3)
    return {"visit": visit, "booking": book(session, visit),
            "editor": make_user(session, "enterprise", world["enterprises"][0])}


def url(visit) -> str:
    return f"/publish/open-days/{visit.id}/check-in"


def check_in(client, visit, ticket: str, lang: str = "en"):
    return client.post(f"{url(visit)}?lang={lang}",
                       data={"csrf_token": csrf_token(client, url(visit)), "ticket": ticket})


def status_of(session, booking) -> str:
    session.expire_all()
    return session.get(Booking, booking.id).status


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_lists_attendees_with_personal_data_masked(client, door, lang):
    sign_in_as(client, door["editor"])
    response = client.get(f"{url(door['visit'])}?lang={lang}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    soup = check_page(response.get_data(as_text=True), lang)
    table = soup.find("table")
    assert table.caption is not None
    text = table.get_text()
    assert "王**" in text and "*******8000" in text
    assert NAME not in text and PHONE not in soup.get_text()
    assert door["booking"].reference not in soup.get_text()


def test_a_scanned_ticket_link_checks_the_visitor_in(client, session, door):
    sign_in_as(client, door["editor"])
    booking = door["booking"]
    ticket = f"https://127.0.0.1:8000/open-days/manage?reference={booking.reference}&utm=x"
    response = check_in(client, door["visit"], ticket)
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), "en")
    assert "王** · 3 people (2 adults, 1 child)" in text_of(soup, "[role=status]")
    assert "3 of 3 people checked in" in soup.get_text()
    assert soup.find("input", attrs={"name": "ticket"}).get("value") in (None, "")
    assert status_of(session, booking) == "checked_in"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "booking")).one()
    assert (entry.user_id, entry.action, entry.object_id) == (
        door["editor"].id, "change", str(booking.id))
    assert NAME not in str(entry.summary) and PHONE not in str(entry.summary)


def test_a_typed_reference_works_in_any_case_with_dashes(client, session, door):
    sign_in_as(client, door["editor"])
    reference = door["booking"].reference
    typed = f" {reference[:5].lower()}-{reference[5:].lower()} "
    assert check_in(client, door["visit"], typed).status_code == 200
    assert status_of(session, door["booking"]) == "checked_in"


def error_of(response) -> str:
    soup = check_page(response.get_data(as_text=True))
    assert soup.title.get_text().startswith(("Error:", "错误"))
    return text_of(soup, ".error-summary")


def test_each_refusal_says_what_is_wrong(client, session, world, door):
    sign_in_as(client, door["editor"])
    visit, booking = door["visit"], door["booking"]
    other_visit = open_day(session, world["enterprises"][0], days=3)
    elsewhere = book(session, other_visit, phone="13900139000")
    waiting = book(session, visit, adults=1, children=0, phone="13700137000")
    assert waiting.status == "waitlisted"
    cancelled = book(session, other_visit, phone="13600136000")
    bookings.cancel(session, cancelled.id)
    assert check_in(client, visit, booking.reference).status_code == 200
    cases = {
        booking.reference: "already checked in",
        elsewhere.reference: "for another visit",
        waiting.reference: "waiting list",
        "ZZZZZZZZZZ": "No booking has this reference",
        "hello": "10-character booking reference",
        "": "10-character booking reference",
    }
    for ticket, message in cases.items():
        response = check_in(client, visit, ticket)
        assert response.status_code == 400, ticket
        assert message in error_of(response), ticket
    response = check_in(client, other_visit, cancelled.reference)
    assert response.status_code == 400 and "was cancelled" in error_of(response)
    assert status_of(session, elsewhere) == "booked"  # a wrong-visit ticket changes nothing
    assert status_of(session, waiting) == "waitlisted"


def test_another_enterprises_editor_is_refused(client, session, world, door):
    stranger = make_user(session, "enterprise", world["enterprises"][1])
    sign_in_as(client, stranger)
    assert client.get(url(door["visit"])).status_code == 403
    token = csrf_token(client, "/account")
    response = client.post(url(door["visit"]),
                           data={"csrf_token": token, "ticket": door["booking"].reference})
    assert response.status_code == 403
    assert status_of(session, door["booking"]) == "booked"
    assert door["visit"].id not in [int(a["href"].split("/")[3]) for a in check_page(
        client.get("/publish/check-in").get_data(as_text=True)).select("main h3 a")]


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("regulator", 403),
                                                ("association", 403), ("science", 403)])
def test_administrators_may_check_in_other_roles_may_not(client, session, door, role,
                                                         expected):
    sign_in_as(client, make_user(session, role))
    assert client.get(url(door["visit"])).status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in(client, door):
    response = client.get(url(door["visit"]))
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]


def test_unknown_visit_is_404_for_administrators(client, session, door):
    sign_in_as(client, make_user(session, "admin"))
    assert client.get("/publish/open-days/999999/check-in").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_index_lists_todays_and_this_weeks_visits_of_the_enterprise(client, session,
                                                                        world, door, lang):
    later = open_day(session, world["enterprises"][0], days=4)
    far = open_day(session, world["enterprises"][0], days=30)
    theirs = open_day(session, world["enterprises"][1], days=2 / 24)
    past = open_day(session, world["enterprises"][0], days=-2)
    sign_in_as(client, door["editor"])
    response = client.get(f"/publish/check-in?lang={lang}")
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), lang)
    links = [a["href"] for a in soup.select("main h3 a")]
    assert url(door["visit"]) in links and url(later) in links
    for hidden in (far, theirs, past):
        assert url(hidden) not in links
