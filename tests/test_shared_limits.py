"""Two nodes (two gunicorn processes, one database) share rate limits through a real Redis
(``FORMULATRUST_RATELIMIT_STORAGE_URI=redis://…``); in-process limits are each node's own."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade

from .accounts_factory import make_user
from .liveserver import gunicorn, sibling_database
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
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "nodes-test-secret-" + "x" * 20,
                      "INSTANCE_PATH": str(folder / "setup")})
    with app.app_context():
        upgrade(db.engine())
        email = make_user(db.session(), "association").email
    db.dispose(app)
    return url, email, folder


def node_env(shared, storage: str, name: str) -> dict[str, str]:
    url, _email, folder = shared
    return {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": "nodes-test-secret-" + "x" * 20,
            "FORMULATRUST_INSTANCE_PATH": str(folder / name),
            "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / name / "index"),
            "FORMULATRUST_RATELIMIT_STORAGE_URI": storage,
            "FORMULATRUST_SIGN_IN_RATE_LIMIT": "3/minute",
            # Python's cookie jar, unlike a browser, sends no secure cookie to http://127.0.0.1
            "FORMULATRUST_SESSION_COOKIE_SECURE": "false"}


def wrong_sign_in(base: str, email: str) -> int:
    """Post a wrong password through the real form (CSRF token and session cookie included)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(f"{base}/sign-in?lang=en", timeout=10) as page:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email,
                                   "password": "not the password"}).encode()
    try:
        with opener.open(f"{base}/sign-in?lang=en", data=form, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        body = error.read().decode()
        assert error.code == 429 or "password is wrong" in body, body[:300]  # not a CSRF refusal
        return error.code


def test_a_limit_counted_on_one_node_holds_on_the_other(shared_database, redis_url):
    email = shared_database[1]
    with gunicorn(node_env(shared_database, redis_url, "a"), workers=1) as node_a, \
            gunicorn(node_env(shared_database, redis_url, "b"), workers=1) as node_b:
        assert [wrong_sign_in(node_a, email) for _ in range(3)] == [400, 400, 400]
        assert wrong_sign_in(node_b, email) == 429  # B refuses what A counted


def test_in_process_limits_are_each_nodes_own(shared_database):
    """Why the setting exists: without a shared store a second node starts counting afresh."""
    email = shared_database[1]
    with gunicorn(node_env(shared_database, "memory://", "c"), workers=1) as node_c, \
            gunicorn(node_env(shared_database, "memory://", "d"), workers=1) as node_d:
        assert [wrong_sign_in(node_c, email) for _ in range(4)] == [400, 400, 400, 429]
        assert wrong_sign_in(node_d, email) == 400
