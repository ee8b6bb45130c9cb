"""Provenance facts for a GS1 key, read from the database (used by the resolver and the CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload, sessionmaker

from formulatrust.domain.genuine import History, Outcome
from formulatrust.domain.gs1 import DigitalLink
from formulatrust.domain.serials import SerialSigner, parse
from formulatrust.models import (
    Batch,
    Brand,
    CanQuery,
    CanQueryDevice,
    Product,
    Rating,
    Recall,
    RegisteredSerial,
    SamplingResult,
    SupervisionListing,
)


@dataclass
class Facts:
    """Everything the site knows about one product, batch or can."""

    link: DigitalLink
    product: Product
    batch: Batch | None = None
    serial_status: str | None = None  # "issued", "registered", "unknown"; None without serial
    recalls: list[Recall] = field(default_factory=list)
    batch_results: list[SamplingResult] = field(default_factory=list)
    product_results: list[SamplingResult] = field(default_factory=list)
    rating: Rating | None = None
    listings: list[SupervisionListing] = field(default_factory=list)
    history: Outcome | None = None

    @property
    def lot_unknown(self) -> bool:
        """A lot was given but is not on record."""
        return self.link.lot is not None and self.batch is None

    @property
    def level(self) -> str:
        """Which page this is: ``product``, ``batch`` or ``can``."""
        if self.link.serial is not None:
            return "can"
        return "batch" if self.link.lot is not None else "product"


def find_product(session: Session, gtin: str) -> Product | None:
    """Return the product with ``gtin`` and its brand and enterprise."""
    return session.scalars(
        select(Product).where(Product.gtin == gtin)
        .options(joinedload(Product.brand).joinedload(Brand.enterprise))
    ).first()


def find_batch(session: Session, product: Product, lot: str) -> Batch | None:
    """Return the product's batch with ``lot``."""
    return session.scalars(
        select(Batch).where(Batch.product_id == product.id, Batch.lot == lot)
        .options(joinedload(Batch.factory))
    ).first()


def serial_status(session: Session, signer: SerialSigner, batch: Batch | None,
                  gtin: str, serial: str) -> str:
    """Say whether ``serial`` was issued by the site, registered by the maker, or neither."""
    if batch is None:
        return "unknown"
    parsed = parse(serial)
    if parsed and parsed[1] < batch.issued_count and signer.verify(gtin, batch.lot, serial):
        return "issued"
    registered = session.get(RegisteredSerial, (batch.id, serial))
    return "registered" if registered else "unknown"


def batch_for_serial(session: Session, signer: SerialSigner, product: Product,
                     serial: str) -> Batch | None:
    """Find the batch of a serial given without its lot (``/01/{gtin}/21/{serial}``)."""
    registered = session.scalars(
        select(Batch).join(RegisteredSerial, RegisteredSerial.batch_id == Batch.id)
        .where(Batch.product_id == product.id, RegisteredSerial.serial == serial)
    ).first()
    if registered:
        return registered
    parsed = parse(serial)
    if not parsed:
        return None
    candidates = session.scalars(
        select(Batch).where(Batch.product_id == product.id, Batch.issued_count > parsed[1])
    )
    return next((b for b in candidates if signer.verify(product.gtin, b.lot, serial)), None)


def gather(session: Session, signer: SerialSigner, link: DigitalLink,
           product: Product) -> Facts:
    """Collect every fact for ``link`` about a known ``product``."""
    facts = Facts(link=link, product=product)
    if link.lot is not None:
        facts.batch = find_batch(session, product, link.lot)
    elif link.serial is not None:
        facts.batch = batch_for_serial(session, signer, product, link.serial)
    if link.serial is not None:
        facts.serial_status = serial_status(session, signer, facts.batch, product.gtin,
                                            link.serial)
    lot = facts.batch.lot if facts.batch else link.lot
    recalls = session.scalars(
        select(Recall).where(Recall.product_id == product.id)
        .order_by(Recall.announced_on.desc())
    ).all()
    facts.recalls = [r for r in recalls if lot is None or r.covers(lot)]
    results = session.scalars(
        select(SamplingResult).where(SamplingResult.product_id == product.id)
        .options(selectinload(SamplingResult.failed_items))
        .order_by(SamplingResult.announced_on.desc()).limit(50)
    ).all()
    facts.batch_results = [r for r in results if lot and r.lot == lot]
    facts.product_results = [r for r in results if r not in facts.batch_results]
    enterprise_id = product.brand.enterprise_id
    facts.rating = session.scalars(
        select(Rating).where(Rating.enterprise_id == enterprise_id)
        .order_by(Rating.assessed_on.desc())
    ).first()
    facts.listings = session.scalars(
        select(SupervisionListing).where(
            SupervisionListing.enterprise_id == enterprise_id,
            or_(SupervisionListing.product_id.is_(None),
                SupervisionListing.product_id == product.id),
            SupervisionListing.delisted_on.is_(None),
        )
    ).all()
    return facts


def can_key(facts: Facts) -> tuple[str, str, str]:
    """Return the (gtin, lot, serial) key the query history is kept under."""
    lot = facts.batch.lot if facts.batch else (facts.link.lot or "")
    return facts.product.gtin, lot, facts.link.serial or ""


def read_history(session: Session, key: tuple[str, str, str], device: str) -> History:
    """Return the can's query history before this query, and when this device last asked."""
    record = session.get(CanQuery, key)
    seen = session.get(CanQueryDevice, (*key, device))
    if record is None:
        return History(device_last_seen=seen.last_at if seen else None)
    return History(count=record.count, devices=record.devices, first_at=_aware(record.first_at),
                   device_last_seen=_aware(seen.last_at) if seen else None)


def record_query(sessions: sessionmaker, key: tuple[str, str, str], device: str,
                 outcome: Outcome, now: datetime) -> None:
    """Store this query's effect on the can's history, in one short transaction."""
    with sessions.begin() as session:
        added = (1 if outcome.counted else 0, 1 if outcome.new_device else 0)
        changed = session.execute(
            update(CanQuery)
            .where(CanQuery.gtin == key[0], CanQuery.lot == key[1], CanQuery.serial == key[2])
            .values(count=CanQuery.count + added[0], devices=CanQuery.devices + added[1],
                    last_at=now)
        ).rowcount
        if not changed:
            session.add(CanQuery(gtin=key[0], lot=key[1], serial=key[2], first_at=now,
                                 last_at=now, count=added[0], devices=added[1]))
        seen = session.get(CanQueryDevice, (*key, device))
        if seen:
            seen.last_at = now
        else:
            session.add(CanQueryDevice(gtin=key[0], lot=key[1], serial=key[2], device=device,
                                       last_at=now))


def record_query_safely(sessions: sessionmaker, *args) -> None:
    """Record a query; a lost race between two first queries costs one count, not an error."""
    try:
        record_query(sessions, *args)
    except IntegrityError:
        pass


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes even for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def today_in_shanghai(now: datetime) -> date:
    """Return the calendar date in Shanghai for ``now``."""
    return now.astimezone(ZoneInfo("Asia/Shanghai")).date()
