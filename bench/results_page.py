"""``/results`` with a full-text query at 100,000 results, served by gunicorn.

N generated results (``bench.search_data``: fictional enterprises, shops, labs; about 2 %
non-compliant) are written as the regulators publish them, in both layouts
(``bench.published_tables``), imported into a fresh database with ``results import`` (the
command itself, as a regulator's account), the search index is rebuilt with ``search
reindex``, and the site is served by real gunicorn. Both steps are timed. Then:

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
import re
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from bench import load, published_tables, serials
from bench.search_data import Record, generate
from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade
from formulatrust.results.models import SamplingResult
from tests.liveserver import gunicorn, sibling_database

RECORDS = 100_000
LATENCY_ROUNDS = 5
GOAL_P95_MS = 50.0
GOAL_BROAD_RATIO = 0.3
GOAL_SCALING = 2.0  # the large run's figures at most this many times worse than the small's
BROAD = "上海"
WARM_UP = "乳粉"  # a search outside the timed set
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
REGULATOR = "bench-regulator@example.com"
CREATED = re.compile(r"(\d+) created, ")
HEADERS = {"User-Agent": "formulatrust-bench/1", "Accept-Language": "zh"}


def run(folder: Path, records: int, seconds: float, rounds: int, connections: int,
        client_processes: int) -> dict:
    """Import ``records`` generated results into a fresh database, serve it, measure /results."""
    folder.mkdir(parents=True, exist_ok=True)
    url = sibling_database(os.environ.get("DATABASE_URL", ""), "results", folder)
    generated = generate(records)
    files = published_tables.write(folder / "tables", generated)
    prepared = prepare(url, folder, files)
    print(f"  {prepared['stored']:,} results imported from {prepared['files']} files in "
          f"{prepared['import_seconds']:.0f} s, reindexed in {prepared['reindex_seconds']:.0f} s",
          flush=True)
    paths = query_paths(generated)
    del generated
    return {"database": url.split(":", 1)[0], "records": records, **prepared,
            **measure(url, folder, paths, seconds, rounds, connections, client_processes)}


def measure(url: str, folder: Path, paths: list[str], seconds: float, rounds: int,
            connections: int, client_processes: int) -> dict:
    """Serve the database at ``url`` with gunicorn; time ``paths``, then the broad query."""
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": SECRET,
           "FORMULATRUST_INSTANCE_PATH": str(folder / "instance"),
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "search-index"),
           "FORMULATRUST_SESSION_COOKIE_SECURE": "false"}
    with (ProcessPoolExecutor(client_processes, mp_context=get_context("spawn")) as pool,
          gunicorn(env, workers=2, log=folder / "gunicorn.log") as base):
        for started in [pool.submit(time.sleep, 0.5) for _ in range(client_processes)]:
            started.result()  # as many waits at once as processes: every client is up
        address = urlsplit(base)
        host, port = address.hostname or "127.0.0.1", address.port or 80
        rounds_seconds = latency(host, port, paths, LATENCY_ROUNDS)
        throughput = broad_throughput(pool, host, port, seconds, rounds, connections,
                                      client_processes)
    ratio = throughput["broad"] / throughput["healthz"] if throughput["healthz"] else 0.0
    latencies = [one for found in rounds_seconds for one in found]
    return {"queries": len(paths), "requests": len(latencies),
            "p50_ms": milliseconds(latencies, 50), "p95_ms": milliseconds(latencies, 95),
            "first_p50_ms": milliseconds(rounds_seconds[0], 50),
            "first_p95_ms": milliseconds(rounds_seconds[0], 95),
            "broad_query": BROAD, "requests_per_s": throughput,
            "broad_vs_healthz": round(ratio, 3)}


def milliseconds(seconds: list[float], percent: float) -> float:
    return round(serials.percentile(seconds, percent) * 1000, 1)


def prepare(url: str, folder: Path, files: dict[str, list[Path]]) -> dict:
    """Migrate the database, import every file with ``results import`` as a regulator's
    account, rebuild the index with ``search reindex``; return the counts and seconds."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET,
                      "INSTANCE_PATH": str(folder / "instance"),
                      "SEARCH_INDEX_DIR": str(folder / "search-index")})
    runner = app.test_cli_runner()  # the commands themselves, in this process
    with app.app_context():
        upgrade(db.engine())
    command(runner, ["users", "create", REGULATOR, "--role", "regulator", "--password-stdin"],
            input=f"{SECRET}\n")
    imported = dict.fromkeys(files, 0)
    started = time.monotonic()
    for layout, paths in files.items():
        for path in paths:
            output = command(runner, ["results", "import", str(path), "--by", REGULATOR])
            imported[layout] += int(CREATED.search(output).group(1))
    import_seconds = time.monotonic() - started
    started = time.monotonic()
    command(runner, ["search", "reindex"])
    reindex_seconds = time.monotonic() - started
    with app.app_context():
        stored = db.session().scalar(select(func.count()).select_from(SamplingResult))
    db.dispose(app)
    return {"files": sum(len(paths) for paths in files.values()), "imported": imported,
            "stored": stored, "import_seconds": round(import_seconds, 1),
            "reindex_seconds": round(reindex_seconds, 1)}


def command(runner: FlaskCliRunner, args: list[str], input: str | None = None) -> str:
    """Run one ``flask --app wsgi`` command; return its output, or raise with it."""
    result = runner.invoke(args=args, input=input)
    if result.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.output}")
    return result.output


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


def latency(host: str, port: int, paths: list[str], rounds: int) -> list[list[float]]:
    """Ask every path in turn for ``rounds`` rounds on one connection, page ``round + 1`` in
    each (pages past the last show the last); return the seconds, round by round."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    # Warm up (the worker opens its index reader) with a search outside the set: the first
    # round then counts every search's matches itself; later pages reuse those counts.
    ask(connection, f"/results?{urlencode({'q': WARM_UP})}")
    seconds: list[list[float]] = []
    for number in range(rounds):
        seconds.append([])
        for path in paths:
            began = time.perf_counter()
            ask(connection, f"{path}&page={number + 1}")
            seconds[-1].append(time.perf_counter() - began)
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
    size = f"{result['records']:,} results"
    return [{"goal": f"/results with a query at {size}: p95 ≤ {GOAL_P95_MS:g} ms",
             "value": f"{result['p95_ms']:.0f} ms", "pass": result["p95_ms"] <= GOAL_P95_MS},
            {"goal": f"/results?q={BROAD} at {size}: throughput ≥ {GOAL_BROAD_RATIO:.0%} of "
                     "/healthz",
             "value": f"{result['broad_vs_healthz']:.0%}",
             "pass": result["broad_vs_healthz"] >= GOAL_BROAD_RATIO}]


def scaling_goals(small: dict, large: dict) -> list[dict]:
    """The large run's figures within ``GOAL_SCALING``× the small run's: latency at most that
    many times higher, the broad query's share of /healthz at most that many times lower."""
    sizes = f"at {large['records']:,} results within {GOAL_SCALING:g}× of {small['records']:,}"
    found = []
    for figure in ("p50_ms", "p95_ms"):
        times = large[figure] / small[figure] if small[figure] else float("inf")
        found.append({"goal": f"/results {figure.removesuffix('_ms')} {sizes}",
                      "value": f"{times:.2f}× ({large[figure]:.0f} vs {small[figure]:.0f} ms)",
                      "pass": times <= GOAL_SCALING})
    fewer = (small["broad_vs_healthz"] / large["broad_vs_healthz"]
             if large["broad_vs_healthz"] else float("inf"))
    found.append({"goal": f"/results?q={BROAD} share of /healthz {sizes}",
                  "value": f"{fewer:.2f}× lower ({large['broad_vs_healthz']:.0%} vs "
                           f"{small['broad_vs_healthz']:.0%})",
                  "pass": fewer <= GOAL_SCALING})
    return found


def print_result(result: dict) -> None:
    rates = result["requests_per_s"]
    print(f"/results with a query at {result['records']:,} results ({result['database']}, "
          f"{result['queries']} queries, {result['requests']} timed requests)")
    imported = ", ".join(f"{count:,} {layout}" for layout, count in result["imported"].items())
    print(f"  results import: {result['import_seconds']:.0f} s for {result['files']} files "
          f"({imported}); search reindex: {result['reindex_seconds']:.0f} s")
    print(f"  latency: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms (first "
          f"page of each search: p50 {result['first_p50_ms']:.0f} ms, p95 "
          f"{result['first_p95_ms']:.0f} ms)")
    print(f"  /results?q={BROAD}: {rates['broad']:,.0f} req/s, /healthz {rates['healthz']:,.0f}"
          f" req/s: {result['broad_vs_healthz']:.0%}")
    print_goals(goals(result))


def print_goals(found: list[dict]) -> None:
    for goal in found:
        print(f"  {'met ' if goal['pass'] else 'MISS'} {goal['goal']}: {goal['value']}")


def main() -> int:
    """Run this part alone: ``python -m bench.results_page`` (the sizes as in ``make bench``)."""
    import tempfile

    sizes = [int(os.environ.get("BENCH_RESULTS_RECORDS", RECORDS)),
             int(os.environ.get("BENCH_RESULTS_LARGE_RECORDS", 0))]
    found = []
    for number, records in enumerate(size for size in sizes if size > 0):
        with tempfile.TemporaryDirectory(prefix="formulatrust-bench-results-") as folder:
            found.append(run(Path(folder) / str(number), records,
                             float(os.environ.get("BENCH_SECONDS", 5)),
                             max(1, int(os.environ.get("BENCH_ROUNDS", 5))),
                             int(os.environ.get("BENCH_CONNECTIONS", 8)),
                             int(os.environ.get("BENCH_CLIENT_PROCESSES", 2))))
        print_result(found[-1])
    if len(found) == 2:
        print_goals(scaling_goals(*found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
