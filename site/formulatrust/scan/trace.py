"""Provenance facts for a GS1 key, read from the database (used by the resolver and the CLI)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Integer,
    delete,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload, selectinload

from formulatrust.core.cache import TTLCache
from formulatrust.core.clock import aware as _aware
from formulatrust.core.clock import today_in_shanghai, utcnow
from formulatrust.core.db import changed_rows
from formulatrust.core.plain_sql import PlainQuery
from formulatrust.domain import genuine
from formulatrust.domain.genuine import History, Outcome
from formulatrust.domain.gs1 import DigitalLink, parse_date
from formulatrust.domain.serials import SerialSigner, parse
from formulatrust.domain.verdict import PRODUCT_WINDOW, Burst, Verdict, judge
from formulatrust.enterprises.models import Brand, Product, Rating
from formulatrust.results.models import Recall, SamplingResult, SupervisionListing
from formulatrust.scan.models import (
    Batch,
    CanQueryDevice,
    RegisteredSerial,
    ScanDayKey,
)

PRODUCT_RESULTS_SHOWN = 5


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
    product_results_total: int = 0
    rating: Rating | None = None
    listings: list[SupervisionListing] = field(default_factory=list)
    product_failures: list[SamplingResult] = field(default_factory=list)  # other lots, 24 months
    history: Outcome | None = None
    burst: Burst | None = None  # the can's code was checked by a burst of devices

    def verdict(self, today: date) -> Verdict:
        """Weigh everything known about this product, lot and serial (domain/verdict.py)."""
        return judge(recalls=self.recalls, lot_results=self.batch_results,
                     serial_status=self.serial_status, lot_given=self.link.lot is not None,
                     lot_on_record=self.batch is not None,
                     product_results=self.product_failures, rating=self.rating,
                     code_expiry=self.code_expiry(today),
                     best_before=self.batch.best_before if self.batch else None,
                     burst=self.burst, today=today)

    def code_expiry(self, today: date) -> date | None:
        """Return the expiry date (GS1 AI 17) the scanned code carries, if any."""
        value = self.link.attributes.get("17")
        return parse_date(value, today) if value else None

    def net_content_kg(self) -> Decimal | None:
        """Return the net weight in kilograms the code carries (GS1 AI 310n), if any."""
        for ai, value in self.link.attributes.items():
            if ai.startswith("310") and len(ai) == 4:
                return Decimal(value).scaleb(-int(ai[3]))
        return None

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


def is_issued(signer: SerialSigner, batch: Batch, gtin: str, serial: str) -> bool:
    """Tell whether the site issued ``serial`` for ``batch`` (its signature and range check)."""
    parsed = parse(serial)
    return bool(parsed and parsed[1] < batch.issued_count
                and signer.verify(gtin, batch.lot, serial))


# Plain SQL, compiled once: this runs on every JSON answer about a can.
IS_REGISTERED = text("SELECT 1 FROM registered_serial WHERE batch_id = :batch_id "
                     "AND serial = :serial")


def serial_status(session: Session, signer: SerialSigner, batch: Batch | None,
                  gtin: str, serial: str) -> str:
    """Say whether ``serial`` was issued by the site, registered by the maker, or neither."""
    if batch is None:
        return "unknown"
    if is_issued(signer, batch, gtin, serial):
        return "issued"
    found = session.execute(IS_REGISTERED, {"batch_id": batch.id, "serial": serial}).first()
    return "registered" if found else "unknown"


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


@dataclass(frozen=True)
class Shared:
    """The facts every can of one batch shares (cacheable for a short while)."""

    product: Product
    batch: Batch | None
    recalls: list[Recall]
    batch_results: list[SamplingResult]
    product_results: list[SamplingResult]
    product_results_total: int
    rating: Rating | None
    listings: list[SupervisionListing]
    product_failures: list[SamplingResult]


def shared_facts(session: Session, gtin: str, lot: str | None) -> Shared | None:
    """Load the product, its batch ``lot`` and everything shown about them, fully loaded."""
    product = find_product(session, gtin)
    if product is None:
        return None
    batch = find_batch(session, product, lot) if lot is not None else None
    lot = batch.lot if batch else lot
    recalls = session.scalars(select(Recall).where(Recall.product_id == product.id)
                              .order_by(Recall.announced_on.desc())).all()
    # Everything the page shows is loaded here: the facts are cached and may be rendered later
    # by another request, after this session has closed.
    by_product = (select(SamplingResult).where(SamplingResult.product_id == product.id)
                  .options(selectinload(SamplingResult.failed_items),
                           selectinload(SamplingResult.product).joinedload(Product.brand),
                           selectinload(SamplingResult.enterprise))
                  .order_by(SamplingResult.announced_on.desc()))
    enterprise_id = product.brand.enterprise_id
    since = today_in_shanghai(utcnow()) - PRODUCT_WINDOW
    return Shared(
        product=product, batch=batch,
        recalls=[r for r in recalls if lot is None or r.covers(lot)],
        batch_results=list(session.scalars(by_product.where(SamplingResult.lot == lot)))
        if lot else [],
        product_results=list(session.scalars(
            by_product.where(SamplingResult.lot != (lot or "")).limit(PRODUCT_RESULTS_SHOWN))),
        product_results_total=session.scalar(select(func.count(SamplingResult.id)).where(
            SamplingResult.product_id == product.id)) or 0,
        rating=session.scalars(select(Rating).where(Rating.enterprise_id == enterprise_id)
                               .order_by(Rating.assessed_on.desc())).first(),
        listings=list(session.scalars(select(SupervisionListing).where(
            SupervisionListing.enterprise_id == enterprise_id,
            or_(SupervisionListing.product_id.is_(None),
                SupervisionListing.product_id == product.id),
            SupervisionListing.delisted_on.is_(None)))),
        product_failures=list(session.scalars(by_product.where(
            SamplingResult.lot != (lot or ""), SamplingResult.compliant.is_(False),
            SamplingResult.overturned_on.is_(None), SamplingResult.announced_on >= since)
            .limit(PRODUCT_RESULTS_SHOWN))),
    )


def lookup(open_session: Callable[[], Session], signer: SerialSigner, link: DigitalLink,
           cache: TTLCache, with_status: bool = True) -> Facts | None:
    """Collect every fact for ``link``; None when the product is not on record.

    ``open_session`` is asked for a session only when the facts are not in ``cache`` (a
    request's session costs more than reading them there). ``with_status=False`` leaves the
    serial's status to :func:`status_and_history`.
    """
    lot = link.lot
    if lot is None and link.serial is not None:
        product = find_product(open_session(), link.gtin)
        if product is None:
            return None
        found = batch_for_serial(open_session(), signer, product, link.serial)
        lot = found.lot if found else None
    shared = cache.get_or_make(("facts", link.gtin, lot),
                               lambda: shared_facts(open_session(), link.gtin, lot),
                               keep=lambda found: lot is None or found is not None and (
                                   found.batch is not None or bool(found.batch_results)))
    if shared is None:
        return None
    facts = Facts(link=link, product=shared.product, batch=shared.batch,
                  recalls=shared.recalls, batch_results=shared.batch_results,
                  product_results=shared.product_results,
                  product_results_total=shared.product_results_total,
                  rating=shared.rating, listings=shared.listings,
                  product_failures=shared.product_failures)
    if link.serial is not None and with_status:
        facts.serial_status = serial_status(open_session(), signer, shared.batch, link.gtin,
                                            link.serial)
    return facts


def can_key(facts: Facts) -> tuple[str, str, str]:
    """Return the (gtin, lot, serial) key the query history is kept under."""
    lot = facts.batch.lot if facts.batch else (facts.link.lot or "")
    return facts.product.gtin, lot, facts.link.serial or ""


def can_parameters(signer: SerialSigner, facts: Facts) -> tuple[bool, dict[str, object]]:
    """Tell whether the site issued the can's serial, and return the can's key as the
    parameters of the statements below; a serial whose signature checks out is not looked up
    among the registered ones (batch -1 matches none)."""
    gtin, lot, serial = can_key(facts)
    batch = facts.batch
    issued = batch is not None and is_issued(signer, batch, gtin, serial)
    return issued, {"batch_id": batch.id if batch is not None and not issued else -1,
                    "serial": serial, "gtin": gtin, "lot": lot}


MOMENT = DateTime(timezone=True)
COUNTED = Integer()

# One round trip on every can page, on the driver's own cursor (see ``core.plain_sql``): the
# serial's registration and the can's history. Device counts leave this device out;
# ``domain.genuine.recent_devices`` adds it back.
STATUS_AND_HISTORY = PlainQuery("""
    SELECT EXISTS (SELECT 1 FROM registered_serial
                   WHERE batch_id = :batch_id AND serial = :serial) AS registered,
           q."count" AS "count", q.first_at AS first_at, q.burst_at AS burst_at,
           q.burst_devices AS burst_devices,
           (SELECT max(d.last_at) FROM can_query_device d
            WHERE d.gtin = :gtin AND d.lot = :lot AND d.serial = :serial
              AND d.device IN (:device, :alias)) AS last_seen,
           (SELECT count(*) FROM can_query_device d
            WHERE d.gtin = :gtin AND d.lot = :lot AND d.serial = :serial
              AND d.device NOT IN :others
              AND d.device LIKE 'c%' AND d.last_at >= :since) AS cookie_devices,
           (SELECT coalesce(max(per_day.n), 0) FROM
              (SELECT count(*) AS n FROM can_query_device d
               WHERE d.gtin = :gtin AND d.lot = :lot AND d.serial = :serial
                 AND d.device NOT IN :others AND d.device LIKE 'd%'
                 AND d.last_at >= :since
               GROUP BY d.seen_on) AS per_day) AS daily_devices,
           (SELECT count(*) FROM can_query_device d
            WHERE d.gtin = :gtin AND d.lot = :lot AND d.serial = :serial
              AND d.device NOT IN :others
              AND d.device LIKE 'd%' AND d.seen_on = :today) AS daily_devices_today
    FROM (SELECT 1 AS one) AS anchor
    LEFT JOIN can_query q ON q.gtin = :gtin AND q.lot = :lot AND q.serial = :serial
""", columns={
    "registered": Boolean(), "count": COUNTED, "first_at": MOMENT, "burst_at": MOMENT,
    "burst_devices": COUNTED, "last_seen": MOMENT, "cookie_devices": COUNTED,
    "daily_devices": COUNTED, "daily_devices_today": COUNTED},
    parameters={"since": MOMENT, "today": Date()}, lists=["others"])


def status_and_history(source: Session | Engine, signer: SerialSigner, facts: Facts,
                       device: str, now: datetime, alias: str | None = None,
                       also_excluded: Sequence[str] = ()) -> tuple[str, History]:
    """Return the serial's status and the can's query history in one database round trip.

    ``alias`` is the same browser's cookieless pseudonym of today, so the request that first
    brings back the cookie is still known as the device it was (a reload stays a reload).
    Devices in ``also_excluded`` are left out of the device counts (the caller counts them).
    """
    issued, can = can_parameters(signer, facts)
    row = STATUS_AND_HISTORY.one(source, {
        **can, "device": device, "alias": alias or device,
        "others": [device, alias or device, *also_excluded],
        "since": now - genuine.WINDOW,
        "today": today_in_shanghai(now)})
    status = "issued" if issued else ("registered" if row["registered"] else "unknown")
    if row["count"] is None:
        return status, History()  # device rows are only ever written with the can's row
    return status, History(
        count=row["count"], first_at=_aware(row["first_at"]),
        device_last_seen=_aware(row["last_seen"]) if row["last_seen"] else None,
        cookie_devices=row["cookie_devices"], daily_devices=row["daily_devices"],
        daily_devices_today=row["daily_devices_today"],
        burst_at=_aware(row["burst_at"]) if row["burst_at"] else None,
        burst_devices=row["burst_devices"])


def burst_of(burst_at: datetime | None, devices: int) -> Burst | None:
    """Return the burst a can's history records, if any."""
    return Burst(at=_aware(burst_at), devices=devices) if burst_at is not None else None


# The JSON answer's one round trip for a can: the serial's registration and the can's burst.
STATUS_AND_BURST = PlainQuery("""
    SELECT EXISTS (SELECT 1 FROM registered_serial
                   WHERE batch_id = :batch_id AND serial = :serial) AS registered,
           q.burst_at AS burst_at, q.burst_devices AS burst_devices
    FROM (SELECT 1 AS one) AS anchor
    LEFT JOIN can_query q ON q.gtin = :gtin AND q.lot = :lot AND q.serial = :serial
""", columns={"registered": Boolean(), "burst_at": MOMENT, "burst_devices": COUNTED})


def status_and_burst(source: Session | Engine, signer: SerialSigner,
                     facts: Facts) -> tuple[str, Burst | None]:
    """Return the serial's status and the can's recorded burst, without counting a query.

    A serial the site issued is recognised by its signature, so its registration is not read.
    """
    issued, can = can_parameters(signer, facts)
    row = STATUS_AND_BURST.one(source, can)
    status = "issued" if issued else ("registered" if row["registered"] else "unknown")
    return status, burst_of(row["burst_at"], row["burst_devices"])


def day_key(engine: Engine, day: date) -> bytes:
    """Return the random key of ``day`` for cookieless devices, made once and shared by every
    worker through the database; keys of earlier days are destroyed when a new day's is made."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.begin() as connection:
        found = connection.scalar(select(ScanDayKey.key).where(ScanDayKey.day == day))
        if found is None:
            connection.execute(insert(ScanDayKey).values(day=day, key=secrets.token_hex(32))
                               .on_conflict_do_nothing(index_elements=["day"]))
            connection.execute(delete(ScanDayKey).where(ScanDayKey.day < day))
            found = connection.scalar(select(ScanDayKey.key).where(ScanDayKey.day == day))
    assert found is not None  # written just above when missing
    return bytes.fromhex(found)


_day_keys: dict[date, bytes] = {}


def cached_day_key(engine: Engine, day: date) -> bytes:
    """Return ``day_key`` for ``day``, asking the database once per worker and day."""
    key = _day_keys.get(day)
    if key is None:
        key = day_key(engine, day)
        _day_keys.clear()  # yesterday's key is forgotten here too
        _day_keys[day] = key
    return key


def purge_scans(session: Session, now: datetime) -> tuple[int, int]:
    """Delete device rows older than the rule needs and day keys before today; return counts."""
    devices = changed_rows(session.execute(delete(CanQueryDevice).where(
        CanQueryDevice.last_at < now - genuine.WINDOW)))
    keys = changed_rows(session.execute(delete(ScanDayKey).where(
        ScanDayKey.day < today_in_shanghai(now))))
    return devices or 0, keys or 0




