"""Open days: factory visits and the bookings for them (only what a visit needs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base
from formulatrust.enterprises.models import Enterprise, Factory


def aware(moment: datetime) -> datetime:
    """Return ``moment`` as an aware UTC datetime (SQLite hands back naive UTC values)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class OpenDay(Base):
    """A public visit to a factory, with its seats and a short waiting list."""

    __tablename__ = "open_day"
    __table_args__ = (
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats"),
        CheckConstraint("waitlist_taken >= 0 AND waitlist_taken <= waitlist_capacity",
                        name="waitlist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    factory_id: Mapped[int | None] = mapped_column(ForeignKey("factory.id"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    address_zh: Mapped[str] = mapped_column(String(300))
    address_en: Mapped[str] = mapped_column(String(300))
    map_url: Mapped[str] = mapped_column(String(500), default="")
    language: Mapped[str] = mapped_column(String(10), default="zh")  # zh, en or zh+en
    min_age: Mapped[int | None]
    accessibility_zh: Mapped[str] = mapped_column(Text, default="")
    accessibility_en: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    waitlist_capacity: Mapped[int] = mapped_column(default=20)
    waitlist_taken: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Set when the enterprise cancels the whole visit; the reason is shown to every booker.
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    enterprise: Mapped[Enterprise] = relationship()
    factory: Mapped[Factory | None] = relationship()

    @validates("starts_at")
    def _utc(self, _key: str, value: datetime) -> datetime:
        # SQLite keeps the wall time and drops the offset, so only UTC is ever stored.
        if value.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        return value.astimezone(UTC)

    @property
    def starts(self) -> datetime:
        """Return the start as an aware UTC datetime."""
        return aware(self.starts_at)

    @property
    def ends(self) -> datetime:
        """Return the end as an aware UTC datetime."""
        return self.starts + timedelta(minutes=self.duration_minutes)

    @property
    def seats_left(self) -> int:
        """Return the number of seats still free."""
        return max(self.capacity - self.seats_taken, 0)

    @property
    def waitlist_left(self) -> int:
        """Return the number of places still free on the waiting list."""
        return max(self.waitlist_capacity - self.waitlist_taken, 0)


class Booking(Base):
    """A booking: a name, a mobile number and a party size, deleted after the visit."""

    __tablename__ = "booking"
    __table_args__ = (
        Index("ix_booking_visit_status", "visit_id", "status", "created_at"),
        CheckConstraint("adults >= 1 AND children >= 0 AND adults + children <= 5",
                        name="party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(10), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("open_day.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(11))
    adults: Mapped[int]
    children: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12))  # booked, waitlisted, cancelled, checked_in
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Optional: where to say that a place on the waiting list became a seat.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    language: Mapped[str] = mapped_column(String(5), default="zh", server_default="zh")

    visit: Mapped[OpenDay] = relationship()

    @property
    def party(self) -> int:
        """Return the number of seats the booking holds or waits for."""
        return self.adults + self.children
