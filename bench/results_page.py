"""``/results`` with a full-text query at 100,000 results, served by gunicorn.

N generated results (``bench.search_data``: fictional enterprises, shops, labs; about 2 %
non-compliant) are written into a fresh database with plain bulk inserts (the CSV import path
would spend most of the run parsing and diffing rows, which is not what is measured here), the
search index is rebuilt from the database as ``search reindex`` does, and the site is served
by real gunicorn. Then:

- latency: one keep-alive connection asks each query of a mixed set (characters, terms,
  enterprise names, places, English; some with filters or the date order) in turn, for several
  rounds, each round another page number, so that no answer comes from the page cache; p50
  and p95 over every answer;
- throughput: a broad query (``/results?q=上海``) against ``/healthz``, alternating rounds, as
  the page part of ``make bench`` measures pages (one URL asked again and again: after the
  first request each worker answers it from its page cache, as it would a popular search).

Goals: p95 ≤ 50 ms; the broad query ≥ 0.3 × /healthz. Reported, never asserted.
"""

from __future__ import annotations

import http.client
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import insert

from bench import load, serials
from bench.search_data import Record, generate
from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade
from formulatrust.pages.search_documents import all_documents
from formulatrust.results.models import FailedItem, SamplingResult
from formulatrust.search import rebuild
from tests.liveserver import gunicorn, sibling_database

RECORDS = 100_000
LATENCY_ROUNDS = 5
GOAL_P95_MS = 50.0
GOAL_BROAD_RATIO = 0.3
BROAD = "上海"
CHUNK = 5_000
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
HEADERS = {"User-Agent": "formulatrust-bench/1", "Accept-Language": "zh"}


def run(folder: Path, records: int, seconds: float, rounds: int, connections: int,
        client_processes: int) -> dict:
    """Fill a fresh database with ``records`` results, serve it, measure /results."""
    folder.mkdir(parents=True, exist_ok=True)
    url = sibling_database(os.environ.get("DATABASE_URL", ""), "results", folder)
    started = time.monotonic()
    generated = generate(records)
    fill(url, folder, generated)
    prepared = time.monotonic() - started
    print(f"  {records:,} results written and indexed in {prepared:.0f} s", flush=True)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": SECRET,
           "FORMULATRUST_INSTANCE_PATH": str(folder / "instance"),
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "search-index"),
           "FORMULATRUST_SESSION_COOKIE_SECURE": "false"}
    paths = query_paths(generated)
    with (ProcessPoolExecutor(client_processes, mp_context=get_context("spawn")) as pool,
          gunicorn(env, workers=2, log=folder / "gunicorn.log") as base):
        address = urlsplit(base)
        host, port = address.hostname or "127.0.0.1", address.port or 80
        latencies = latency(host, port, paths, LATENCY_ROUNDS)
        throughput = broad_throughput(pool, host, port, seconds, rounds, connections,
                                      client_processes)
    ratio = throughput["broad"] / throughput["healthz"] if throughput["healthz"] else 0.0
    return {"database": url.split(":", 1)[0], "records": records,
            "prepare_seconds": round(prepared, 1), "queries": len(paths),
            "requests": len(latencies),
            "p50_ms": round(serials.percentile(latencies, 50) * 1000, 1),
            "p95_ms": round(serials.percentile(latencies, 95) * 1000, 1),
            "broad_query": BROAD, "requests_per_s": throughput,
            "broad_vs_healthz": round(ratio, 3)}


def fill(url: str, folder: Path, records: list[Record]) -> None:
    """Migrate the database, insert ``records`` in bulk, and build the search index."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(folder / "instance"),
                      "SEARCH_INDEX_DIR": str(folder / "search-index")})
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        for start in range(0, len(records), CHUNK):
            chunk = records[start:start + CHUNK]
            session.execute(insert(SamplingResult), [row(record) for record in chunk])
            items = [{"result_id": record.id, "item": item, "measured": measured}
                     for record in chunk for item, measured in record.failed_items]
            if items:
                session.execute(insert(FailedItem), items)
            session.commit()
        rebuild(app.config["SEARCH_INDEX_DIR"], all_documents(session))
        session.close()
    db.dispose(app)


def row(record: Record) -> dict:
    return {"id": record.id, "sample_no": record.sample_no, "product_name": record.product_name,
            "enterprise_name": record.enterprise_name, "trademark": record.trademark,
            "sampled_unit": record.sampled_unit, "province": record.province,
            "lab": record.lab, "announcement_no": record.announcement_no,
            "announced_on": record.announced_on, "task_source": record.task_source,
            "lot": record.lot, "category": record.category, "compliant": record.compliant,
            "source_file": "bench"}


def query_paths(records: list[Record]) -> list[str]:
    """Return the mixed query set as /results URLs (some filtered, some by date)."""
    picks = random.Random(7).sample(records, min(len(records), 6))
    texts = ["硒", "羊", "乳", "乳业", "阪崎", "维生素A", "菌落", "有机", "婴儿配方",
             *(r.enterprise_name for r in picks[:4]), "上海", "江苏", "北京", "浙江",
             "compliant", "non-compliant", "infant", picks[4].trademark, picks[5].sampled_unit]
    filters = [{}, {}, {"compliant": "no"}, {"sort": "date"}, {"province": "上海"},
               {"year": str(picks[0].year)}]
    return [f"/results?{urlencode({'q': text, **filters[n % len(filters)]})}"
            for n, text in enumerate(texts)]


def latency(host: str, port: int, paths: list[str], rounds: int) -> list[float]:
    """Ask every path in turn for ``rounds`` rounds on one connection, page ``round + 1`` in
    each (pages past the last show the last); return the seconds."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    for path in paths:  # warm up: each worker opens its reader (a page no round asks)
        ask(connection, f"{path}&page=1000")
    seconds = []
    for number in range(rounds):
        for path in paths:
            began = time.perf_counter()
            ask(connection, f"{path}&page={number + 1}")
            seconds.append(time.perf_counter() - began)
    connection.close()
    return seconds


def ask(connection: http.client.HTTPConnection, path: str) -> None:
    connection.request("GET", path, headers=HEADERS)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}, not 200")


def broad_throughput(pool: ProcessPoolExecutor, host: str, port: int, seconds: float,
                     rounds: int, connections: int, client_processes: int) -> dict:
    """Requests per second of /healthz and of the broad query, in alternating rounds."""
    paths = {"healthz": "/healthz", "broad": f"/results?{urlencode({'q': BROAD})}"}
    done = dict.fromkeys(paths, 0)
    shares = [connections // client_processes + (1 if i < connections % client_processes else 0)
              for i in range(client_processes)]
    for number in range(rounds):
        for name, path in paths.items():
            start = time.monotonic() + 0.2
            warm_end = start + (1.0 if number == 0 else 0.25)
            end = warm_end + seconds / rounds
            outcomes = [pool.submit(load.hammer, host, port, path, HEADERS, count, start,
                                    warm_end, end) for count in shares if count]
            for outcome in outcomes:
                result = outcome.result()
                if result.errors:
                    raise RuntimeError(f"{path} failed {result.errors} times")
                done[name] += len(result.latencies)
    return {name: round(count / seconds, 1) for name, count in done.items()}


def goals(result: dict) -> list[dict]:
    return [{"goal": f"/results with a query at {result['records']:,} results: p95 ≤ "
                     f"{GOAL_P95_MS:g} ms", "value": f"{result['p95_ms']:.0f} ms",
             "pass": result["p95_ms"] <= GOAL_P95_MS},
            {"goal": f"/results?q={BROAD} throughput ≥ {GOAL_BROAD_RATIO:.0%} of /healthz",
             "value": f"{result['broad_vs_healthz']:.0%}",
             "pass": result["broad_vs_healthz"] >= GOAL_BROAD_RATIO}]


def print_result(result: dict) -> None:
    rates = result["requests_per_s"]
    print(f"/results with a query at {result['records']:,} results ({result['database']}, "
          f"{result['queries']} queries, {result['requests']} timed requests)")
    print(f"  latency: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
    print(f"  /results?q={BROAD}: {rates['broad']:,.0f} req/s, /healthz {rates['healthz']:,.0f}"
          f" req/s: {result['broad_vs_healthz']:.0%}")
    for goal in goals(result):
        print(f"  {'met ' if goal['pass'] else 'MISS'} {goal['goal']}: {goal['value']}")


def main() -> int:
    """Run this part alone: ``python -m bench.results_page``."""
    import tempfile

    records = int(os.environ.get("BENCH_RESULTS_RECORDS", RECORDS))
    with tempfile.TemporaryDirectory(prefix="formulatrust-bench-results-") as folder:
        result = run(Path(folder), records, float(os.environ.get("BENCH_SECONDS", 5)),
                     max(1, int(os.environ.get("BENCH_ROUNDS", 5))),
                     int(os.environ.get("BENCH_CONNECTIONS", 8)),
                     int(os.environ.get("BENCH_CLIENT_PROCESSES", 2)))
    print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
