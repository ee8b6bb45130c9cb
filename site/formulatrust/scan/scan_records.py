"""The scan record, written behind the response in batches by one queue per worker process.

A counted can page adds its scan to its process's queue. A background thread writes what waits
every ``SCAN_FLUSH_SECONDS``, or as soon as ``SCAN_FLUSH_ROWS`` scans wait, in one transaction
of one multi-row upsert per table (scans of one can aggregated first); at the process's exit
(gunicorn's workers reach it on SIGTERM, SIGINT and SIGQUIT, and after ``--max-requests``) the
rest is written. ``SCAN_FLUSH_SECONDS = 0`` writes each scan right after its response instead.

A page reads the stored history and adds the scans its own process has not written yet, so it
always includes them; scans taken by other processes show once written, within the interval.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Connection, Engine, case, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from formulatrust.core import db
from formulatrust.core.clock import today_in_shanghai
from formulatrust.domain import genuine
from formulatrust.domain.genuine import History
from formulatrust.domain.serials import SerialSigner
from formulatrust.domain.verdict import Burst
from formulatrust.scan import trace
from formulatrust.scan.models import CanQuery, CanQueryDevice

log = logging.getLogger(__name__)

EXTENSION_KEY = "formulatrust.scan_queue"
CanKey = tuple[str, str, str]  # gtin, lot, serial
ROWS_PER_STATEMENT = 500  # a backlog (after a database outage) is written in slices of this
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class Scan:
    """One counted query of a can by one device, with the burst it revealed or carried."""

    can: CanKey
    device: str
    at: datetime
    burst_at: datetime | None = None
    burst_devices: int = 0

    @property
    def day(self) -> date:
        return today_in_shanghai(self.at)


@dataclass
class Unwritten:
    """The scans of one can this process holds and has not written yet, summed up."""

    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    burst_at: datetime | None = None
    burst_devices: int = 0
    devices: dict[str, Scan] = field(default_factory=dict)  # each device's latest scan


def summed(scans: Iterable[Scan]) -> Unwritten:
    """Sum up scans of one can: count, first and last time, earliest burst, latest per device."""
    total = Unwritten()
    for scan in sorted(scans, key=lambda each: each.at):
        total.count += 1
        total.first_at = total.first_at or scan.at
        total.last_at = scan.at
        if scan.burst_at is not None and total.burst_at is None:
            total.burst_at, total.burst_devices = scan.burst_at, scan.burst_devices
        total.devices[scan.device] = scan
    return total


def by_can(scans: Iterable[Scan]) -> dict[CanKey, list[Scan]]:
    """Group scans by can."""
    groups: dict[CanKey, list[Scan]] = {}
    for scan in scans:
        groups.setdefault(scan.can, []).append(scan)
    return groups


# Writing a batch ---------------------------------------------------------------------------

def can_rows(groups: dict[CanKey, list[Scan]]) -> list[dict]:
    """One ``can_query`` row per can, in key order (the same lock order in every process)."""
    rows = []
    for can in sorted(groups):
        total = summed(groups[can])
        rows.append(dict(zip(("gtin", "lot", "serial"), can, strict=True),
                         first_at=total.first_at, last_at=total.last_at, count=total.count,
                         burst_at=total.burst_at, burst_devices=total.burst_devices))
    return rows


def device_rows(groups: dict[CanKey, list[Scan]]) -> list[dict]:
    """One ``can_query_device`` row per can and device, in key order."""
    rows = []
    for can in sorted(groups):
        devices = summed(groups[can]).devices
        for device in sorted(devices):
            latest = devices[device]
            rows.append(dict(zip(("gtin", "lot", "serial"), can, strict=True), device=device,
                             last_at=latest.at, seen_on=latest.day))
    return rows


def upserts(dialect: str, groups: dict[CanKey, list[Scan]]) -> list[Executable]:
    """Return the two statements that add ``groups`` to the stored history."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    history = insert(CanQuery).values(can_rows(groups))
    new = history.excluded
    first_burst = CanQuery.burst_at.is_(None)
    history = history.on_conflict_do_update(index_elements=["gtin", "lot", "serial"], set_={
        "count": CanQuery.count + new.count,
        "last_at": case((CanQuery.last_at > new.last_at, CanQuery.last_at), else_=new.last_at),
        # The first burst recorded stays, with its date, whichever process saw it.
        "burst_at": func.coalesce(CanQuery.burst_at, new.burst_at),
        "burst_devices": case((first_burst, new.burst_devices), else_=CanQuery.burst_devices)})
    seen = insert(CanQueryDevice).values(device_rows(groups))
    later = CanQueryDevice.last_at > seen.excluded.last_at  # another process wrote a later scan
    seen = seen.on_conflict_do_update(
        index_elements=["gtin", "lot", "serial", "device"],
        set_={"last_at": case((later, CanQueryDevice.last_at), else_=seen.excluded.last_at),
              "seen_on": case((later, CanQueryDevice.seen_on), else_=seen.excluded.seen_on)})
    return [history, seen]


def write_in(connection: Connection, scans: Sequence[Scan]) -> None:
    """Add ``scans`` to the stored history on ``connection`` (not committed)."""
    groups = by_can(scans)
    keys = sorted(groups)
    for start in range(0, len(keys), ROWS_PER_STATEMENT):
        part = {key: groups[key] for key in keys[start:start + ROWS_PER_STATEMENT]}
        for statement in upserts(connection.dialect.name, part):
            connection.execute(statement)


def write_scans(engine: Engine, scans: Sequence[Scan]) -> None:
    """Add ``scans`` to the stored history in one transaction."""
    if scans:
        with engine.begin() as connection:
            write_in(connection, scans)


# The queue of one process ------------------------------------------------------------------

class ScanQueue:
    """Scans waiting to be written by this process, and the thread that writes them.

    ``version`` is odd while a batch is being committed: a reader that saw the same even
    version before and after reading the database knows which scans that read included.
    """

    def __init__(self, engine: Engine, every_seconds: float, max_rows: int) -> None:
        self.engine = engine
        self.every_seconds = every_seconds
        self.max_rows = max(1, max_rows)
        self.pid = os.getpid()
        self.version = 0
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._waiting: list[Scan] = []
        self._writing: list[Scan] = []
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, scan: Scan) -> None:
        """Queue ``scan`` (or write it now when the interval is 0)."""
        if self.every_seconds <= 0 or self._stopping.is_set():
            write_scans(self.engine, [scan])
            return
        with self._lock:
            self._waiting.append(scan)
            full = len(self._waiting) >= self.max_rows
        if self._stopping.is_set():  # closed meanwhile: its last flush may have missed this
            self.flush()
            return
        self._start()
        if full:
            self._wake.set()

    def unwritten(self, can: CanKey) -> tuple[int, list[Scan]]:
        """Return the version and this process's scans of ``can`` not yet committed."""
        with self._lock:
            return self.version, [scan for scan in (*self._writing, *self._waiting)
                                  if scan.can == can]

    def steady_since(self, version: int) -> bool:
        """Tell whether no batch was being committed since ``version`` was read."""
        with self._lock:
            return version % 2 == 0 and self.version == version

    def flush(self) -> int:
        """Write every waiting scan now; return how many were written (0 on failure)."""
        with self._flushing:
            with self._lock:
                self._writing, self._waiting = self._waiting, []
            if not self._writing:
                return 0
            try:
                with self.engine.connect() as connection:
                    write_in(connection, self._writing)
                    self._commit(connection)
            except Exception:  # the database is away, or anything else: nothing is dropped
                log.warning("writing %d scans failed; they stay queued", len(self._writing),
                            exc_info=True)
                with self._lock:
                    self._waiting[:0], self._writing = self._writing, []
                return 0
            return self._written()

    def _commit(self, connection: Connection) -> None:
        with self._lock:
            self.version += 1
        try:
            connection.commit()
        finally:
            with self._lock:
                self.version += 1

    def _written(self) -> int:
        with self._lock:
            count, self._writing = len(self._writing), []
        return count

    def _start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="scan-records",
                                                daemon=True)
                self._thread.start()
                atexit.register(self.close_at_exit)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.every_seconds)
            self._wake.clear()
            self.flush()

    def close(self) -> None:
        """Stop the thread and write what is left."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        atexit.unregister(self.close_at_exit)
        if self.pid == os.getpid():  # a forked child never writes its parent's scans
            self.flush()

    def close_at_exit(self) -> None:
        """Write what is left as the process exits, not cut short by a second stop signal."""
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGQUIT):
                signal.signal(number, signal.SIG_IGN)
        self.close()


_making = threading.Lock()


def queue() -> ScanQueue:
    """Return this process's scan queue of the current app, made on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy
    found = app.extensions.get(EXTENSION_KEY)
    if found is not None and found.pid == os.getpid():
        return found
    with _making:
        found = app.extensions.get(EXTENSION_KEY)
        if found is None or found.pid != os.getpid():
            found = app.extensions[EXTENSION_KEY] = ScanQueue(
                db.engine(), float(app.config["SCAN_FLUSH_SECONDS"]),
                int(app.config["SCAN_FLUSH_ROWS"]))
            db.on_dispose(app, found.close)
    return found


def record(scan: Scan) -> None:
    """Queue ``scan`` once the response has been sent."""
    scans = queue()
    db.after_response(lambda: scans.add(scan))


# Reading the history with what is not written yet ------------------------------------------

def read_history(source: Session | Engine, signer: SerialSigner, facts: trace.Facts, device: str,
                 now: datetime, alias: str | None = None) -> tuple[str, History]:
    """Return the serial's status and the can's history, this process's unwritten scans
    included (see :func:`trace.status_and_history` for ``alias``)."""
    scans = queue()
    for _attempt in range(READ_ATTEMPTS):
        version, unwritten = scans.unwritten(trace.can_key(facts))
        pending = summed(unwritten)
        others = counted_apart(pending, today_in_shanghai(now))
        status, stored = trace.status_and_history(source, signer, facts, device, now,
                                                  alias=alias, also_excluded=others)
        if scans.steady_since(version):
            break
    return status, with_unwritten(stored, pending, {device, alias or device}, now)


def counted_apart(pending: Unwritten, today: date) -> list[str]:
    """Devices whose unwritten scans are counted here, so the database read leaves them out.

    A cookieless device's identifier of an earlier day (scanned just before midnight) is left
    to the database: it counts there once written, within the flush interval.
    """
    return [device for device, scan in pending.devices.items()
            if not genuine.is_daily(device) or scan.day == today]


def with_unwritten(stored: History, pending: Unwritten, this_device: set[str],
                   now: datetime) -> History:
    """Add the unwritten scans of a can to its stored history."""
    if pending.count == 0:
        return stored
    apart = set(counted_apart(pending, today_in_shanghai(now))) - this_device
    others = [pending.devices[device] for device in apart]
    cookies = sum(1 for scan in others if not genuine.is_daily(scan.device))
    daily_today = stored.daily_devices_today + len(others) - cookies
    own = [pending.devices[device].at for device in this_device if device in pending.devices]
    last_seen = max([*own, *([stored.device_last_seen] if stored.device_last_seen else [])],
                    default=None)
    burst_at = stored.burst_at or pending.burst_at
    return History(
        count=stored.count + pending.count,
        first_at=min(moment for moment in (stored.first_at, pending.first_at) if moment),
        device_last_seen=last_seen, cookie_devices=stored.cookie_devices + cookies,
        daily_devices=max(stored.daily_devices, daily_today), daily_devices_today=daily_today,
        burst_at=burst_at,
        burst_devices=stored.burst_devices if stored.burst_at else pending.burst_devices)


def with_unwritten_burst(stored: Burst | None, facts: trace.Facts) -> Burst | None:
    """Return the burst recorded for this can (``stored``), else one among this worker's
    unwritten scans of it, counting nothing."""
    if stored is not None:
        return stored
    pending = summed(queue().unwritten(trace.can_key(facts))[1])
    return trace.burst_of(pending.burst_at, pending.burst_devices)
