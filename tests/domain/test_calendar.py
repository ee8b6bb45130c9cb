"""iCalendar documents: readable by the icalendar library, escaped, folded, whole days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar

from formulatrust.domain.calendar import CalendarEvent, ics_calendar, whole_day

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_timed_event_reads_back_with_its_text_and_times():
    event = CalendarEvent(uid="open-day-1@example.org", starts_at=T0,
                          ends_at=T0 + timedelta(minutes=90), summary="开放日; 参观, 工厂",
                          location="上海市" * 30, description="line one\nline two",
                          url="https://example.org/open-days/1")
    body = ics_calendar([event], "Open days", T0)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:开放日\\; 参观\\, 工厂" in body  # escaped as RFC 5545 §3.3.11 says
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Open days"
    [read] = calendar.walk("VEVENT")
    assert str(read["UID"]) == "open-day-1@example.org"
    assert read.decoded("DTSTART") == T0 and read.decoded("DTEND") == T0 + timedelta(minutes=90)
    assert read.decoded("DTSTAMP") == T0
    assert str(read["SUMMARY"]) == "开放日; 参观, 工厂"
    assert str(read["LOCATION"]) == "上海市" * 30
    assert str(read["DESCRIPTION"]) == "line one\nline two"
    assert str(read["URL"]) == "https://example.org/open-days/1"
    assert str(read["STATUS"]) == "CONFIRMED"


def test_a_dated_event_lasts_the_whole_day_and_cancellations_say_so():
    start, end = whole_day(date(2026, 12, 12))
    event = CalendarEvent(uid="brand-1@example.org", starts_at=start, ends_at=end,
                          summary="Launch", status="CANCELLED")
    [read] = icalendar.Calendar.from_ical(ics_calendar([event], "Events", T0)).walk("VEVENT")
    assert read.decoded("DTSTART") == date(2026, 12, 12)
    assert read.decoded("DTEND") == date(2026, 12, 13)
    assert str(read["STATUS"]) == "CANCELLED"
