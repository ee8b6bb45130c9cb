"""The scan record under real gunicorn: no scan lost when it stops on SIGTERM, and a scan taken
by one worker reaches another worker's page within the flush interval (README: Genuine codes).
"""

from __future__ import annotations

import re
import urllib.request

import pytest
from sqlalchemy import func, select

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.config import DEFAULTS
from formulatrust.core.migrate import upgrade
from formulatrust.domain import genuine
from formulatrust.scan.models import CanQuery, CanQueryDevice

from . import factories
from .liveserver import gunicorn, sibling_database
from .nodes import SECRET, node_env
from .waiting import eventually

CANS = "/01/09521234500018/10/20260301A1/21/"
SCANS = {"REG0001": 12, "REG0002": 5, "REG0003": 1}  # the same can many times, and others
CATCH_UP_BOUND = 10.0  # seconds the cross-worker test waits at most: 20 flush intervals


@pytest.fixture
def shared_database(database_url, tmp_path):
    """A fresh database with the traced world, and the folder the servers keep their files in."""
    url = sibling_database(database_url, "scan_queue", tmp_path)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(tmp_path / "setup")})
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        factories.trace_world(session, factories.small_world(session))
        session.commit()
    yield url, app
    db.dispose(app)


def scan(base: str, serial: str, cookie: str) -> str:
    """Open a can page as the phone holding device cookie ``cookie``; return the page."""
    request = urllib.request.Request(f"{base}{CANS}{serial}?lang=en",
                                     headers={"Cookie": f"ft_device={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as page:
        assert page.status == 200
        return page.read().decode()


def times_queried(page: str) -> int:
    return int(re.search(r"Queried (\d+) times?", page).group(1))


def stored(app) -> tuple[dict[str, int], int]:
    """Return each can's stored count and the number of stored device rows."""
    with app.app_context():
        session = db.session()
        counts = dict(session.execute(select(CanQuery.serial, CanQuery.count)).all())
        devices = session.scalar(select(func.count()).select_from(CanQueryDevice))
        session.close()
    return counts, devices


def test_every_scan_is_recorded_when_gunicorn_stops_on_sigterm(shared_database, tmp_path):
    url, app = shared_database
    # Nothing is written before the workers stop: only the exit can write these scans.
    env = node_env(url, tmp_path, "node", SCAN_FLUSH_SECONDS="3600", SCAN_FLUSH_ROWS="100000")
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, workers=2, log=log) as base:  # leaving the block sends SIGTERM
        for serial, times in SCANS.items():
            for _ in range(times):
                scan(base, serial, genuine.new_device_cookie())
        assert stored(app) == ({}, 0)
    assert "Handling signal: term" in log.read_text()
    assert stored(app) == (SCANS, sum(SCANS.values()))


def test_a_scan_on_one_worker_shows_on_anothers_page_within_the_flush_interval(
        shared_database, tmp_path):
    url, app = shared_database
    interval = DEFAULTS["SCAN_FLUSH_SECONDS"]
    assert CATCH_UP_BOUND >= 20 * interval
    with gunicorn(node_env(url, tmp_path, "a"), workers=1) as node_a, \
            gunicorn(node_env(url, tmp_path, "b"), workers=1) as node_b:
        assert times_queried(scan(node_a, "REG0001", genuine.new_device_cookie())) == 1
        phone_b = genuine.new_device_cookie()
        seen: list[int] = []

        def node_b_shows_both() -> bool:
            # The same phone again within five minutes is a reload: it reads, counting nothing.
            seen.append(times_queried(scan(node_b, "REG0001", phone_b)))
            return seen[-1] == 2

        assert eventually(node_b_shows_both, within=CATCH_UP_BOUND, every=interval / 5), seen
    assert set(seen) <= {1, 2}
    assert stored(app)[0] == {"REG0001": 2}
