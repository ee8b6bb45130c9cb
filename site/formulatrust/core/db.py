"""Database engine and per-request sessions (SQLAlchemy 2, SQLite or PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from flask import Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from formulatrust.core import freshness

EXTENSION_KEY = "formulatrust.db"
DISPOSE_KEY = "formulatrust.db.on_dispose"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(url: str) -> Engine:
    """Create an engine with the settings each backend needs."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        private_file(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def private_file(url: str) -> None:
    """Create an SQLite database file readable by its owner only (0600) before first use."""
    path = make_url(url).database
    if not path or path == ":memory:" or not Path(path).parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
    except OSError:
        pass  # a read-only location: SQLite reports it on connect


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # In WAL mode NORMAL is corruption-safe; it only skips the fsync on every commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Bind an engine and a session factory to ``app``; close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION_KEY] = sessionmaker(engine, expire_on_commit=False)
    freshness.init_app(app, app.extensions[EXTENSION_KEY])
    app.teardown_appcontext(_close_session)
    app.after_request(run_after_response)


def on_dispose(app: Flask, callback: Callable[[], None]) -> None:
    """Call ``callback`` when ``app``'s connections are closed (before they are)."""
    app.extensions.setdefault(DISPOSE_KEY, []).append(callback)


def dispose(app: Flask) -> None:
    """Finish what is queued, stop following the change feed and close every pooled
    connection of ``app``'s engine."""
    for callback in app.extensions.pop(DISPOSE_KEY, []):
        callback()
    freshness.stop(app)
    app.extensions[EXTENSION_KEY].kw["bind"].dispose()


def engine() -> Engine:
    """Return the current application's engine."""
    return current_app.extensions[EXTENSION_KEY].kw["bind"]


def session() -> Session:
    """Return the session for this request or CLI command, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION_KEY]()
    return g.db_session


def reader() -> Session | Engine:
    """Return what a plain read should go through: this request's session if something opened
    it (the read then sees what it wrote), else the engine (no session is made for it)."""
    return cast(Session | None, g.get("db_session")) or engine()


def changed_rows(result: Result) -> int:
    """Return how many rows the UPDATE or DELETE that gave ``result`` changed."""
    return cast(CursorResult, result).rowcount  # what executing a DML statement returns


@contextmanager
def committing(db: Session) -> Iterator[Session]:
    """Run a service's block in one transaction on ``db``: commit at its end, roll back on any
    error, so a write is saved with its audit entry and change record or not at all."""
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise


@contextmanager
def transaction() -> Iterator[Session]:
    """Run a block in one transaction on the current session, rolling back on error."""
    with committing(session()) as db:
        yield db


def read_again_if_dropped(view: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """Call ``view``; if the database connection of a safe request dropped under it, call it
    once more on a fresh connection. A write is never repeated: it may already have happened.
    Only building the response is repeated: not the ``before_request`` hooks, nor a stream."""
    if request.method not in SAFE_METHODS:
        return view()
    try:
        return view()
    except DBAPIError as error:
        if not error.connection_invalidated:  # SQLAlchemy's mark of a disconnect
            raise
    current_app.logger.warning("database connection dropped during %s %s; reading once more",
                               request.method, request.path)
    _forget_failed_attempt()
    return view()


def _forget_failed_attempt() -> None:
    # Callbacks the failed attempt queued would run twice (a can's query counted twice).
    g.pop("after_response", None)
    # SQLAlchemy has already discarded the dropped connection (and every pooled one as old), so
    # after the rollback the session's next statement checks out a fresh one.
    if "db_session" in g:
        g.db_session.rollback()


def _close_session(_exc: BaseException | None) -> None:
    db = g.pop("db_session", None)
    if db is None or not (db.in_transaction() or db.identity_map or db.new or db.deleted):
        return  # nothing read or held (the request's facts came from memory): nothing to close
    try:
        db.close()
    except SQLAlchemyError:  # a dropped connection must never replace a finished response
        current_app.logger.warning("closing a database session failed", exc_info=True)


def after_response(callback: Callable[[], object]) -> Callable[[], object]:
    """Run ``callback`` once the response has been sent, so slow bookkeeping never delays it."""
    g.setdefault("after_response", []).append(callback)
    return callback


def run_after_response(response: Response) -> Response:
    """Attach the queued callbacks to ``response`` (registered as an ``after_request`` hook)."""
    for callback in g.pop("after_response", []):
        response.call_on_close(callback)
    return response
