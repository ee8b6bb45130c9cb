"""Tell every worker on this machine that published facts changed, so cached pages are dropped.

Each gunicorn worker keeps its own short-lived cache of batch-level facts and rendered pages
(``FACTS_CACHE_SECONDS``). A commit that changes a record those pages show touches a stamp file
in the instance folder, from any worker or command; before using its cache, a worker compares
the file's modification time with the one it last saw (one ``stat`` per request) and empties the
cache when it moved. A recall is then on every can page at once, not up to a minute later.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from formulatrust.core.cache import TTLCache

EXTENSION_KEY = "formulatrust.freshness"
# Tables whose rows appear on product, batch and can pages (query logs and serials do not).
FACT_TABLES = frozenset({
    "enterprise", "brand", "product", "factory", "batch", "batch_revision", "recall",
    "sampling_result", "failed_item", "result_revision", "rating", "supervision_listing",
    "licence", "certification", "penalty", "inspection", "standard_commitment", "reply",
    "bulletin", "appeal", "recall_revision",
})
PENDING = "formulatrust.facts_changed"
CACHE_KEY = "formulatrust.facts"


class ChangeStamp:
    """A file whose modification time moves whenever published facts change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen = self._read()

    def _read(self) -> tuple[int, int]:
        try:
            status = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (status.st_ino, status.st_mtime_ns)

    def moved(self) -> bool:
        """Tell whether the stamp moved since this process last looked."""
        now = self._read()
        with self._lock:
            if now == self._seen:
                return False
            self._seen = now
            return True

    def touch(self) -> None:
        """Move the stamp (after a commit that changed facts)."""
        # A new file each time: its inode changes even when two commits share a clock tick.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}")
            fresh.write_text(str(time.time_ns()))
            os.replace(fresh, self.path)
        except OSError:
            pass  # a read-only instance folder: caches then expire on their own


def _touches_facts(instances) -> bool:
    return any(getattr(getattr(instance, "__table__", None), "name", None) in FACT_TABLES
               for instance in instances)


def init_app(app: Flask, sessions) -> None:
    """Watch commits from ``sessions`` (the app's session factory) for changed facts."""
    stamp = ChangeStamp(Path(app.instance_path) / "facts-changed.stamp")
    app.extensions[EXTENSION_KEY] = stamp

    @event.listens_for(sessions, "after_flush")
    def note_flush(session: Session, _context) -> None:
        if _touches_facts([*session.new, *session.dirty, *session.deleted]):
            session.info[PENDING] = True

    @event.listens_for(sessions, "do_orm_execute")
    def note_statement(state) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if getattr(table, "name", None) in FACT_TABLES:
                state.session.info[PENDING] = True

    @event.listens_for(sessions, "after_commit")
    def announce(session: Session) -> None:
        if session.info.pop(PENDING, False):
            stamp.touch()

    @event.listens_for(sessions, "after_rollback")
    def discard(session: Session) -> None:
        session.info.pop(PENDING, None)


def facts_changed(app: Flask) -> bool:
    """Tell whether facts changed (anywhere on this machine) since this process last asked."""
    stamp = app.extensions.get(EXTENSION_KEY)
    return bool(stamp and stamp.moved())


def facts_cache() -> TTLCache:
    """Return this application's cache of batch-level facts and rendered pages.

    Entries live ``FACTS_CACHE_SECONDS``; the cache is emptied as soon as any worker or command
    commits a change to published facts.
    """
    app = current_app._get_current_object()
    cache = app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = app.extensions[CACHE_KEY] = TTLCache(app.config["FACTS_CACHE_SECONDS"])
    if facts_changed(app):
        cache.clear()
    return cache
