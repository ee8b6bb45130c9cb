"""The times of feed entries: published when announced, updated at the last correction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from formulatrust.domain.feed_times import aware, entry_times, feed_updated
from formulatrust.results.models import Recall, RecallRevision, ResultRevision, SamplingResult


@dataclass(frozen=True)
class Entry:
    """One record in a feed with its ``published`` and ``updated`` times."""

    record: Any
    published: datetime
    updated: datetime


def revision_times(session: Session, column: InstrumentedAttribute[datetime],
                   key: InstrumentedAttribute[int],
                   ids: Sequence[int]) -> dict[int, tuple[datetime, datetime]]:
    """Return the first and the last ``column`` time among each record's revisions."""
    if not ids:
        return {}
    rows = session.execute(select(key, func.min(column), func.max(column))
                           .where(key.in_(ids)).group_by(key))
    return {record_id: (first, last) for record_id, first, last in rows}


def result_entries(session: Session, results: Sequence[SamplingResult]) -> list[Entry]:
    """Entries for results: a correction (a new version, or an appeal that overturned the
    finding) moves ``updated``; ``published`` stays the announcement day (for a result
    published without one, the earliest time the site knows it by)."""
    times = revision_times(session, ResultRevision.replaced_at, ResultRevision.result_id,
                           [r.id for r in results])
    entries = []
    for result in results:
        first, last = times.get(result.id, (None, None))
        published = result.announced_on or min(aware(t) for t in (result.updated_at, first)
                                               if t is not None)
        entries.append(Entry(result, *entry_times(published, (last, result.overturned_on))))
    return entries


def recall_entries(session: Session, recalls: Sequence[Recall]) -> list[Entry]:
    """Entries for recalls: each change of status, level or quantities moves ``updated``."""
    times = revision_times(session, RecallRevision.replaced_at, RecallRevision.recall_id,
                           [r.id for r in recalls])
    return [Entry(r, *entry_times(r.announced_on, (times.get(r.id, (None, None))[1],)))
            for r in recalls]


def dated_entries(records: Iterable[Any], published: str) -> list[Entry]:
    """Entries for records never corrected in place (ratings: a new grade is a new record)."""
    entries = []
    for record in records:
        day: date | datetime = getattr(record, published)
        entries.append(Entry(record, *entry_times(day)))
    return entries


def feed(entries: list[Entry]) -> dict[str, Any]:
    """Return the template context of a feed: its entries and its own ``updated``."""
    return {"entries": entries, "updated": feed_updated(e.updated for e in entries)}
