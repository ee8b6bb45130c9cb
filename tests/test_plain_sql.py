"""The can page's reads on the driver's own cursor: the same values SQLAlchemy would read, list
parameters, and a dropped connection reported as SQLAlchemy reports one (so the page is read
again on a fresh connection)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Date, DateTime, Integer, String, text
from sqlalchemy.exc import DBAPIError

from formulatrust.core import db
from formulatrust.core.clock import aware
from formulatrust.core.plain_sql import PlainQuery, reading_connections
from formulatrust.scan.models import CanQuery, CanQueryDevice

MOMENT = DateTime(timezone=True)
FIRST = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)

DEVICES_SINCE = PlainQuery("""
    SELECT q.first_at AS first_at, q."count" AS "count",
           (SELECT count(*) FROM can_query_device d
            WHERE d.serial = q.serial AND d.device NOT IN :others
              AND d.device LIKE 'c%' AND d.last_at >= :since AND d.seen_on <= :day) AS devices,
           (SELECT min(d.device) FROM can_query_device d WHERE d.serial = q.serial) AS first
    FROM can_query q WHERE q.serial = :serial
""", columns={"first_at": MOMENT, "count": Integer(), "devices": Integer(), "first": String()},
    parameters={"since": MOMENT, "day": Date()}, lists=["others"])


@pytest.fixture
def history(session):
    """One can scanned by three cookie devices (an hour apart) and one cookieless device."""
    session.add(CanQuery(gtin="09521234500018", lot="L1", serial="S1", first_at=FIRST,
                         last_at=FIRST + timedelta(hours=3), count=4))
    for index, device in enumerate(("c-one", "c-two", "c-three", "d-today")):
        at = FIRST + timedelta(hours=index)
        session.add(CanQueryDevice(gtin="09521234500018", lot="L1", serial="S1", device=device,
                                   last_at=at, seen_on=at.date()))
    session.commit()
    return session


def read(session, others, since=FIRST, day=date(2026, 3, 1)):
    return DEVICES_SINCE.one(session, {"serial": "S1", "others": others, "since": since,
                                       "day": day})


def test_times_and_dates_compare_and_read_back_as_the_orm_wrote_them(history):
    row = read(history, ["nobody"])
    assert aware(row["first_at"]) == FIRST and row["count"] == 4
    assert row["devices"] == 3  # the cookieless one is not a 'c…' device
    assert read(history, ["nobody"], since=FIRST + timedelta(minutes=1))["devices"] == 2
    assert read(history, ["nobody"], day=date(2026, 2, 28))["devices"] == 0
    assert row["first"] == "c-one"


def test_a_list_parameter_takes_one_or_several_values(history):
    assert read(history, ["c-one"])["devices"] == 2
    assert read(history, ["c-one", "c-two", "d-today"])["devices"] == 1
    assert read(history, ["c-one"])["devices"] == 2  # the shorter statement again
    with pytest.raises(ValueError):
        read(history, [])


def test_inside_a_transaction_it_sees_what_the_session_has_not_committed(history):
    history.execute(text("UPDATE can_query SET \"count\" = 9 WHERE serial = 'S1'"))
    assert read(history, ["nobody"])["count"] == 9
    history.rollback()
    assert read(history, ["nobody"])["count"] == 4


def test_given_the_engine_it_reads_what_is_committed(history, engine):
    history.execute(text("UPDATE can_query SET \"count\" = 9 WHERE serial = 'S1'"))
    row = DEVICES_SINCE.one(engine, {"serial": "S1", "others": ["nobody"], "since": FIRST,
                                     "day": date(2026, 3, 1)})
    assert row["count"] == 4 and row["devices"] == 3  # not the session's uncommitted 9
    history.commit()
    assert DEVICES_SINCE.one(engine, {"serial": "S1", "others": ["nobody"], "since": FIRST,
                                      "day": date(2026, 3, 1)})["count"] == 9


def test_a_connection_dropped_under_it_is_reported_as_a_disconnect_then_read_again(
        history, engine):
    # The pool checks a connection when it is taken (and PostgreSQL's is pinged), so the drop
    # that matters comes once the connection is in use: here, the session's open transaction.
    cut(history.connection().connection.driver_connection, engine)
    with pytest.raises(DBAPIError) as raised:
        read(history, ["nobody"])
    assert raised.value.connection_invalidated
    history.rollback()  # what a request read again does first (db.read_again_if_dropped)
    assert read(history, ["nobody"])["count"] == 4


def cut(driver, engine) -> None:
    """Drop ``driver``'s connection for real: PostgreSQL ends its server process; SQLite, which
    has no server, has the connection closed under its user."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                          {"pid": driver.info.backend_pid})
    else:
        driver.close()


def test_outside_a_transaction_each_thread_reads_on_one_connection_of_its_own(history, app):
    readers = reading_connections(history.get_bind())
    seen = []

    def read_twice() -> None:
        session = app.extensions[db.EXTENSION_KEY]()  # the thread's own, as a request's
        try:
            seen.append((readers.mine(), read(session, ["nobody"])["count"], readers.mine()))
        finally:
            session.close()

    threads = [threading.Thread(target=read_twice) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [count for _, count, _ in seen] == [4, 4, 4]
    assert all(first is again for first, _, again in seen)  # kept for the thread
    assert len({id(first) for first, _, _ in seen}) == 3 and len(readers) >= 3
    db.dispose(app)  # closing the app's connections closes these too
    assert len(readers) == 0


def test_a_reading_connection_that_dropped_is_reported_then_replaced(history, engine):
    assert read(history, ["nobody"])["count"] == 4
    readers = reading_connections(history.get_bind())
    cut(readers.mine(), engine)
    with pytest.raises(DBAPIError) as raised:
        read(history, ["nobody"])
    assert raised.value.connection_invalidated
    assert read(history, ["nobody"])["count"] == 4  # on a new connection
