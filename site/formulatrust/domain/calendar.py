"""iCalendar (RFC 5545) documents of events, written with the icalendar library.

Plain code with no Flask or database imports: the open-day tickets, the open-day feed and the
events calendar share it. Timed events are written in UTC; dated events (a brand launch, a
bulletin's day) as whole days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

PRODUCT_ID = "-//Shanghai Infant Formula Trust//Events//EN"
STATUSES = ("CONFIRMED", "CANCELLED", "TENTATIVE")


@dataclass(frozen=True)
class CalendarEvent:
    """One event of an iCalendar file; ``starts_at`` is an aware datetime or a whole day."""

    uid: str
    starts_at: datetime | date
    ends_at: datetime | date
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"


def _moment(value: datetime | date) -> datetime | date:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def _event(event: CalendarEvent, stamp: datetime) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", stamp.astimezone(UTC))
    entry.add("dtstart", _moment(event.starts_at))
    entry.add("dtend", _moment(event.ends_at))
    entry.add("summary", event.summary)
    entry.add("status", event.status if event.status in STATUSES else "CONFIRMED")
    for name, value in (("location", event.location), ("description", event.description),
                        ("url", event.url)):
        if value:
            entry.add(name, value)
    return entry


def ics_calendar(events: Iterable[CalendarEvent], name: str, stamp: datetime) -> str:
    """Return an iCalendar document named ``name`` holding ``events``, stamped ``stamp``."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_event(event, stamp))
    return calendar.to_ical().decode("utf-8")


def whole_day(day: date) -> tuple[date, date]:
    """Return the start and the (exclusive) end of an event lasting the day ``day``."""
    return day, day + timedelta(days=1)
