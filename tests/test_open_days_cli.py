"""Enterprise commands for open days, check-in, and the purge of old bookings."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from formulatrust.open_days import bookings
from formulatrust.open_days.demo import build_open_days
from formulatrust.open_days.models import Booking, OpenDay

from .open_days_factory import open_day


def add(session, visit, phone="13800138000", adults=1, children=0):
    return bookings.book(session, visit.id, bookings.Request("王小明", phone, adults, children))


def reload(session, model, ident):
    session.expire_all()
    return session.get(model, ident)


def test_create_and_edit_a_visit(runner, session, world):
    result = runner.invoke(args=[
        "open-days", "create", "--enterprise", "test-dairy", "--starts", "2030-03-05 09:30",
        "--capacity", "2", "--address-zh", "上海市测试路1号", "--address-en", "1 Test Road",
        "--language", "zh+en", "--min-age", "6"])
    assert result.exit_code == 0, result.output
    visit = session.scalars(select(OpenDay)).one()
    assert visit.starts == datetime(2030, 3, 5, 1, 30, tzinfo=UTC)  # Shanghai is UTC+8
    assert (visit.capacity, visit.language, visit.min_age) == (2, "zh+en", 6)
    add(session, visit, adults=2)
    waiting = add(session, visit, adults=1)
    assert waiting.status == "waitlisted"
    lower = runner.invoke(args=["open-days", "edit", str(visit.id), "--capacity", "1"])
    assert lower.exit_code != 0 and "cannot go below" in lower.output
    more = runner.invoke(args=["open-days", "edit", str(visit.id), "--capacity", "3",
                               "--duration", "120"])
    assert more.exit_code == 0, more.output
    assert "1 bookings moved up" in more.output
    assert reload(session, Booking, waiting.id).status == "booked"
    visit = reload(session, OpenDay, visit.id)
    assert (visit.capacity, visit.seats_taken, visit.waitlist_taken) == (3, 3, 0)
    assert visit.duration_minutes == 120


def test_create_refuses_unknown_enterprises_and_bad_times(runner, world):
    base = ["open-days", "create", "--capacity", "5", "--address-zh", "甲", "--address-en", "A"]
    assert "No enterprise" in runner.invoke(args=[*base, "--enterprise", "nobody", "--starts",
                                                  "2030-01-01 10:00"]).output
    bad = runner.invoke(args=[*base, "--enterprise", "test-dairy", "--starts", "tomorrow"])
    assert bad.exit_code != 0 and "YYYY-MM-DD HH:MM" in bad.output


def test_attendees_show_only_the_last_four_digits(runner, session, world, tmp_path):
    visit = open_day(session, world["enterprises"][0])
    booking = add(session, visit, phone="13912345678", adults=2, children=1)
    result = runner.invoke(args=["open-days", "attendees", str(visit.id)])
    assert result.exit_code == 0
    assert "*******5678" in result.output and "13912345678" not in result.output
    assert "1 bookings, 3 people with seats." in result.output
    out = tmp_path / "attendees.csv"
    runner.invoke(args=["open-days", "attendees", str(visit.id), "--csv", str(out)])
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["reference", "name", "phone", "adults", "children", "status"]
    assert rows[1][1:] == ["王**", "*******5678", "2", "1", "booked"]
    assert rows[1][0].replace("-", "") == booking.reference


def test_checkin_by_reference_or_scanned_ticket_url(runner, session, world):
    visit = open_day(session, world["enterprises"][0], capacity=1)
    booking = add(session, visit)
    waiting = add(session, visit)
    scanned = f"https://example.org/open-days/manage?reference={booking.reference}"
    result = runner.invoke(args=["open-days", "checkin", scanned])
    assert result.exit_code == 0 and "Checked in" in result.output
    assert reload(session, Booking, booking.id).status == "checked_in"
    again = runner.invoke(args=["open-days", "checkin", booking.reference.lower()])
    assert again.exit_code != 0 and "already checked in" in again.output
    assert "no seat" in runner.invoke(args=["open-days", "checkin", waiting.reference]).output
    assert "No booking" in runner.invoke(args=["open-days", "checkin", "ZZZZZZZZZZ"]).output


def test_purge_deletes_bookings_a_set_number_of_days_after_the_visit(runner, session, world):
    enterprise = world["enterprises"][0]
    old = open_day(session, enterprise, days=20)
    recent = open_day(session, enterprise, days=20)
    add(session, old)
    add(session, recent)
    now = datetime.now(UTC)
    for visit, days_ago in ((old, 40), (recent, 10)):
        visit = reload(session, OpenDay, visit.id)
        visit.starts_at = now - timedelta(days=days_ago)
    session.commit()
    result = runner.invoke(args=["bookings", "purge"])
    assert result.exit_code == 0 and "1 bookings deleted" in result.output
    remaining = session.scalars(select(Booking.visit_id)).all()
    assert remaining == [recent.id]
    assert "1 bookings deleted" in runner.invoke(args=["bookings", "purge", "--days", "5"]).output
    assert session.scalars(select(Booking)).all() == []


def test_demo_open_days_include_a_nearly_full_and_a_full_visit(session, world):
    count = build_open_days(session, world["enterprises"])
    session.commit()
    visits = session.scalars(select(OpenDay).order_by(OpenDay.starts_at)).all()
    assert count == len(visits) >= 6
    assert visits[0].starts_at.year == 2026 and visits[-1].starts.month in (2, 3)
    assert any(0 < v.seats_left <= 2 for v in visits)
    full = [v for v in visits if v.seats_left == 0 and v.waitlist_taken > 0]
    assert full
    for visit in visits:
        stored = session.scalars(select(Booking).where(Booking.visit_id == visit.id)).all()
        assert sum(b.party for b in stored if b.status == "booked") == visit.seats_taken
        assert sum(b.party for b in stored if b.status == "waitlisted") == visit.waitlist_taken


def test_open_days_cancel_ends_every_booking_and_needs_a_reason(runner, session, world):
    from formulatrust.open_days import bookings as booking_service
    from formulatrust.open_days.models import Booking

    from .open_days_factory import open_day
    visit = open_day(session, world["enterprises"][0], capacity=2)
    booking_service.book(session, visit.id, booking_service.Request("王小明", "13800138000", 1))
    assert runner.invoke(args=["open-days", "cancel", str(visit.id), "--reason", "短"]
                         ).exit_code != 0
    result = runner.invoke(args=["open-days", "cancel", str(visit.id),
                                 "--reason", "The factory is closed for repairs."])
    assert result.exit_code == 0 and "1 bookings ended" in result.output
    session.expire_all()
    assert [b.status for b in session.query(Booking)] == ["cancelled"]
    assert runner.invoke(args=["open-days", "cancel", str(visit.id), "--reason",
                               "The factory is closed for repairs."]).exit_code != 0
