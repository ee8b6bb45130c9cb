"""When a feed entry was published and last updated (RFC 4287 ``published``/``updated``).

``published`` is when the authority announced the record (a day counts from midnight in
Shanghai); ``updated`` is its last correction, never the moment a row was loaded into this
site; a record never corrected was last updated when it was published.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from formulatrust.core.clock import SHANGHAI

# The feed's own time when it has no entry at all (any fixed moment keeps it stable).
EMPTY_FEED = datetime(2026, 1, 1, tzinfo=UTC)


def aware(moment: datetime) -> datetime:
    """Return ``moment`` with a time zone; naive times (SQLite) are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def day_start(day: date) -> datetime:
    """Return midnight in Shanghai at the start of ``day``."""
    return datetime.combine(day, time(), SHANGHAI)


def as_moment(value: date | datetime) -> datetime:
    """Return a day as its first moment in Shanghai, a time as an aware time."""
    return aware(value) if isinstance(value, datetime) else day_start(value)


def entry_times(published: date | datetime,
                corrections: Iterable[date | datetime | None] = ()) -> tuple[datetime, datetime]:
    """Return ``(published, updated)``: updated is the latest correction, never earlier than
    publication."""
    first = as_moment(published)
    changes = [as_moment(each) for each in corrections if each is not None]
    return first, max([first, *changes])


def feed_updated(updated: Iterable[datetime]) -> datetime:
    """Return a feed's own ``updated``: the newest of its entries' ``updated``."""
    return max(updated, default=EMPTY_FEED)
