"""Open-day bookings in the database: seat accounting that never overbooks.

Every change to a visit's seats is a conditional ``UPDATE`` of the visit row
(``… SET seats_taken = seats_taken + n WHERE seats_taken + n <= capacity``), so the check and the
write are one statement. PostgreSQL locks the row for the rest of the transaction and re-checks
the condition after a concurrent writer commits; SQLite starts its write transaction (one writer
at a time) with that first ``UPDATE``, because pysqlite only opens a transaction before a write.
Nothing reads the seats in Python and writes them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.core.db import changed_rows, committing
from formulatrust.domain.booking import (
    BookingError,
    Waiting,
    booking_open,
    new_reference,
    party_size,
    to_promote,
)
from formulatrust.open_days import notices
from formulatrust.open_days.models import Booking, OpenDay, aware
from formulatrust.publishing import audit
from formulatrust.publishing.models import User

ACTIVE = ("booked", "waitlisted", "checked_in")


@dataclass(frozen=True)
class Request:
    """What a visitor asks for: checked by the form, checked again here."""

    name: str
    phone: str
    adults: int
    children: int = 0
    email: str = ""  # optional: told by e-mail when promoted from the waiting list
    language: str = "zh"


def book(session: Session, visit_id: int, request: Request, now: datetime | None = None,
         allow_waitlist: bool = True) -> Booking:
    """Book seats on visit ``visit_id`` (or a place on its waiting list) and commit.

    Raises BookingError with code ``unknown``, ``past``, ``full`` or a party-size code.
    """
    now = now or utcnow()
    party = party_size(request.adults, request.children)
    visit = OpenDay.__table__.c
    open_visit = (visit.id == visit_id) & (visit.starts_at > now) & visit.cancelled_at.is_(None)
    try:
        taken = changed_rows(session.execute(
            update(OpenDay.__table__)
            .where(open_visit, visit.seats_taken + party <= visit.capacity)
            .values(seats_taken=visit.seats_taken + party)
        ))
        status = "booked"
        if not taken and allow_waitlist:
            taken = changed_rows(session.execute(
                update(OpenDay.__table__)
                .where(open_visit, visit.waitlist_taken + party <= visit.waitlist_capacity)
                .values(waitlist_taken=visit.waitlist_taken + party)
            ))
            status = "waitlisted"
        if not taken:
            session.rollback()
            raise BookingError(_why_refused(session, visit_id, now))
        booking = _insert(session, visit_id, request, status, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return booking


def _insert(session: Session, visit_id: int, request: Request, status: str,
            now: datetime) -> Booking:
    """Add the booking with a fresh reference (retried on the rare collision)."""
    for _attempt in range(5):
        booking = Booking(reference=new_reference(), visit_id=visit_id, name=request.name,
                          phone=request.phone, adults=request.adults, children=request.children,
                          status=status, created_at=now, consent_at=now,
                          email=request.email, language=request.language)
        try:
            with session.begin_nested():
                session.add(booking)
                session.flush()
            return booking
        except IntegrityError:
            continue
    raise RuntimeError("could not draw an unused booking reference")


def _why_refused(session: Session, visit_id: int, now: datetime) -> str:
    row = session.execute(select(OpenDay.starts_at, OpenDay.cancelled_at)
                          .where(OpenDay.id == visit_id)).first()
    if row is None:
        return "unknown"
    if row.cancelled_at is not None:
        return "cancelled"
    if not booking_open(aware(row.starts_at), now):
        return "past"
    return "full"


def find(session: Session, reference: str) -> Booking | None:
    """Return the booking with ``reference``, or None."""
    return session.scalar(select(Booking).where(Booking.reference == reference))


def _lock_visit(session: Session, visit_id: int) -> None:
    """Take the visit's write lock for this transaction (row lock; SQLite's writer lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(OpenDay.id).where(OpenDay.id == visit_id).with_for_update())
    else:
        # A no-op write: pysqlite begins the transaction here and SQLite takes its write lock.
        table = OpenDay.__table__
        session.execute(update(table).where(table.c.id == visit_id)
                        .values(seats_taken=table.c.seats_taken))


def cancel(session: Session, booking_id: int, now: datetime | None = None) -> list[Booking]:
    """Cancel a booking, free its seats, promote the waiting list in order; commit.

    Returns the bookings promoted from the waiting list. Raises BookingError ``not_active``
    when the booking is already cancelled or checked in, ``past`` after the visit began.
    """
    now = now or utcnow()
    with committing(session):
        booking = session.get(Booking, booking_id)
        if booking is None:
            raise BookingError("unknown")
        visit_id = booking.visit_id
        _lock_visit(session, visit_id)
        table = Booking.__table__
        row = session.execute(select(table.c.status, table.c.adults, table.c.children)
                              .where(table.c.id == booking_id)).one()
        if row.status not in ("booked", "waitlisted"):
            raise BookingError("not_active")
        starts_at = session.execute(
            select(OpenDay.starts_at).where(OpenDay.id == visit_id)).scalar_one()
        if not booking_open(aware(starts_at), now):
            raise BookingError("past")
        column = "seats_taken" if row.status == "booked" else "waitlist_taken"
        visits = OpenDay.__table__
        session.execute(update(visits).where(visits.c.id == visit_id)
                        .values({column: visits.c[column] - (row.adults + row.children)}))
        session.execute(update(table).where(table.c.id == booking_id)
                        .values(status="cancelled", cancelled_at=now))
        promoted = _promote(session, visit_id)
    session.expire_all()
    return promoted


def cancel_visit(session: Session, visit_id: int, reason: str,
                 now: datetime | None = None, user: User | None = None) -> list[Booking]:
    """Cancel a whole visit with a reason: every booking and waiting place ends, and holders
    who left an address are told; audited as ``user`` (None: an operator's command); commit.
    Returns the bookings ended.

    Raises BookingError ``unknown`` or ``cancelled`` (already cancelled)."""
    now = now or utcnow()
    try:
        _lock_visit(session, visit_id)
        visit = session.get(OpenDay, visit_id, populate_existing=True)
        if visit is None:
            raise BookingError("unknown")
        if visit.cancelled_at is not None:
            raise BookingError("cancelled")
        visit.cancelled_at, visit.cancel_reason = now, reason
        visit.seats_taken = visit.waitlist_taken = 0
        ended = list(session.scalars(select(Booking).where(
            Booking.visit_id == visit_id, Booking.status.in_(("booked", "waitlisted")))))
        for booking in ended:
            booking.status, booking.cancelled_at = "cancelled", now
            if booking.email:
                session.add(notices.visit_cancelled(booking))
        audit.record(session, user, "change", "open_day", visit_id,
                     {"cancelled": reason, "bookings_ended": len(ended)})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return ended


def _promote(session: Session, visit_id: int) -> list[Booking]:
    """Move waiting parties into free seats, first come first served (visit already locked)."""
    visits = OpenDay.__table__
    seats = session.execute(select(visits.c.capacity, visits.c.seats_taken)
                            .where(visits.c.id == visit_id)).one()
    waiting = session.execute(
        select(Booking.id, Booking.adults, Booking.children, Booking.created_at)
        .where(Booking.visit_id == visit_id, Booking.status == "waitlisted")
    ).all()
    entries = [Waiting(row.id, row.adults + row.children, aware(row.created_at))
               for row in waiting]
    chosen = to_promote(entries, seats.capacity - seats.seats_taken)
    moved = sum(entry.party for entry in chosen)
    if not chosen:
        return []
    session.execute(update(visits).where(visits.c.id == visit_id).values(
        seats_taken=visits.c.seats_taken + moved, waitlist_taken=visits.c.waitlist_taken - moved))
    ids = [entry.id for entry in chosen]
    session.execute(update(Booking.__table__).where(Booking.__table__.c.id.in_(ids))
                    .values(status="booked"))
    promoted = list(session.scalars(select(Booking).where(Booking.id.in_(ids))
                                    .execution_options(populate_existing=True)))
    for booking in promoted:
        if booking.email:
            session.add(notices.promoted(booking))
    return promoted


def resize(session: Session, visit_id: int, capacity: int) -> list[Booking]:
    """Change a visit's capacity (never below the seats taken), promote waiters; commit."""
    with committing(session):
        _lock_visit(session, visit_id)
        visits = OpenDay.__table__
        changed = changed_rows(session.execute(update(visits).where(
            visits.c.id == visit_id, visits.c.seats_taken <= capacity).values(capacity=capacity)
        ))
        if not changed:
            raise BookingError("capacity_below_taken")
        promoted = _promote(session, visit_id)
    session.expire_all()
    return promoted


def check_in(session: Session, reference: str, now: datetime | None = None,
             visit_id: int | None = None, user: User | None = None) -> Booking:
    """Mark a booked visitor as arrived, audited as ``user`` (None: an operator's command);
    commit. Raises BookingError if not booked.

    With ``visit_id``, only a booking for that visit is checked in (code ``wrong_visit``
    otherwise). The other codes: ``unknown``, ``already_checked_in``, ``cancelled``,
    ``waitlisted``.
    """
    now = now or utcnow()
    table = Booking.__table__
    query = update(table).where(table.c.reference == reference, table.c.status == "booked")
    if visit_id is not None:
        query = query.where(table.c.visit_id == visit_id)
    try:
        changed = changed_rows(session.execute(
            query.values(status="checked_in", checked_in_at=now)))
        booking = session.scalar(select(Booking).where(Booking.reference == reference)
                                 .execution_options(populate_existing=True))
        if changed and booking is not None:
            audit.record(session, user, "change", "booking", booking.id,
                         {"status": ["booked", "checked_in"], "visit": booking.visit_id})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if booking is None:
        raise BookingError("unknown")
    if visit_id is not None and booking.visit_id != visit_id:
        raise BookingError("wrong_visit")
    if not changed:
        raise BookingError({"checked_in": "already_checked_in", "cancelled": "cancelled"}
                           .get(booking.status, "waitlisted"))
    return booking


def attendees(session: Session, visit_id: int) -> list[Booking]:
    """Return the bookings of a visit that hold seats (booked or arrived), in booking order."""
    return list(session.scalars(
        select(Booking).where(Booking.visit_id == visit_id,
                              Booking.status.in_(("booked", "checked_in")))
        .order_by(Booking.created_at, Booking.id)))


def purge(session: Session, days: int, now: datetime | None = None) -> int:
    """Delete the bookings of visits that ended more than ``days`` days ago; commit; count."""
    now = now or utcnow()
    visits = session.execute(select(OpenDay.id, OpenDay.starts_at, OpenDay.duration_minutes)
                             .where(OpenDay.starts_at < now)).all()
    expired = [row.id for row in visits
               if aware(row.starts_at) + timedelta(minutes=row.duration_minutes + days * 1440)
               <= now]
    if not expired:
        return 0
    deleted = changed_rows(session.execute(delete(Booking).where(Booking.visit_id.in_(expired))))
    session.commit()
    return deleted


def counts(session: Session, visit_id: int) -> dict[str, int]:
    """Return the number of bookings of a visit by status."""
    rows = session.execute(select(Booking.status, func.count()).where(
        Booking.visit_id == visit_id).group_by(Booking.status)).all()
    return {status: count for status, count in rows}
