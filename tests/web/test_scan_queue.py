"""Scans waiting in a worker's queue already count on that worker's pages (written later)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from formulatrust.core import db
from formulatrust.core.db import make_engine
from formulatrust.domain import genuine
from formulatrust.scan import scan_records
from formulatrust.scan.models import CanQuery, CanQueryDevice

CAN = "/01/09521234500018/10/20260301A1/21/REG0001"
KEY = ("09521234500018", "20260301A1", "REG0001")


@pytest.fixture
def app(make_app, app_overrides):
    # Nothing is written before the worker stops, unless a test flushes the queue.
    return make_app({**app_overrides, "SCAN_FLUSH_SECONDS": 3600, "SCAN_FLUSH_ROWS": 100_000})


def scan(app, cookie: str | None = None, address: str = "198.51.100.7",
         path: str = CAN + "?lang=en") -> str:
    """Open the can page as a phone with ``cookie`` (or none) from ``address``; return it."""
    client = app.test_client()
    if cookie:
        client.set_cookie("ft_device", cookie)
    with client.get(path, environ_base={"REMOTE_ADDR": address}) as page:
        assert page.status_code == 200
        return page.get_data(as_text=True)


def times_queried(page: str) -> int:
    """Read "Queried N times" from the genuine-code box."""
    text = BeautifulSoup(page, "html.parser").select_one(".query-count").get_text()
    return int(re.search(r"Queried (\d+) times?", text).group(1))


def stored_count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(CanQuery.count).where(
            CanQuery.gtin == KEY[0], CanQuery.lot == KEY[1], CanQuery.serial == KEY[2])) or 0


def test_two_phones_in_a_row_see_one_then_two_before_anything_is_written(app, trace):
    assert times_queried(scan(app, genuine.new_device_cookie())) == 1
    assert times_queried(scan(app, genuine.new_device_cookie())) == 2
    assert stored_count(app) == 0  # both still wait in the worker's queue


def test_a_reload_of_a_queued_scan_is_still_a_reload(app, trace):
    cookie = genuine.new_device_cookie()
    assert times_queried(scan(app, cookie)) == 1
    assert times_queried(scan(app, cookie)) == 1  # the same phone within five minutes
    assert times_queried(scan(app, genuine.new_device_cookie())) == 2


def test_queued_scans_already_count_on_top_of_written_ones(app, trace):
    for _ in range(3):
        scan(app, genuine.new_device_cookie())
    with app.app_context():
        assert scan_records.queue().flush() == 3
    assert stored_count(app) == 3
    assert times_queried(scan(app, genuine.new_device_cookie())) == 4


@pytest.mark.parametrize("cookies", [True, False], ids=["with cookies", "cookieless"])
def test_a_burst_of_queued_devices_is_unusual_at_once(app, trace, cookies):
    pages = [scan(app, genuine.new_device_cookie() if cookies else None,
                  address=f"198.51.100.{number}") for number in range(genuine.HOUSEHOLD + 1)]
    assert all("query history is unusual" not in page for page in pages[:-1])
    assert "query history is unusual" in pages[-1]
    assert stored_count(app) == 0
    answer = app.test_client().get(CAN + "?format=json").get_json()
    assert "code_copied" in [reason["kind"] for reason in answer["verdict"]["reasons"]]


def test_closing_the_worker_writes_every_queued_scan_once(app, trace, session):
    cookies = [genuine.new_device_cookie() for _ in range(5)]
    for cookie in cookies:
        scan(app, cookie)
    scan(app, cookies[0])  # a reload: not counted
    scan(app, path="/01/09521234500018/10/20260301A1/21/OTHER01?lang=en")
    db.dispose(app)
    assert session.get(CanQuery, KEY).count == 5
    assert session.get(CanQuery, (*KEY[:2], "OTHER01")).count == 1
    assert session.scalar(select(func.count()).select_from(CanQueryDevice)) == 6


def test_the_first_burst_written_stays_whichever_worker_writes_later(app, trace, session):
    first, later = datetime(2026, 9, 1, 2, 0, tzinfo=UTC), datetime(2026, 9, 3, 2, 0, tzinfo=UTC)
    with app.app_context():
        scan_records.write_scans(db.engine(), [scan_records.Scan(KEY, "c" + "1" * 31, first,
                                                                 first, 9)])
        scan_records.write_scans(db.engine(), [
            scan_records.Scan(KEY, "c" + "2" * 31, later, later, 12),
            scan_records.Scan(KEY, "c" + "3" * 31, later, later, 13)])
    row = session.get(CanQuery, KEY)
    assert (row.count, row.burst_devices) == (3, 9)
    assert row.burst_at.replace(tzinfo=UTC) == first


def test_scans_stay_queued_while_the_database_refuses_them(app, trace, session, tmp_path):
    with app.app_context():
        scans = scan_records.ScanQueue(db.engine(), 3600, 100_000)
    scans.add(scan_records.Scan(KEY, "c" + "1" * 31, datetime.now(UTC)))
    working, scans.engine = scans.engine, make_engine(f"sqlite:///{tmp_path / 'gone' / 'x'}")
    assert scans.flush() == 0
    assert len(scans.unwritten(KEY)[1]) == 1
    scans.engine = working
    scans.close()
    assert session.get(CanQuery, KEY).count == 1
