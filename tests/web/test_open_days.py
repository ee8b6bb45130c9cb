"""Open days on the web: list, visit, booking, confirmation, tickets, manage and cancel."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from formulatrust.open_days.models import Booking, OpenDay

from ..open_days_factory import open_day
from ..pagecheck import check_page, text_of

PHONE = "138 0013 8000"


@pytest.fixture
def visit(session, world):
    return open_day(session, world["enterprises"][0])


def token(client, url) -> str:
    soup = check_page(client.get(url).get_data(as_text=True))
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def booking_form(client, visit, **changes):
    data = {"csrf_token": token(client, "/open-days/manage"), "name": "王小明",
            "phone": PHONE, "adults": "2", "children": "1", "consent": "y"}
    data.update(changes)
    return data


def book(client, visit, **changes):
    return client.post(f"/open-days/{visit.id}/book?lang=en", data=booking_form(
        client, visit, **changes))


def seats_taken(session, visit) -> int:
    session.expire_all()
    return session.get(OpenDay, visit.id).seats_taken


@pytest.mark.parametrize(("lang", "seats"), [("zh", "剩余30个名额（共30个）"),
                                            ("en", "30 of 30 seats left")])
def test_the_list_shows_upcoming_visits_with_seats_left(client, visit, lang, seats):
    response = client.get(f"/open-days?lang={lang}")
    soup = check_page(response.get_data(as_text=True), lang)
    card = soup.select_one(".open-days .card")
    assert card.a["href"] == f"/open-days/{visit.id}"
    assert text_of(card, ".seats") == seats
    assert soup.find("a", href="/open-days/feed.ics")


def test_filters_by_month_and_enterprise(client, session, world, visit):
    later = open_day(session, world["enterprises"][1], days=70)
    month = later.starts_at.astimezone().strftime("%Y-%m")
    soup = check_page(client.get("/open-days?enterprise=river-milk").get_data(as_text=True))
    assert [a["href"] for a in soup.select(".card h2 a")] == [f"/open-days/{later.id}"]
    soup = check_page(client.get(f"/open-days?month={month}").get_data(as_text=True))
    assert f"/open-days/{later.id}" in [a["href"] for a in soup.select(".card h2 a")]


@pytest.mark.parametrize("query", ["month=2026-13", "month=soon", "enterprise=nobody"])
def test_bad_filters_are_400_with_a_message(client, visit, query):
    response = client.get(f"/open-days?{query}&lang=en")
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert "Choose" in text_of(soup, ".error-summary")


def test_past_visits_are_not_listed_and_cannot_be_booked(client, session, world):
    past = open_day(session, world["enterprises"][0], days=-1)
    soup = check_page(client.get("/open-days?lang=en").get_data(as_text=True))
    assert soup.select(".card") == []
    page = check_page(client.get(f"/open-days/{past.id}/book?lang=en").get_data(as_text=True))
    assert page.find("form", attrs={"method": "post"}) is None
    response = book(client, past)
    assert response.status_code == 400
    assert "can no longer be booked" in response.get_data(as_text=True)


def test_a_booking_is_confirmed_with_reference_qr_and_calendar(client, session, visit):
    response = book(client, visit)
    assert response.status_code == 303
    page = client.get(response.headers["Location"] + "?lang=en")
    html = page.get_data(as_text=True)
    soup = check_page(html, "en")
    assert soup.h1.get_text() == "Booking confirmed"
    stored = session.scalars(select(Booking)).one()
    assert (stored.phone, stored.adults, stored.children, stored.status) == (
        "13800138000", 2, 1, "booked")
    assert text_of(soup, ".reference") == f"{stored.reference[:5]}-{stored.reference[5:]}"
    assert soup.select_one(".ticket svg title")
    assert "138****8000" in html and "13800138000" not in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert seats_taken(session, visit) == 3
    ics = client.get(soup.find("a", download=True)["href"])
    assert ics.mimetype == "text/calendar"
    body = ics.get_data(as_text=True)
    assert "BEGIN:VEVENT" in body and "\r\n" in body and stored.reference[:5] in body


@pytest.mark.parametrize(("changes", "message"), [
    ({"phone": "12345"}, "mainland China mobile number"),
    ({"phone": ""}, "Enter your mobile number"),
    ({"adults": "0", "children": "0"}, "at least one adult"),
    ({"adults": "9", "children": "0"}, "at most 5 people"),
    ({"adults": "3", "children": "3"}, "at most 5 people"),
    ({"adults": "two"}, "whole number"),
    ({"name": "  "}, "Enter your name"),
    ({"consent": ""}, "privacy notice"),
])
def test_bad_input_is_refused_with_a_message_and_input_kept(client, session, visit, changes,
                                                             message):
    response = book(client, visit, **changes)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error:")
    assert message in text_of(soup, ".error-summary")
    for name in ("name", "phone", "adults"):
        expected = changes.get(name, booking_form(client, visit)[name])
        assert soup.find("input", id=name)["value"] == expected
    assert session.scalars(select(Booking)).all() == []


def test_phone_numbers_may_have_spaces_dashes_and_country_code(client, session, visit):
    assert book(client, visit, phone="+86 139-1234-5678").status_code == 303
    assert session.scalars(select(Booking.phone)).one() == "13912345678"


def test_a_stale_form_comes_back_with_its_input(client, session, visit):
    response = book(client, visit, csrf_token="stale")
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert "The form had expired" in text_of(soup, ".error-summary")
    assert soup.find("input", id="name")["value"] == "王小明"
    assert session.scalars(select(Booking)).all() == []


def test_a_full_visit_offers_the_waiting_list_then_refuses(client, session, world):
    full = open_day(session, world["enterprises"][0], capacity=2, waitlist=3)
    assert book(client, full, adults="2", children="0").status_code == 303
    page = check_page(client.get(f"/open-days/{full.id}?lang=en").get_data(as_text=True))
    assert "waiting list" in text_of(page, ".seats")
    response = book(client, full, adults="1", children="2")
    assert response.status_code == 303
    soup = check_page(client.get(response.headers["Location"] + "?lang=en").get_data(
        as_text=True))
    assert soup.h1.get_text() == "You are on the waiting list"
    assert soup.select_one(".ticket") is None
    refused = book(client, full, adults="1", children="0")
    assert refused.status_code == 400
    assert "are full" in text_of(check_page(refused.get_data(as_text=True)), ".error-summary")
    statuses = sorted(session.scalars(select(Booking.status)).all())
    assert statuses == ["booked", "waitlisted"]


def test_cancelling_frees_seats_and_promotes_the_waiting_list(app, client, session, world):
    full = open_day(session, world["enterprises"][0], capacity=3, waitlist=10)
    first = book(client, full, adults="2", children="0").headers["Location"]
    other = app.test_client()
    other.environ_base["HTTP_REFERER"] = "https://localhost/"
    waiting = book(other, full, adults="2", children="0").headers["Location"]
    small = book(other, full, adults="1", children="0").headers["Location"]
    late = book(other, full, adults="1", children="0").headers["Location"]
    assert seats_taken(session, full) == 3  # the 2, then the 1 that still fitted
    soup = check_page(client.get(first + "?lang=en").get_data(as_text=True))
    form = soup.find("form", action=re.compile("/cancel$"))
    data = {"csrf_token": form.find("input", attrs={"name": "csrf_token"})["value"]}
    response = client.post(form["action"], data=data)
    assert response.status_code == 303
    soup = check_page(client.get(response.headers["Location"] + "&lang=en").get_data(
        as_text=True))
    assert soup.h1.get_text() == "Booking cancelled"
    assert "seats are free" in text_of(soup, ".notice")
    refs = {path.rsplit("/", 1)[-1]: path for path in (waiting, small, late)}
    status = dict(session.execute(select(Booking.reference, Booking.status)).all())
    assert [status[r] for r in refs] == ["booked", "booked", "waitlisted"]
    assert seats_taken(session, full) == 3 and status[first.rsplit("/", 1)[-1]] == "cancelled"
    assert client.post(form["action"], data=data).status_code == 400  # already cancelled


def test_cancel_needs_a_csrf_token(client, session, visit):
    location = book(client, visit).headers["Location"]
    assert client.post(location + "/cancel", data={}).status_code == 400
    assert seats_taken(session, visit) == 3


def test_manage_needs_the_reference_and_last_four_digits(app, client, session, visit):
    location = book(client, visit).headers["Location"]
    reference = location.rsplit("/", 1)[-1]
    stranger = app.test_client()
    stranger.environ_base["HTTP_REFERER"] = "https://localhost/"
    redirected = stranger.get(location)
    assert redirected.status_code == 303 and "/open-days/manage" in redirected.headers["Location"]
    assert stranger.get(location + "/ticket.ics").status_code == 404
    manage = "/open-days/manage?lang=en"
    wrong = stranger.post(manage, data={"csrf_token": token(stranger, manage),
                                        "reference": reference, "last_four": "1234"})
    unknown = stranger.post(manage, data={"csrf_token": token(stranger, manage),
                                          "reference": "ZZZZZZZZZZ", "last_four": "8000"})
    for response in (wrong, unknown):
        assert response.status_code == 400
        soup = check_page(response.get_data(as_text=True), "en")
        assert "No booking matches" in text_of(soup, ".error-summary")
    assert check_page(wrong.get_data(as_text=True)).find("input", id="reference")[
        "value"] == reference
    typed = f"{reference[:5].lower()} {reference[5:]}"
    found = stranger.post(manage, data={"csrf_token": token(stranger, manage),
                                        "reference": typed, "last_four": "8000"})
    assert found.status_code == 303 and found.headers["Location"].endswith(reference)
    assert stranger.get(found.headers["Location"]).status_code == 200


@pytest.mark.parametrize(("reference", "digits", "message"), [
    ("", "8000", "10-character booking reference"),
    ("ABC", "8000", "10-character booking reference"),
    ("ABCDEFGHJK", "80", "last 4 digits"),
])
def test_manage_form_errors(client, reference, digits, message):
    manage = "/open-days/manage?lang=en"
    response = client.post(manage, data={"csrf_token": token(client, manage),
                                         "reference": reference, "last_four": digits})
    assert response.status_code == 400
    assert message in text_of(check_page(response.get_data(as_text=True)), ".error-summary")


def test_the_feed_lists_every_visit(client, session, world, visit):
    open_day(session, world["enterprises"][1], days=40)
    response = client.get("/open-days/feed.ics?lang=en")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") == 2
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert f"UID:open-day-{visit.id}@" in body


def test_unknown_visits_are_404(client, visit):
    assert client.get("/open-days/999999").status_code == 404
    assert client.get("/open-days/999999/book").status_code == 404


def test_booking_is_rate_limited_per_client(make_app, app_overrides, session, world):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True, "BOOKING_RATE_LIMIT": "2/hour"})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    visit = open_day(session, world["enterprises"][0])
    assert [book(client, visit).status_code for _ in range(3)] == [303, 303, 429]
    soup = check_page(book(client, visit).get_data(as_text=True))
    assert soup.select_one(".other-language")  # the bilingual 429 page
