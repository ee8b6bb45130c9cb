"""Keep every worker's cached facts and pages true to the database, through the change feed.

Each gunicorn worker keeps its own short-lived cache of batch-level facts and rendered pages
(``FACTS_CACHE_SECONDS``). Every commit that changes a record those pages show has appended rows
to the ``change`` table in the same transaction (:mod:`formulatrust.core.change_feed`); a worker
empties its cache when it learns that the feed moved (its own commits at once, others' through
PostgreSQL notifications or polling). The feed is in the database, so this holds across
processes and nodes alike.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from formulatrust.core import change_feed, db
from formulatrust.core.cache import TTLCache

EXTENSION_KEY = "formulatrust.freshness"
CACHE_KEY = "formulatrust.facts"
GENERATION_KEY = "formulatrust.facts_generation"  # in the request's environ
FACT_TABLES = change_feed.FACT_TABLES


def init_app(app: Flask, sessions: sessionmaker[Session]) -> None:
    """Write the feed from ``sessions`` (the app's session factory) and follow it."""
    engine = sessions.kw["bind"]
    follower = app.extensions[EXTENSION_KEY] = change_feed.Follower(
        engine, float(app.config["CHANGE_POLL_SECONDS"]), bool(app.config["CHANGE_LISTEN"]))

    @event.listens_for(sessions, "after_commit")
    def wake_after_commit(session: Session) -> None:
        if session.info.pop(change_feed.APPENDED, False):
            follower.wake()

    @event.listens_for(sessions, "after_rollback")
    def forget_after_rollback(session: Session) -> None:
        session.info.pop(change_feed.APPENDED, None)

    @event.listens_for(sessions, "after_flush")
    def record_flush(session: Session, _context: object) -> None:
        change_feed.append(session, change_feed.rows_for_flush(session))

    @event.listens_for(sessions, "do_orm_execute")
    def record_statement(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(getattr(state.statement, "table", None), "name", None)
            if table in FACT_TABLES:
                change_feed.append(state.session, [change_feed.bulk_row(table)])


def stop(app: Flask) -> None:
    """Stop following the feed (the app's connections are being closed)."""
    follower = app.extensions.get(EXTENSION_KEY)
    if follower is not None:
        follower.stop()


def facts_changed(app: Flask) -> bool:
    """Tell whether the change feed moved since this worker last asked."""
    follower = app.extensions.get(EXTENSION_KEY)
    return bool(follower and follower.moved())


def facts_cache() -> TTLCache:
    """Return this application's cache of batch-level facts and rendered pages.

    Entries live ``FACTS_CACHE_SECONDS``; the cache is emptied as soon as the change feed shows
    a change committed by any worker, command or node.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a proxy
    cache = app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = app.extensions[CACHE_KEY] = TTLCache(app.config["FACTS_CACHE_SECONDS"],
                                                     started=request_generation)
    if not has_request_context():
        if facts_changed(app):
            cache.clear()
        return cache
    environ = request.environ
    if GENERATION_KEY in environ and request.method in db.SAFE_METHODS:
        return cache  # a read looks at the feed once, first; a write also after it wrote
    if facts_changed(app):
        cache.clear()
    # A change noticed later empties the cache; what this request renders afterwards may rest
    # on facts it read before, so none of it is kept.
    environ.setdefault(GENERATION_KEY, cache.generation)
    return cache



def request_generation() -> int | None:
    """Return the cache generation the current request began with, if it has begun one."""
    return request.environ.get(GENERATION_KEY) if has_request_context() else None
