"""How long a recall published on one node takes to reach another: two gunicorn nodes (their
own instance and index folders) on one database, as the README's deployment runs them.

A regulator publishes a recall through node A's form; the clock starts when A has answered
(the recall is committed) and stops when node B's batch page shows it, then when B's search
finds it. Goal: the page within 1 s.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from formulatrust import create_app
from formulatrust.core import db, demo
from formulatrust.core.migrate import upgrade
from formulatrust.enterprises.models import Product
from formulatrust.pages.search_documents import all_documents
from formulatrust.scan.models import Batch
from formulatrust.search import rebuild
from tests.accounts_factory import PASSWORD, make_user
from tests.liveserver import gunicorn, sibling_database
from tests.nodes import SECRET, Browser, node_env

ROUNDS = 5
PAGE_GOAL_SECONDS = 1.0
GIVE_UP_SECONDS = 30.0
POLL_SECONDS = 0.01
REGULATOR = "bench-regulator@example.com"


def run(folder: Path, rounds: int = ROUNDS) -> dict:
    """Publish ``rounds`` recalls on A; return B's page and search delays in seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    url = sibling_database(os.environ.get("DATABASE_URL", ""), "propagation", folder)
    batches = prepare(url, folder, rounds)
    settings = {"SEARCH_RATE_LIMIT": "100000/minute"}  # B's search is polled
    page_delays, search_delays = [], []
    with gunicorn(node_env(url, folder, "a", **settings), workers=1) as node_a, \
            gunicorn(node_env(url, folder, "b", **settings), workers=2) as node_b:
        regulator = Browser()
        status, _page = regulator.sign_in(node_a, REGULATOR, PASSWORD)
        if status != 200:
            raise RuntimeError(f"the bench regulator could not sign in on node A ({status})")
        for number, (product_id, page) in enumerate(batches):
            word = "benchrecall" + "abcdefghijklmnopqrstuvwxyz"[number % 26] * (1 + number // 26)
            search = f"/search?q={word}&lang=en"
            for _ in range(4):  # B's workers have the page cached and the index open
                Browser().get(node_b + page)
                Browser().get(node_b + search)
            publish(regulator, node_a, product_id, page, f"Bench recall {word}.")
            published = time.monotonic()
            page_delays.append(wait_for(node_b + page, f"Bench recall {word}.", published))
            search_delays.append(wait_for(node_b + search, 'href="/recalls/', published))
            print(f"  round {number + 1}: page {page_delays[-1] * 1000:.0f} ms, "
                  f"search {search_delays[-1] * 1000:.0f} ms", flush=True)
    backend = url.split(":", 1)[0]
    return {"database": backend, "rounds": rounds,
            "page_seconds": summary(page_delays), "search_seconds": summary(search_delays)}


def prepare(url: str, folder: Path, rounds: int) -> list[tuple[int, str]]:
    """Migrate and fill the database, add the regulator, build both nodes' indexes; return
    (product id, batch page) of the first ``rounds`` batches."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(folder / "setup")})
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        demo.build(session)
        make_user(session, "regulator", email=REGULATOR)
        for name in "ab":
            rebuild(folder / name / "index",
                    all_documents(session, app.extensions["formulatrust.content"]))
        rows = session.execute(select(Product.id, Product.gtin, Batch.lot)
                               .join(Batch, Batch.product_id == Product.id)
                               .order_by(Batch.id).limit(rounds)).all()
    db.dispose(app)
    return [(product_id, f"/01/{gtin}/10/{quote(lot, safe='')}?lang=en")
            for product_id, gtin, lot in rows]


def publish(regulator: Browser, base: str, product_id: int, page: str, reason_en: str) -> None:
    lot = page.split("/10/", 1)[1].split("?", 1)[0]
    status, answer = regulator.publish_recall(base, product_id, lot, reason_en)
    if status != 200 or reason_en not in answer:
        raise RuntimeError(f"publishing a recall on node A failed ({status})")


def wait_for(url: str, text: str, since: float) -> float:
    """Seconds from ``since`` until ``url`` shows ``text``."""
    while time.monotonic() - since < GIVE_UP_SECONDS:
        if text in Browser().get(url)[1]:
            return time.monotonic() - since
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{url} did not show the recall within {GIVE_UP_SECONDS:g} s")


def summary(delays: list[float]) -> dict:
    return {"p50": round(statistics.median(delays), 3), "max": round(max(delays), 3)}


def goals(result: dict) -> list[dict]:
    worst = result["page_seconds"]["max"]
    return [{"goal": f"a recall published on node A is on node B's page within "
                     f"{PAGE_GOAL_SECONDS:g} s", "value": f"{worst:.2f} s (worst of "
                     f"{result['rounds']})", "pass": worst <= PAGE_GOAL_SECONDS}]


def print_result(result: dict) -> None:
    page, search = result["page_seconds"], result["search_seconds"]
    print(f"Propagation between two nodes ({result['database']}, {result['rounds']} recalls)")
    print(f"  B's batch page: p50 {page['p50'] * 1000:.0f} ms, worst {page['max'] * 1000:.0f} ms")
    print(f"  B's search:     p50 {search['p50'] * 1000:.0f} ms, "
          f"worst {search['max'] * 1000:.0f} ms")
