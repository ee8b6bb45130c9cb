"""Serial lookup scaling: primary-key lookups in ``registered_serial`` at 100k and at 10M rows.

The table is created by the real migrations in its own SQLite file, filled with plain
``sqlite3`` (foreign keys off, ``journal_mode=OFF``, ``synchronous=OFF`` during the build only),
then read through the site's own engine settings (``formulatrust.db.make_engine``) the way a
request does: ``session.get(RegisteredSerial, (batch_id, serial))`` on an empty identity map.
"""

from __future__ import annotations

import math
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from formulatrust.core.db import make_engine
from formulatrust.core.migrate import upgrade
from formulatrust.scan.models import RegisteredSerial

SEED = 20261128
SERIALS_PER_BATCH = 10_000  # a production batch of cans
CHUNK = 100_000  # rows per executemany
LOOKUPS = 5_000  # of each kind (existing, missing) per table size, shuffled together
ROUNDS = 5  # alternating small/big rounds the lookups are split into
WARMUP_LOOKUPS = 500
INSERT = "INSERT INTO registered_serial (batch_id, serial) VALUES (?, ?)"
SELECT = "SELECT 1 FROM registered_serial WHERE batch_id = ? AND serial = ?"


@dataclass
class Timing:
    """Lookup latencies at one table size, in microseconds."""

    rows: int
    existing_p50: float
    existing_p99: float
    missing_p50: float
    missing_p99: float
    sql_existing_p50: float  # the bare SELECT through sqlite3, for reference
    sql_missing_p50: float
    plan: str

    def as_dict(self) -> dict:
        return asdict(self)


def create(path: Path) -> None:
    """Create the schema with the site's migrations."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()


def grow(path: Path, start: int, stop: int, progress: Callable[[int], None]) -> float:
    """Insert rows ``start``..``stop`` (row n is in batch n // 10 000 + 1) and return seconds.

    Serials are 15 random hex digits, sorted within their batch: an import registers one batch
    at a time. All chunks go in one transaction.
    """
    began = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-262144")  # 256 MiB, build only
        connection.execute("BEGIN")
        chunk: list[tuple[int, str]] = []
        done = start
        for batch_id, serials in _batches(start, stop):
            chunk.extend((batch_id, serial) for serial in serials)
            if len(chunk) >= CHUNK:
                connection.executemany(INSERT, chunk)
                done += len(chunk)
                chunk = []
                progress(done)
        if chunk:
            connection.executemany(INSERT, chunk)
            done += len(chunk)
            progress(done)
        connection.execute("COMMIT")
    finally:
        connection.close()
    return time.perf_counter() - began


def _batches(start: int, stop: int):
    """Yield ``(batch_id, sorted serials)`` covering rows ``start``..``stop``."""
    row = start
    while row < stop:
        batch_id = row // SERIALS_PER_BATCH + 1
        count = min(stop, batch_id * SERIALS_PER_BATCH) - row
        rng = random.Random(SEED * 1_000_003 + batch_id)
        serials: set[str] = set()
        while len(serials) < count:
            serials.update(f"{rng.getrandbits(60):015x}" for _ in range(count - len(serials)))
        yield batch_id, sorted(serials)
        row += count


def measure(tables: dict[str, tuple[Path, int]], rounds: int = ROUNDS) -> dict[str, Timing]:
    """Time random lookups of existing and missing serials in each table.

    Tables are measured in alternating rounds (small, big, small, big, …) so that a change in
    machine load during the run affects both sizes alike.
    """
    rng = random.Random(SEED)
    raws = {label: sqlite3.connect(path) for label, (path, _rows) in tables.items()}
    engines = {label: make_engine(f"sqlite:///{path}") for label, (path, _rows) in tables.items()}
    orm: dict[str, dict[bool, list[float]]] = {label: {True: [], False: []} for label in tables}
    sql: dict[str, dict[bool, list[float]]] = {label: {True: [], False: []} for label in tables}
    try:
        sessions = {label: Session(engine) for label, engine in engines.items()}
        for number in range(rounds + 1):  # round 0 warms up and is not counted
            for label, (_path, rows) in tables.items():
                keys = _keys(raws[label], rows, rng, WARMUP_LOOKUPS if number == 0 else
                             LOOKUPS // rounds)
                _time_orm(sessions[label], keys, orm[label] if number else None)
                _time_sql(raws[label], keys, sql[label] if number else None)
        plans = {label: " ".join(str(r[-1]) for r in raw.execute(f"EXPLAIN QUERY PLAN {SELECT}",
                                                                  (1, "x")))
                 for label, raw in raws.items()}
        for session in sessions.values():
            session.close()
    finally:
        for raw in raws.values():
            raw.close()
        for engine in engines.values():
            engine.dispose()
    return {label: Timing(rows=rows,
                          existing_p50=_us(percentile(orm[label][True], 50)),
                          existing_p99=_us(percentile(orm[label][True], 99)),
                          missing_p50=_us(percentile(orm[label][False], 50)),
                          missing_p99=_us(percentile(orm[label][False], 99)),
                          sql_existing_p50=_us(percentile(sql[label][True], 50)),
                          sql_missing_p50=_us(percentile(sql[label][False], 50)),
                          plan=plans[label])
            for label, (_path, rows) in tables.items()}


def _keys(raw: sqlite3.Connection, rows: int, rng: random.Random,
          count: int) -> list[tuple[tuple[int, str], bool]]:
    """Return ``count`` existing and ``count`` missing keys, shuffled, each with ``found``."""
    # A composite primary key leaves the table its rowid (the key lives in a separate unique
    # index), so sampling rowids picks existing keys uniformly without holding them in memory.
    existing = [raw.execute("SELECT batch_id, serial FROM registered_serial WHERE rowid = ?",
                            (rng.randint(1, rows),)).fetchone() for _ in range(count)]
    batches = -(-rows // SERIALS_PER_BATCH)
    # 16 hex digits: never equal to a stored 15-digit serial, yet spread through the index.
    missing = [(rng.randint(1, batches), f"{rng.getrandbits(64):016x}") for _ in range(count)]
    keys = [(tuple(key), True) for key in existing] + [(key, False) for key in missing]
    rng.shuffle(keys)
    return keys


def _time_orm(session: Session, keys, times: dict[bool, list[float]] | None) -> None:
    for key, found in keys:
        began = time.perf_counter()
        row = session.get(RegisteredSerial, key)
        elapsed = time.perf_counter() - began
        if (row is not None) != found:
            raise RuntimeError(f"lookup of {key} found={row is not None}, expected {found}")
        if times is not None:
            times[found].append(elapsed)
        session.expunge_all()  # a request starts with an empty identity map


def _time_sql(raw: sqlite3.Connection, keys, times: dict[bool, list[float]] | None) -> None:
    for key, found in keys:
        began = time.perf_counter()
        raw.execute(SELECT, key).fetchone()
        if times is not None:
            times[found].append(time.perf_counter() - began)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


def _us(seconds: float) -> float:
    return round(seconds * 1e6, 1)


def progress_printer(label: str, start: int, total: int) -> Callable[[int], None]:
    """Return a callback printing one updating progress line (a line per 10 % when piped)."""
    began = time.perf_counter()
    tty = sys.stdout.isatty()
    shown = {"tenths": -1}

    def show(done: int) -> None:
        elapsed = time.perf_counter() - began
        rate = (done - start) / elapsed if elapsed else 0
        line = (f"  {label}: {done:,} / {total:,} rows ({100 * done / total:.0f} %), "
                f"{elapsed:.0f} s, {rate:,.0f} rows/s")
        if tty:
            print(f"\r{line}", end="\n" if done >= total else "", flush=True)
        elif done * 10 // total > shown["tenths"]:
            shown["tenths"] = done * 10 // total
            print(line, flush=True)

    return show


def run(folder: Path, small: int, big: int) -> dict:
    """Build ``small`` rows, keep a copy, grow to ``big`` rows, then time lookups in both."""
    path = folder / "serials.sqlite3"
    create(path)
    print(f"  building {small:,} serials …", flush=True)
    build_small = grow(path, 0, small, lambda _done: None)
    copy = folder / "serials-small.sqlite3"
    shutil.copyfile(path, copy)  # closed, journal off: a plain file copy is a consistent copy
    build_big = grow(path, small, big, progress_printer(f"growing to {big:,}", small, big))
    print(f"  timing {2 * LOOKUPS:,} lookups at each size …", flush=True)
    timings = measure({"small": (copy, small), "big": (path, big)})
    sizes = {"small": copy.stat().st_size, "big": path.stat().st_size}
    path.unlink()
    copy.unlink()
    return {"small": timings["small"].as_dict(), "big": timings["big"].as_dict(),
            "build_seconds": {"small": round(build_small, 1), "big": round(build_big, 1)},
            "file_bytes": sizes}
