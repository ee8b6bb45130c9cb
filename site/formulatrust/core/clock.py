"""One clock for the site: the current time in UTC, and Shanghai time for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def shanghai_now() -> datetime:
    """Return the current time in Shanghai, timezone-aware."""
    return datetime.now(SHANGHAI)


def today_in_shanghai(now: datetime | None = None) -> date:
    """Return the calendar date in Shanghai at ``now`` (by default, now)."""
    return (now or utcnow()).astimezone(SHANGHAI).date()


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """Return ``moment`` with a time zone: SQLite hands back naive datetimes, which are UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def rfc3339(moment: datetime) -> str:
    """Format a time for Atom and ``<time datetime>`` (whole seconds, as both allow);
    naive times from SQLite are UTC."""
    return aware(moment).isoformat(timespec="seconds")
