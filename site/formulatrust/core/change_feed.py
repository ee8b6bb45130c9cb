"""The change feed: every write to published facts appends a row to ``change`` in its own
transaction, and every worker on every node follows the feed.

A follower remembers the last id it saw; when the feed has moved (a commit in this process, a
PostgreSQL notification, or a poll every ``CHANGE_POLL_SECONDS`` where there are none) a worker
empties its cache of facts and pages, so a recall committed on any node is on every node's can
pages within about a second.
Rows are kept ``CHANGE_RETENTION_DAYS`` (``flask --app wsgi changes purge``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Engine,
    Integer,
    String,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, timestamp_column

log = logging.getLogger(__name__)
CHANNEL = "formulatrust_change"  # PostgreSQL notification channel of the feed
APPENDED = "formulatrust.change_appended"  # session.info flag: this transaction wrote the feed

# Tables whose rows appear on product, batch and can pages (query logs and serials do not).
FACT_TABLES = frozenset({
    "enterprise", "brand", "product", "factory", "batch", "batch_revision", "recall",
    "sampling_result", "failed_item", "result_revision", "rating", "supervision_listing",
    "licence", "certification", "penalty", "inspection", "standard_commitment", "reply",
    "bulletin", "appeal", "recall_revision", "showcase", "learn_article",
})
# The attributes that name what a change is about, kept with it when a record has them.
KEY_ATTRIBUTES = ("id", "slug", "gtin", "lot", "lots", "enterprise_id", "brand_id", "product_id",
                  "batch_id", "recall_id", "result_id")


class Change(Base):
    """One change to published facts: what kind of record, its keys, and what happened."""

    __tablename__ = "change"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"),
                                    primary_key=True, autoincrement=True)
    at: Mapped[datetime] = timestamp_column()
    kind: Mapped[str] = mapped_column(String(40))  # the table: recall, sampling_result …
    action: Mapped[str] = mapped_column(String(10))  # insert, update, delete or bulk
    keys: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def table_of(instance: object) -> str | None:
    return getattr(getattr(instance, "__table__", None), "name", None)


def keys_of(instance: object) -> dict[str, Any]:
    """The identifying values of a changed record, as JSON-safe values."""
    keys: dict[str, Any] = {}
    for name in KEY_ATTRIBUTES:
        value = getattr(instance, name, None)
        if isinstance(value, str | int) or (isinstance(value, list)
                                             and all(isinstance(v, str) for v in value)):
            keys[name] = value
    return keys


def rows_for_flush(session: Session) -> list[dict[str, Any]]:
    """The feed rows for what a flush is writing (called after the flush: ids are known)."""
    now = utcnow()
    groups = (("insert", session.new), ("update", session.dirty), ("delete", session.deleted))
    return [{"at": now, "kind": table_of(instance), "action": action, "keys": keys_of(instance)}
            for action, instances in groups for instance in instances
            if table_of(instance) in FACT_TABLES
            and (action != "update" or session.is_modified(instance))]


def append(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append rows to the feed in the session's transaction (never outside it).

    On PostgreSQL listening workers are notified when the transaction commits.
    """
    if not rows:
        return
    connection = session.connection()
    connection.execute(insert(Change.__table__), rows)
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    session.info[APPENDED] = True


def bulk_row(table: str) -> dict[str, Any]:
    """The feed row for a statement that changed any number of rows of ``table``."""
    return {"at": utcnow(), "kind": table, "action": "bulk", "keys": {}}


def purge(session: Session, days: int) -> int:
    """Delete feed rows older than ``days`` days; return how many."""
    result = session.execute(delete(Change).where(Change.at < utcnow() - timedelta(days=days)))
    return int(getattr(result, "rowcount", 0) or 0)


class Follower:
    """One worker's place in the feed, and how it learns that the feed moved.

    Commits made through this process's sessions are known at once. Changes made elsewhere
    (other workers, nodes, commands) wake a listening thread through PostgreSQL's
    ``LISTEN/NOTIFY``; without it (SQLite, or while its connection is down) the worker asks for
    the newest id at most every ``poll_seconds``.
    """

    def __init__(self, engine: Engine, poll_seconds: float, listen: bool = True) -> None:
        self.engine, self.poll_seconds = engine, poll_seconds
        self.listen = listen and engine.dialect.name == "postgresql"
        self._lock = threading.Lock()
        self._checked = 0.0
        self._seen: int | None = None  # the newest id this worker has acted on
        self._wakes = 0  # local commits and notifications heard, not yet acted on
        self._listener: Listener | None = None

    def latest(self) -> int:
        """The newest id in the feed (what was last seen when it cannot be read)."""
        try:
            with self.engine.connect() as connection:
                return int(connection.scalar(select(func.max(Change.id))) or 0)
        except SQLAlchemyError:
            return self._seen or 0

    def wake(self) -> None:
        """Note that the feed has (probably) moved: a local commit or a notification."""
        with self._lock:
            self._wakes += 1

    def moved(self) -> bool:
        """Tell whether the feed has grown since this worker last looked."""
        if self._seen is None:
            self._begin()
            if self.listen:
                self._listening()
            return False
        with self._lock:
            woken, self._wakes = self._wakes > 0, 0
        if woken:
            return self._catch_up()
        if self.listen and self._listening():
            return False
        now = time.monotonic()
        if now - self._checked < self.poll_seconds:
            return False
        return self._catch_up()

    def _begin(self) -> None:
        """Start from the feed's newest id (nothing is cached yet)."""
        with self._lock:
            if self._seen is None:
                self._seen = self.latest()

    def _listening(self) -> bool:
        """Tell whether notifications arrive; (re)start the listener in a new or forked worker."""
        with self._lock:
            if self._listener is None or not self._listener.alive():
                self._listener = Listener(self.engine, self.wake)
                self._listener.start()
            return self._listener.healthy()

    def _catch_up(self) -> bool:
        self._checked = time.monotonic()
        newest = self.latest()
        with self._lock:
            if newest == self._seen:
                return False
            self._seen = newest
            return True

    def stop(self) -> None:
        self.listen = False
        if self._listener is not None:
            self._listener.stop()


class Listener:
    """A thread that holds ``LISTEN`` on its own PostgreSQL connection and wakes the worker.

    It reconnects after a failure; each (re)connection wakes the worker too, since a
    notification may have been missed while it was away.
    """

    WAIT_SECONDS = 0.5  # how long one wait lasts before the stop flag is looked at again

    def __init__(self, engine: Engine, wake: Callable[[], None]) -> None:
        self.conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        self.wake = wake
        self._stopping = threading.Event()
        self._connected = threading.Event()
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="change-feed-listener",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def alive(self) -> bool:
        """A thread does not survive a fork: a forked worker starts its own."""
        return self._pid == os.getpid() and self._thread.is_alive()

    def healthy(self) -> bool:
        return self.alive() and self._connected.is_set()

    def stop(self) -> None:
        self._stopping.set()

    def _run(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._connected.set()
                    self.wake()
                    while not self._stopping.is_set():
                        for _notification in conn.notifies(timeout=self.WAIT_SECONDS):
                            self.wake()
            except psycopg.Error:
                log.warning("the change-feed listener lost its connection; polling meanwhile")
            self._connected.clear()
            self._stopping.wait(1.0)
