"""Two nodes (two gunicorn processes, one database) share rate limits through a real Redis
(``FORMULATRUST_RATELIMIT_STORAGE_URI=redis://…``); in-process limits are each node's own."""

from __future__ import annotations

import pytest

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade

from .accounts_factory import make_user
from .liveserver import gunicorn, sibling_database
from .nodes import SECRET, Browser, node_env
from .redis_server import redis_server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def shared_database(database_url, tmp_path_factory):
    """A migrated database of its own holding one account; its URL and that account's email."""
    folder = tmp_path_factory.mktemp("nodes")
    url = sibling_database(database_url, "nodes", folder)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(folder / "setup")})
    with app.app_context():
        upgrade(db.engine())
        email = make_user(db.session(), "association").email
    db.dispose(app)
    return url, email, folder


def env(shared, storage: str, name: str) -> dict[str, str]:
    url, _email, folder = shared
    return node_env(url, folder, name, storage, SIGN_IN_RATE_LIMIT="3/minute")


def wrong_sign_in(base: str, email: str) -> int:
    """Post a wrong password through the real form (CSRF token and session cookie included)."""
    status, body = Browser().sign_in(base, email, "not the password")
    assert status == 429 or "password is wrong" in body, body[:300]  # not a CSRF refusal
    return status


def test_a_limit_counted_on_one_node_holds_on_the_other(shared_database, redis_url):
    email = shared_database[1]
    with gunicorn(env(shared_database, redis_url, "a"), workers=1) as node_a, \
            gunicorn(env(shared_database, redis_url, "b"), workers=1) as node_b:
        assert [wrong_sign_in(node_a, email) for _ in range(3)] == [400, 400, 400]
        assert wrong_sign_in(node_b, email) == 429  # B refuses what A counted


def test_in_process_limits_are_each_nodes_own(shared_database):
    """Why the setting exists: without a shared store a second node starts counting afresh."""
    email = shared_database[1]
    with gunicorn(env(shared_database, "memory://", "c"), workers=1) as node_c, \
            gunicorn(env(shared_database, "memory://", "d"), workers=1) as node_d:
        assert [wrong_sign_in(node_c, email) for _ in range(4)] == [400, 400, 400, 429]
        assert wrong_sign_in(node_d, email) == 400
