"""Downloads beside parents: the can page's p95 while 16 clients download the complete results
file and 16 more ask for filtered CSV downloads, against its p95 with nothing else running.

One gunicorn node (2 workers x 4 threads) on a demo database with ``BENCH_DOWNLOAD_RESULTS``
extra fictional results; the per-client download limit is lifted (one address sends them all),
the heavy-request slots are left at their default. Goal: the busy p95 within 2x the idle p95.
The page is requested back to back; the downloaders are careful clients: after a 503 or 429 they
wait as long as ``Retry-After`` says, as ``curl --retry`` does. Part of ``make bench``; run
alone with ``.venv/bin/python -m bench.downloads``.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import quote, urlsplit

from sqlalchemy import insert, select

from bench import load, serials
from formulatrust import create_app
from formulatrust.core import db, demo
from formulatrust.core.config import site_origin
from formulatrust.core.migrate import upgrade
from formulatrust.enterprises.models import Product
from formulatrust.open_data import dumps
from formulatrust.results.models import SamplingResult
from formulatrust.scan.models import Batch, RegisteredSerial
from tests.liveserver import gunicorn, sibling_database

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
DEMO_SERIAL = "DEMO0001"
CLIENTS = 16  # complete-file downloaders, and as many filtered downloaders
PAGE_CONNECTIONS = 2
WORKERS = 2
GOAL_RATIO = 2.0
RESULTS = 20_000
SECONDS = 5.0  # measured seconds idle, and as many beside the downloads
FILTERED = "/results.csv?compliant=yes"
FULL = "/data/results.csv.gz"
HEADERS = {"User-Agent": "formulatrust-bench", "Accept-Language": "zh"}


def run(folder: Path, seconds: float, results: int = RESULTS) -> dict:
    """Measure the can page idle, then beside the downloads; return both p95s and the ratio."""
    folder.mkdir(parents=True, exist_ok=True)
    url = sibling_database(os.environ.get("DATABASE_URL", ""), "downloads", folder)
    can = prepare(url, folder, results)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": SECRET,
           "FORMULATRUST_INSTANCE_PATH": str(folder / "instance"),
           "FORMULATRUST_DATA_DIR": str(folder / "data"),
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "search-index"),
           "FORMULATRUST_SESSION_COOKIE_SECURE": "false",
           "FORMULATRUST_DOWNLOAD_RATE_LIMIT": "1000000/hour"}
    context = get_context("spawn")
    with ProcessPoolExecutor(3, mp_context=context) as pool, \
            gunicorn(env, workers=WORKERS, log=folder / "gunicorn.log") as base:
        for started in [pool.submit(time.sleep, 1.0) for _ in range(3)]:
            started.result()  # three busy tasks at once: every client process is up
        address = urlsplit(base)
        where = (address.hostname, address.port)
        warm_up(*where, can)
        idle = measure(pool, where, {can: PAGE_CONNECTIONS}, seconds)[can]
        busy = measure(pool, where, {can: PAGE_CONNECTIONS, FULL: CLIENTS, FILTERED: CLIENTS},
                       seconds)
    if not idle.latencies or not busy[can].latencies:
        raise RuntimeError(f"the can page answered nothing in a measured window ({seconds} s)")
    idle_p95 = serials.percentile(idle.latencies, 95)
    busy_p95 = serials.percentile(busy[can].latencies, 95)
    return {"results": results, "idle_p95_ms": round(idle_p95 * 1000, 1),
            "busy_p95_ms": round(busy_p95 * 1000, 1), "ratio": round(busy_p95 / idle_p95, 2),
            "page_errors": busy[can].errors,
            "full_downloads": {str(k): v for k, v in sorted(busy[FULL].statuses.items())},
            "filtered_downloads": {str(k): v for k, v in sorted(busy[FILTERED].statuses.items())}}


def prepare(url: str, folder: Path, results: int) -> str:
    """Migrate, fill and build the data files; return the demo can's path."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(folder / "instance"),
                      "DATA_DIR": str(folder / "data")})
    with app.test_request_context("/", base_url=site_origin(app.config)):
        upgrade(db.engine())
        session = db.session()
        demo.build(session)
        session.execute(insert(SamplingResult), [fictional(n) for n in range(results)])
        session.commit()
        with dumps.build_lock(dumps.folder(app)):
            dumps.build(session, dumps.folder(app))
        gtin, lot = session.execute(
            select(Product.gtin, Batch.lot).join(Batch, Batch.product_id == Product.id)
            .join(RegisteredSerial, RegisteredSerial.batch_id == Batch.id)
            .where(RegisteredSerial.serial == DEMO_SERIAL)).one()
    db.dispose(app)
    return f"/01/{gtin}/10/{quote(lot, safe='')}/21/{DEMO_SERIAL}"


def warm_up(host: str, port: int, path: str) -> None:
    """Ask for the page on a few new connections first: every worker renders it once."""
    for _ in range(2 * WORKERS):
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request("GET", path, headers=HEADERS)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}, not 200")


def fictional(number: int) -> dict:
    return {"sample_no": f"BENCH{number:07d}", "enterprise_name": "基准测试乳业有限公司",
            "product_name": f"基准婴儿配方乳粉{number % 97}", "province": "上海",
            "lab": "基准检验所", "category": "婴幼儿配方食品", "compliant": number % 25 != 0,
            "announced_on": date(2020 + number % 6, 1 + number % 12, 1 + number % 28),
            "announcement_no": f"{2020 + number % 6}年第{number % 50}号"}


def measure(pool: ProcessPoolExecutor, where: tuple[str, int], paths: dict[str, int],
            seconds: float) -> dict[str, load.Outcome]:
    """Load every path with its number of connections at once, each in its own process: the
    page back to back, the downloads as a careful client does (waiting ``Retry-After``)."""
    start = time.monotonic() + 0.3
    warm_end = start + 1.0
    futures = {path: pool.submit(load.hammer if number == 0 else download_clients, *where,
                                 path, HEADERS, count, start, warm_end, warm_end + seconds)
               for number, (path, count) in enumerate(paths.items())}
    return {path: future.result() for path, future in futures.items()}


def download_clients(host: str, port: int, path: str, headers: dict[str, str], clients: int,
                     start: float, warm_end: float, end: float) -> load.Outcome:
    """Run ``clients`` downloaders that wait as long as a refusal's ``Retry-After`` says (as
    ``curl --retry`` does) before asking again."""
    return load.in_threads(download_loop, clients, host, port, path, headers, start, warm_end,
                           end)


def download_loop(host: str, port: int, path: str, headers: dict[str, str], start: float,
                  _warm_end: float, end: float, outcome: load.Outcome) -> None:
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < end:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status, wait = response.status, float(response.getheader("Retry-After") or 0)
        except (OSError, http.client.HTTPException):
            status, wait = 0, 1.0
        finally:
            connection.close()
        outcome.statuses[status] = outcome.statuses.get(status, 0) + 1  # the whole run
        if status in (429, 503) or status == 0:
            time.sleep(min(wait, max(0.0, end - time.monotonic())))


def goals(result: dict) -> list[dict]:
    return [{"goal": f"the can page's p95 beside {CLIENTS} complete and {CLIENTS} filtered "
                     f"downloads within {GOAL_RATIO:g}x its idle p95",
             "value": f"{result['ratio']:.2f}x ({result['busy_p95_ms']} ms vs "
                      f"{result['idle_p95_ms']} ms)", "pass": result["ratio"] <= GOAL_RATIO}]


def print_result(result: dict) -> None:
    print(f"Can page beside downloads ({result['results']:,} extra results)")
    print(f"  idle p95 {result['idle_p95_ms']} ms, busy p95 {result['busy_p95_ms']} ms: "
          f"{result['ratio']:.2f}x; page errors {result['page_errors']}")
    print(f"  complete-file answers {result['full_downloads']}, filtered "
          f"{result['filtered_downloads']}")


def main() -> int:
    seconds = float(os.environ.get("BENCH_DOWNLOAD_SECONDS", SECONDS))
    results = int(os.environ.get("BENCH_DOWNLOAD_RESULTS", str(RESULTS)))
    with tempfile.TemporaryDirectory(prefix="formulatrust-bench-downloads-") as tmp:
        result = run(Path(tmp), seconds, results)
    print_result(result)
    for goal in goals(result):
        print(("PASS " if goal["pass"] else "MISS ") + goal["goal"] + ": " + goal["value"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
