"""Batches, the serials of cans, their query history and problem reports about a can."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, timestamp_column

if TYPE_CHECKING:
    from formulatrust.enterprises.models import Factory, Product


class Batch(Base):
    """One production lot of one product; corrections keep the earlier versions."""

    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("product_id", "lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factory.id"))
    lot: Mapped[str] = mapped_column(String(20))
    produced_on: Mapped[date]
    best_before: Mapped[date]
    milk_source: Mapped[dict] = mapped_column(JSON, default=dict)
    raw_materials: Mapped[list] = mapped_column(JSON, default=list)
    release_inspection: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(200), default="")
    source_en: Mapped[str] = mapped_column(String(200), default="")
    issued_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    product: Mapped[Product] = relationship()
    factory: Mapped[Factory] = relationship()
    revisions: Mapped[list[BatchRevision]] = relationship(
        back_populates="batch", order_by="BatchRevision.version"
    )


class BatchRevision(Base):
    """An earlier version of a batch record, kept when the batch is corrected."""

    __tablename__ = "batch_revision"
    __table_args__ = (UniqueConstraint("batch_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = timestamp_column()

    batch: Mapped[Batch] = relationship(back_populates="revisions")


class RegisteredSerial(Base):
    """A serial printed by the enterprise itself and registered by import."""

    __tablename__ = "registered_serial"

    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)


class CanQuery(Base):
    """Consumer query history of one can: first query, count, and a burst of devices if seen."""

    __tablename__ = "can_query"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    lot: Mapped[str] = mapped_column(String(20), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)
    first_at: Mapped[datetime] = timestamp_column()
    last_at: Mapped[datetime] = timestamp_column()
    count: Mapped[int] = mapped_column(default=0)
    # When more devices than a household has queried the can within a week (domain/genuine.py).
    burst_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    burst_devices: Mapped[int] = mapped_column(default=0)


class CanQueryDevice(Base):
    """A device seen querying a can within the last week, as a hash (no address, no agent).

    Kept only as long as the rule in ``domain/genuine.py`` needs it (``scans purge``).
    """

    __tablename__ = "can_query_device"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    lot: Mapped[str] = mapped_column(String(20), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)
    device: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                              index=True)
    seen_on: Mapped[date]  # the Shanghai day of the last query


class ScanDayKey(Base):
    """The random key of one Shanghai day for devices without the cookie; destroyed after it."""

    __tablename__ = "scan_day_key"

    day: Mapped[date] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))


class ProblemReport(Base):
    """A "report a problem with this can" submission, for regulators to triage."""

    __tablename__ = "problem_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    gtin: Mapped[str] = mapped_column(String(14))
    lot: Mapped[str] = mapped_column(String(20), default="")
    serial: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = timestamp_column()
