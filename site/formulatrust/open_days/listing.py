"""Which open days the public list, the feed, the enterprise's page and the check-in desk show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.enterprises.models import Enterprise
from formulatrust.open_days.models import OpenDay

IN_ORDER = (OpenDay.starts_at, OpenDay.id)


def upcoming(session: Session, now: datetime) -> list[OpenDay]:
    """Return the visits still to come and not cancelled, soonest first."""
    return list(session.scalars(select(OpenDay).where(OpenDay.starts_at > now,
                                                      OpenDay.cancelled_at.is_(None))
                                .order_by(*IN_ORDER)))


def since(session: Session, moment: datetime) -> list[OpenDay]:
    """Return every visit starting after ``moment``, cancelled ones too, soonest first."""
    return list(session.scalars(select(OpenDay).where(OpenDay.starts_at > moment)
                                .order_by(OpenDay.starts_at)))


def hosts(session: Session, visits: Iterable[OpenDay]) -> list[Enterprise]:
    """Return the enterprises holding ``visits``, by slug."""
    ids = {visit.enterprise_id for visit in visits}
    if not ids:
        return []
    return list(session.scalars(select(Enterprise).where(Enterprise.id.in_(ids))
                                .order_by(Enterprise.slug)))


def of_enterprise(session: Session, enterprise_id: int) -> list[OpenDay]:
    """Return all of an enterprise's visits, past and to come, in order."""
    return list(session.scalars(select(OpenDay).where(OpenDay.enterprise_id == enterprise_id)
                                .order_by(*IN_ORDER)))


def starting_between(session: Session, start: datetime, end: datetime,
                     enterprise_id: int | None = None) -> list[OpenDay]:
    """Return the visits starting in [start, end), of one enterprise when given, in order."""
    query = (select(OpenDay).where(OpenDay.starts_at >= start, OpenDay.starts_at < end)
             .order_by(*IN_ORDER))
    if enterprise_id is not None:
        query = query.where(OpenDay.enterprise_id == enterprise_id)
    return list(session.scalars(query))
