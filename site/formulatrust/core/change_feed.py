"""The change feed: every write to published facts appends a row to ``change`` in its own
transaction, and every worker on every node follows the feed.

A follower remembers the last id it saw; before a worker uses its cache of facts and pages it
asks the database for the newest id (``CHANGE_POLL_SECONDS`` apart at most) and empties the
cache when the feed moved, so a recall committed on any node is on every node's can pages at the
next request. Rows are kept ``CHANGE_RETENTION_DAYS`` (``flask --app wsgi changes purge``).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, Engine, Integer, String, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, timestamp_column

# Tables whose rows appear on product, batch and can pages (query logs and serials do not).
FACT_TABLES = frozenset({
    "enterprise", "brand", "product", "factory", "batch", "batch_revision", "recall",
    "sampling_result", "failed_item", "result_revision", "rating", "supervision_listing",
    "licence", "certification", "penalty", "inspection", "standard_commitment", "reply",
    "bulletin", "appeal", "recall_revision",
})
# The attributes that name what a change is about, kept with it when a record has them.
KEY_ATTRIBUTES = ("id", "slug", "gtin", "lot", "lots", "enterprise_id", "product_id", "batch_id",
                  "recall_id", "result_id")


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
    """Append rows to the feed in the session's transaction (never outside it)."""
    if rows:
        session.connection().execute(insert(Change.__table__), rows)


def bulk_row(table: str) -> dict[str, Any]:
    """The feed row for a statement that changed any number of rows of ``table``."""
    return {"at": utcnow(), "kind": table, "action": "bulk", "keys": {}}


def purge(session: Session, days: int) -> int:
    """Delete feed rows older than ``days`` days; return how many."""
    result = session.execute(delete(Change).where(Change.at < utcnow() - timedelta(days=days)))
    return int(getattr(result, "rowcount", 0) or 0)


class Follower:
    """One worker's place in the feed."""

    def __init__(self, engine: Engine, poll_seconds: float) -> None:
        self.engine, self.poll_seconds = engine, poll_seconds
        self._lock = threading.Lock()
        self._checked = 0.0
        self.seen = self.latest()

    def latest(self) -> int:
        """The newest id in the feed (0 when it is empty or cannot be read)."""
        try:
            with self.engine.connect() as connection:
                return int(connection.scalar(select(func.max(Change.id))) or 0)
        except SQLAlchemyError:
            return getattr(self, "seen", 0)

    def moved(self) -> bool:
        """Tell whether the feed has grown since this worker last looked."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked < self.poll_seconds:
                return False
            self._checked = now
        newest = self.latest()
        with self._lock:
            if newest == self.seen:
                return False
            self.seen = newest
            return True
