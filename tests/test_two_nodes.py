"""Two nodes, one truth: two gunicorn nodes (their own instance and index folders, one database,
one Redis) agree within seconds on what a parent and a journalist see, and on who is signed in.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade
from formulatrust.pages.search_documents import all_documents
from formulatrust.search import rebuild

from . import factories
from .accounts_factory import PASSWORD, make_user
from .liveserver import gunicorn, sibling_database
from .nodes import SECRET, Browser, node_env
from .redis_server import redis_server
from .waiting import eventually

CAN = "/01/09521234500018/10/20260301A1/21/REG0001?lang=en"
FAILED_BATCH = "/01/09521234500032/10/20260503C3?lang=en"
PROPAGATION_GOAL = 5.0  # seconds: the bound for a recall to reach the other node


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def deployment(database_url, tmp_path_factory, redis_url):
    """A shared database with the small traced world and a regulator; each node's index built.
    Returns a function giving node ``name``'s environment, and the products' ids."""
    folder = tmp_path_factory.mktemp("two-nodes")
    url = sibling_database(database_url, "two_nodes", folder)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(folder / "setup")})
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        world = factories.small_world(session)
        factories.trace_world(session, world)
        make_user(session, "regulator", email="regulator@example.com")
        for name in "ab":
            rebuild(folder / name / "index", all_documents(session))
        products = [product.id for product in world["products"]]
    db.dispose(app)

    def env(name: str) -> dict[str, str]:
        # Waiting for the search polls it often: its per-client limit is not what is tested.
        return node_env(url, folder, name, redis_url, SEARCH_RATE_LIMIT="1000/minute")

    return env, products


def publish_recall(base: str, product_id: int, lot: str, reason_en: str) -> None:
    """A regulator publishes a recall through node ``base``'s form."""
    regulator = Browser()
    status, _page = regulator.sign_in(base, "regulator@example.com", PASSWORD)
    assert status == 200, "the regulator could not sign in"
    status, page = regulator.publish_recall(base, product_id, lot, reason_en)
    assert status == 200 and reason_en in page, page[:500]


def shows(base: str, path: str, text: str, times: int = 1) -> bool:
    """Tell whether ``times`` requests in a row (any of the node's workers) all show ``text``."""
    return all(text in Browser().get(base + path)[1] for _ in range(times))


def test_a_recall_published_on_a_is_on_bs_can_page_and_in_its_search_within_seconds(
        deployment):
    env, products = deployment
    with gunicorn(env("a"), workers=1) as node_a, gunicorn(env("b"), workers=2) as node_b:
        search = "/search?q=Marmosetfault&lang=en"
        for _ in range(4):  # both of B's workers have the page cached, and its index open
            assert not shows(node_b, CAN, "Marmosetfault")
            assert not shows(node_b, search, 'href="/recalls/')
        publish_recall(node_a, products[0], "20260301A1", "Marmosetfault in the powder.")
        published = time.monotonic()
        # Eight requests in a row, spread over B's workers, all show it: every worker knows.
        assert eventually(lambda: shows(node_b, CAN, "Marmosetfault in the powder.", times=8),
                          within=PROPAGATION_GOAL)
        assert eventually(lambda: shows(node_b, search, 'href="/recalls/', times=8),
                          within=PROPAGATION_GOAL)
        assert time.monotonic() - published <= PROPAGATION_GOAL


def test_signing_out_on_a_ends_the_session_on_b(deployment):
    env, _products = deployment
    with gunicorn(env("a"), workers=1) as node_a, gunicorn(env("b"), workers=1) as node_b:
        person = Browser()
        assert person.sign_in(node_a, "regulator@example.com", PASSWORD)[0] == 200
        stolen = person.copy()
        assert "regulator@example.com" in stolen.get(f"{node_b}/account?lang=en")[1]
        status, _page = person.submit(f"{node_a}/account?lang=en", {},
                                      action=f"{node_a}/sign-out")
        assert status == 200
        status, page = stolen.get(f"{node_b}/account?lang=en")
        assert "regulator@example.com" not in page and 'name="password"' in page


def test_a_node_that_was_down_catches_up_when_it_starts(deployment):
    env, products = deployment
    search = "/search?q=Tapirmould&lang=en"
    with gunicorn(env("a"), workers=1) as node_a:
        with gunicorn(env("b"), workers=1) as node_b:
            assert not shows(node_b, search, 'href="/recalls/')
        # B is down while A publishes.
        publish_recall(node_a, products[2], "20260503C3", "Tapirmould found in the can.")
        with ExitStack() as stack:
            node_b = stack.enter_context(gunicorn(env("b"), workers=1))
            assert shows(node_b, FAILED_BATCH, "Tapirmould found in the can.")
            assert shows(node_b, search, 'href="/recalls/')
