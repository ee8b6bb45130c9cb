"""The few reads every can page makes, run on the database driver's own cursor.

Through SQLAlchemy a one-row read pays for a session, a pooled connection's checkout (on
PostgreSQL a liveness round trip) and return, an execution context and a result object: several
times what the database spends running it. Each thread reads on a connection of its own, and a
``PlainQuery`` is written once per dialect (placeholders, list parameters), converts its
parameters and columns with SQLAlchemy's own type processors (so SQLite's stored times read and
compare as the ORM writes them), and reports a dropped connection as SQLAlchemy would, so a
safe request is still read again on a fresh connection (``db.read_again_if_dropped``).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine


class ReadingConnections:
    """One connection per thread for plain reads, kept out of the pool and in autocommit.

    A pooled connection costs a liveness check when taken (a round trip on PostgreSQL) and a
    rollback when given back; a thread's own connection costs neither. In autocommit each read
    sees what was committed last and leaves no transaction open on the server; a connection
    that dropped is noticed by the read itself (and the request read again). They are closed
    with the engine's pool.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: dict[int, tuple[int, Any]] = {}  # id -> (process, detached connection)

    def mine(self) -> Any:
        """Return this thread's driver connection, connecting on first use (and in a new
        process, which never uses its parent's)."""
        found = getattr(self._local, "connection", None)
        if found is not None and found[0] == os.getpid():
            return found[1]
        pooled = self.engine.raw_connection()
        driver: Any = pooled.driver_connection
        pooled.detach()  # no longer pooled: closing it closes the connection
        driver.rollback()  # whatever the pool's liveness check began
        if self.engine.dialect.name == "sqlite":
            driver.isolation_level = None
        else:
            driver.autocommit = True
        self._local.connection = (os.getpid(), driver, pooled)
        with self._lock:
            self._open[id(pooled)] = (os.getpid(), pooled)
        return driver

    def forget_mine(self) -> None:
        """Close this thread's connection (it dropped); the next read opens another."""
        found = getattr(self._local, "connection", None)
        self._local.connection = None
        if found is not None:
            with self._lock:
                self._open.pop(id(found[2]), None)
            _close_quietly(found[2])

    def close_all(self) -> None:
        """Close every thread's connection this process opened (the engine is disposed)."""
        with self._lock:
            opened, self._open = list(self._open.values()), {}
        for process, pooled in opened:
            if process == os.getpid():  # a parent's connection is the parent's to close
                _close_quietly(pooled)

    def __len__(self) -> int:
        """Return how many reading connections are open."""
        return len(self._open)


def _close_quietly(pooled: Any) -> None:
    try:
        pooled.close()
    except Exception:  # noqa: BLE001  # it dropped already: there is nothing left to close
        pass


_reading: dict[int, ReadingConnections] = {}
_reading_lock = threading.Lock()


def reading_connections(engine: Engine) -> ReadingConnections:
    """Return ``engine``'s reading connections, closed whenever the engine is disposed."""
    found = _reading.get(id(engine))
    if found is not None and found.engine is engine:
        return found
    with _reading_lock:
        found = _reading.get(id(engine))
        if found is None or found.engine is not engine:
            found = _reading[id(engine)] = ReadingConnections(engine)
            event.listen(engine, "engine_disposed", _disposed)
    return found


def _disposed(engine: Engine) -> None:
    with _reading_lock:
        found = _reading.pop(id(engine), None)
    if found is not None:
        found.close_all()


PLACEHOLDER = re.compile(r"(?<![:\w]):(\w+)")
Processor = Callable[[Any], Any] | None


class PlainQuery:
    """One SELECT returning exactly one row, with ``:name`` placeholders.

    ``columns`` names the selected columns in order with their types; ``parameters`` gives the
    type of each parameter that needs converting (times and dates); a parameter named in
    ``lists`` takes a sequence (never empty) and is written ``IN :name``.
    """

    def __init__(self, sql: str, columns: Mapping[str, TypeEngine],
                 parameters: Mapping[str, TypeEngine] | None = None,
                 lists: Sequence[str] = ()) -> None:
        self.sql, self.columns, self.lists = sql, dict(columns), tuple(lists)
        self.parameters = dict(parameters or {})
        self._written: dict[tuple[str, tuple[int, ...]], str] = {}
        self._converters: dict[str, tuple[list[Processor], dict[str, Processor]]] = {}

    def one(self, source: Session | Engine, values: Mapping[str, Any]) -> dict[str, Any]:
        """Run the query with ``values``; return its one row by column name.

        It runs in the session's transaction when ``source`` is a session with one open (so it
        sees what the session wrote), otherwise on this thread's reading connection to the
        session's engine, or to ``source`` itself when it is an engine.
        """
        if isinstance(source, Session):
            if source.in_transaction():
                connection = source.connection()
                return self._run(connection.dialect, connection.connection.driver_connection,
                                 values, invalidate=connection.invalidate)
            bind = source.get_bind()
            assert isinstance(bind, Engine)  # the site binds its sessions to one engine
            source = bind
        readers = reading_connections(source)
        return self._run(source.dialect, readers.mine(), values,
                         invalidate=lambda _error: readers.forget_mine())

    def _run(self, dialect: Dialect, driver: Any, values: Mapping[str, Any],
             invalidate: Callable[[BaseException], None]) -> dict[str, Any]:
        sql, parameters = self._statement(dialect, values)
        cursor = None
        try:
            cursor = driver.cursor()
            cursor.execute(sql, parameters)
            row = cursor.fetchone()
        except dialect.loaded_dbapi.Error as error:
            dropped = dialect.is_disconnect(error, driver, cursor)
            if dropped:
                invalidate(error)
            raise DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error,
                                      connection_invalidated=dropped,
                                      dialect=dialect) from error
        finally:
            if cursor is not None:
                cursor.close()
        if row is None:
            raise LookupError("the query returned no row")
        readers = self._processors(dialect)[0]
        return {name: (read(value) if read else value)
                for name, value, read in zip(self.columns, row, readers, strict=True)}

    def _statement(self, dialect: Dialect,
                   values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Return the SQL for ``dialect`` (written once for each length of its lists) and
        ``values`` converted for the driver, each list item a parameter of its own."""
        lengths = tuple(len(values[name]) for name in self.lists)
        if not all(lengths):
            raise ValueError("a list parameter is empty: IN () is not SQL")
        key = (dialect.name, lengths)
        sql = self._written.get(key)
        if sql is None:
            sql = self._written[key] = self._write(dialect, dict(zip(self.lists, lengths,
                                                                      strict=True)))
        writers = self._processors(dialect)[1]
        parameters: dict[str, Any] = {}
        for name, value in values.items():
            write = writers.get(name)
            if name in self.lists:
                parameters.update({f"{name}_{index}": (write(item) if write else item)
                                   for index, item in enumerate(value)})
            else:
                parameters[name] = write(value) if write else value
        return sql, parameters

    def _write(self, dialect: Dialect, lengths: dict[str, int]) -> str:
        """Write the SQL with the driver's placeholders and each list spelled out."""
        def placeholder(name: str) -> str:
            return f"%({name})s" if dialect.paramstyle == "pyformat" else f":{name}"

        def spelled(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in lengths:
                return "(" + ", ".join(placeholder(f"{name}_{index}")
                                       for index in range(lengths[name])) + ")"
            return placeholder(name)

        sql = self.sql.replace("%", "%%") if dialect.paramstyle == "pyformat" else self.sql
        if dialect.paramstyle not in ("pyformat", "named", "qmark"):
            raise NotImplementedError(f"placeholders of style {dialect.paramstyle}")
        return PLACEHOLDER.sub(spelled, sql)

    def _processors(self, dialect: Dialect) -> tuple[list[Processor], dict[str, Processor]]:
        """Return SQLAlchemy's converters for ``dialect``: of each column, of each parameter.
        (Two threads may both work them out at first; either result is the same.)"""
        found = self._converters.get(dialect.name)
        if found is None:
            found = self._converters[dialect.name] = (
                [type_.dialect_impl(dialect).result_processor(dialect, None)
                 for type_ in self.columns.values()],
                {name: type_.dialect_impl(dialect).bind_processor(dialect)
                 for name, type_ in self.parameters.items()})
        return found
