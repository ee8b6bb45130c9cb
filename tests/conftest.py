"""Fixtures: ``app``, ``client``, ``runner`` on a migrated database (SQLite or DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.db import make_engine
from formulatrust.core.migrate import upgrade
from formulatrust.core.models import Base

from . import factories

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def database_backend() -> str:
    """Return ``postgresql`` when DATABASE_URL points there, else ``sqlite``."""
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"


def pytest_sessionstart(session) -> None:
    """Stop at once when the run was asked for one database and would use another."""
    expected = os.environ.get("FORMULATRUST_TEST_DATABASE")
    if expected and expected != database_backend():
        pytest.exit(f"this run must use {expected}, but DATABASE_URL points to "
                    f"{database_backend()}; refusing to run on the wrong database", returncode=1)


def pytest_report_header(config) -> list[str]:
    browser = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "not found"
    return [f"formulatrust database: {database_backend()}", f"formulatrust browser: {browser}"]


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test under ``tests/browser`` as ``browser`` (``-m "not browser"`` leaves them)."""
    browser = Path(__file__).parent / "browser"
    for item in items:
        if Path(item.fspath).is_relative_to(browser):
            item.add_marker(pytest.mark.browser)


def reset_database(engine: Engine) -> None:
    """Drop everything and migrate from scratch."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)


def empty_tables(engine: Engine) -> None:
    """Delete every row, children first, keeping the schema."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    expected = os.environ.get("FORMULATRUST_TEST_DATABASE")
    if expected and engine.dialect.name != expected:
        pytest.exit(f"this run must use {expected}, not {engine.dialect.name}", returncode=1)
    reset_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app_overrides(database_url, tmp_path: Path) -> dict:
    """Settings for a test app; tests may change them before asking for ``app``."""
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "RATELIMIT_ENABLED": False,
        "FACTS_CACHE_SECONDS": 0,  # tests change data between requests; caching is tested apart
        "SCAN_FLUSH_SECONDS": 0,  # each scan written at once; the queue is tested apart
        # The test client's own host and scheme, whatever the environment says.
        "SITE_HOST": "localhost",
        "PREFERRED_URL_SCHEME": "https",
    }


@pytest.fixture
def make_app(engine):
    """Build apps with ``create_app``; empty the tables and close their connections afterwards."""
    made = []

    def make(overrides: dict):
        made.append(create_app(dict(overrides)))
        return made[-1]

    yield make
    for each in made:
        db.dispose(each)  # writes what a worker still holds (its queued scans) first
    empty_tables(engine)


@pytest.fixture
def app(make_app, app_overrides):
    return make_app(app_overrides)


@pytest.fixture
def client(app):
    client = app.test_client()
    # Requests are https (PREFERRED_URL_SCHEME), where CSRF protection also checks the referrer.
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A database session of its own; no application context stays pushed during requests."""
    session = app.extensions[db.EXTENSION_KEY]()
    yield session
    session.close()


@pytest.fixture
def world(session):
    """A small world: two enterprises, two brands, three products."""
    return factories.small_world(session)


@pytest.fixture
def trace(session, world):
    """The small world plus batches: ordinary (100 issued codes), recalled, failed."""
    return factories.trace_world(session, world)
