"""``make bench``: page throughput against a bare Flask hello route (``bench.hello``) and
``/healthz`` under gunicorn, serial lookup scaling, the search index at 100,000 results
(``bench.search``), ``/results`` searched at 100,000 imported results (``bench.results_page``)
and the can page beside downloads (``bench.downloads``).

Run from the checkout: ``.venv/bin/python -m bench.run``. Prints a table and writes
``bench-results/latest.json``. Goals that are missed are reported, not raised: the exit status
is 0 unless the harness itself fails. See ``bench/README.md``.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select

from bench import downloads, load, propagation, results_page, serials
from bench import search as search_bench
from formulatrust import create_app
from formulatrust.core import db, demo
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.migrate import upgrade
from formulatrust.enterprises.models import Product
from formulatrust.pages.search_documents import all_documents
from formulatrust.scan.models import Batch, CanQuery, CanQueryDevice, RegisteredSerial
from formulatrust.search import rebuild
from tests.liveserver import gunicorn, sibling_database

RESULTS = PROJECT_ROOT / "bench-results" / "latest.json"
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
DEMO_SERIAL = "DEMO0001"
WORKERS = 2  # gunicorn workers; threads are 4 (tests/liveserver.py)
USER_AGENT = "formulatrust-bench/1"
SMALL_SERIALS = 100_000
ROUND_WARMUP = 0.25  # seconds of load before each round after the first

# (name, goal as a fraction of the hello route's throughput, bench/hello.py)
THROUGHPUT_GOALS = {"provenance-html": 0.35, "provenance-json": 0.50, "home": 0.50}
BASELINE = "hello"  # what the goals are judged against
SECOND_BASELINE = "healthz"  # a second column: the smallest route of the site itself
SERIAL_GOAL = 1.2  # p50 lookup latency at the big size / at 100k, at most


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    accept: str = "text/html"
    server: str = "site"  # or "hello", the bare Flask app of bench/hello.py


@dataclass(frozen=True)
class Settings:
    seconds: float
    warmup: float
    connections: int
    client_processes: int
    rounds: int
    serials: int
    search_records: int
    search_rounds: int
    search_whoosh_records: int
    propagation_rounds: int
    results_records: int
    results_large_records: int
    download_seconds: float
    download_results: int

    @classmethod
    def from_environment(cls) -> Settings:
        env = os.environ
        return cls(seconds=float(env.get("BENCH_SECONDS", 5)),
                   warmup=float(env.get("BENCH_WARMUP", 1)),
                   connections=int(env.get("BENCH_CONNECTIONS", 8)),
                   client_processes=int(env.get("BENCH_CLIENT_PROCESSES", 2)),
                   rounds=max(1, int(env.get("BENCH_ROUNDS", 5))),
                   serials=int(env.get("BENCH_SERIALS", 10_000_000)),
                   search_records=int(env.get("BENCH_SEARCH_RECORDS", search_bench.RECORDS)),
                   search_rounds=max(1, int(env.get("BENCH_SEARCH_ROUNDS",
                                                    search_bench.ROUNDS))),
                   search_whoosh_records=int(env.get("BENCH_SEARCH_WHOOSH_RECORDS",
                                                     search_bench.WHOOSH_RECORDS)),
                   propagation_rounds=int(env.get("BENCH_PROPAGATION_ROUNDS",
                                                  propagation.ROUNDS)),
                   results_records=int(env.get("BENCH_RESULTS_RECORDS",
                                               results_page.RECORDS)),
                   results_large_records=int(env.get("BENCH_RESULTS_LARGE_RECORDS", 0)),
                   download_seconds=float(env.get("BENCH_DOWNLOAD_SECONDS",
                                                  downloads.SECONDS)),
                   download_results=int(env.get("BENCH_DOWNLOAD_RESULTS", downloads.RESULTS)))


def main() -> int:
    settings = Settings.from_environment()
    started = datetime.now(UTC)
    print(f"formulatrust bench: {settings.seconds:g} s per URL in {settings.rounds} rounds "
          f"after {settings.warmup:g} s warm-up; {settings.connections} keep-alive connections "
          f"from {settings.client_processes} client processes; gunicorn {WORKERS} workers x "
          f"4 threads; {os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory(prefix="formulatrust-bench-") as tmp:
        folder = Path(tmp)
        pages = bench_http(settings, folder)
        spread = None
        if settings.propagation_rounds > 0:
            print("\nPropagation: a recall published on node A, seen on node B", flush=True)
            spread = propagation.run(folder / "propagation", settings.propagation_rounds)
        searched = search_results_page(settings, folder)
        isolation = None
        if settings.download_seconds > 0:
            print(f"\nThe can page beside downloads ({settings.download_results:,} extra "
                  "results)", flush=True)
            isolation = downloads.run(folder / "downloads", settings.download_seconds,
                                      settings.download_results)
        if settings.serials > SMALL_SERIALS:
            print(f"\nSerial lookups: {SMALL_SERIALS:,} vs {settings.serials:,} rows "
                  "(separate SQLite file)", flush=True)
            serial = serials.run(folder, SMALL_SERIALS, settings.serials)
        else:
            print(f"\nSerial lookups skipped (BENCH_SERIALS={settings.serials} ≤ "
                  f"{SMALL_SERIALS:,})")
            serial = None
    if settings.search_records > 0:
        print()
        search = search_bench.run(settings.search_records, settings.search_rounds,
                                  max(0, settings.search_whoosh_records))
    else:
        print("\nSearch index skipped (BENCH_SEARCH_RECORDS=0)")
        search = None
    goals = judge(pages["results"], serial) + (search["goals"] if search else []) + (
        propagation.goals(spread) if spread else []) + results_page_goals(searched) + (
        downloads.goals(isolation) if isolation else [])
    print()
    print_http(pages["results"])
    if serial:
        print()
        print_serials(serial)
    if spread:
        print()
        propagation.print_result(spread)
    for result in searched:
        print()
        results_page.print_result(result)
    if isolation:
        print()
        downloads.print_result(isolation)
    print()
    print_goals(goals)
    report = {"started": started.isoformat(timespec="seconds"),
              "seconds_total": round((datetime.now(UTC) - started).total_seconds(), 1),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "settings": settings.__dict__, "database": pages["database"],
              "http": pages["results"], "query_history": pages["query_history"],
              "serials": serial, "search": search, "propagation": spread,
              "results_page": searched[0] if searched else None,
              "results_page_large": searched[1] if len(searched) > 1 else None,
              "downloads": isolation,
              "goals": goals}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWrote {RESULTS.relative_to(PROJECT_ROOT)}")
    return 0


def search_results_page(settings: Settings, folder: Path) -> list[dict]:
    """Run the /results part at its size, then at the large size when one is set."""
    found = []
    for name, records in (("results", settings.results_records),
                          ("results-large", settings.results_large_records)):
        if records <= 0 or (name == "results-large" and not found):
            continue
        print(f"\n/results searched at {records:,} imported results", flush=True)
        found.append(results_page.run(folder / name, records, settings.seconds,
                                      settings.rounds, settings.connections,
                                      settings.client_processes))
        shutil.rmtree(folder / name, ignore_errors=True)  # a million results take gigabytes
    return found


def results_page_goals(searched: list[dict]) -> list[dict]:
    found = [goal for result in searched for goal in results_page.goals(result)]
    return found + (results_page.scaling_goals(*searched) if len(searched) == 2 else [])


# --- HTTP ----------------------------------------------------------------------------------


def bench_http(settings: Settings, folder: Path) -> dict:
    """Prepare a demo database, serve it with gunicorn, and measure every target URL."""
    url = sibling_database(os.environ.get("DATABASE_URL", ""), "bench", folder)
    backend = url.split(":", 1)[0]
    print(f"Preparing the demo database ({backend}) …", flush=True)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": SECRET,
                 "INSTANCE_PATH": str(folder / "instance"),
                 "SEARCH_INDEX_DIR": str(folder / "search-index")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        demo.build(session)
        session.commit()
        rebuild(overrides["SEARCH_INDEX_DIR"],
                all_documents(db.session(), app.extensions["formulatrust.content"]))
        gtin, lot = session.execute(
            select(Product.gtin, Batch.lot)
            .join(Batch, Batch.product_id == Product.id)
            .join(RegisteredSerial, RegisteredSerial.batch_id == Batch.id)
            .where(RegisteredSerial.serial == DEMO_SERIAL)
        ).one()
    can = f"/01/{gtin}/10/{quote(lot, safe='')}/21/{quote(DEMO_SERIAL, safe='')}"
    targets = [Target(BASELINE, "/", server="hello"),
               Target(SECOND_BASELINE, "/healthz", "application/json"),
               Target("provenance-html", can),
               Target("provenance-json", can, "application/json"),
               Target("product", f"/01/{gtin}"),
               Target("home", "/")]

    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": SECRET,
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_SEARCH_INDEX_DIR": overrides["SEARCH_INDEX_DIR"],
           "FORMULATRUST_SESSION_COOKIE_SECURE": "false"}
    log = folder / "gunicorn.log"
    context = get_context("spawn")
    # The hello app runs beside the site with the same workers, threads and (no) access log.
    with (ProcessPoolExecutor(settings.client_processes, mp_context=context) as pool,
          gunicorn(env, workers=WORKERS, log=log) as base,
          gunicorn({}, workers=WORKERS, log=folder / "hello.log", app="bench.hello:app",
                   ready="/") as hello):
        for _ in range(settings.client_processes):  # start the client processes now
            pool.submit(load.ready).result()
        addresses = {"site": urlsplit(base), "hello": urlsplit(hello)}
        paths = {}
        for target in targets:
            address = addresses[target.server]
            paths[target.name] = preflight(address.hostname, address.port, target)
            print(f"  {target.name:<16} {paths[target.name]} (Accept: {target.accept})")
        print(f"  measuring in {settings.rounds} rounds of "
              f"{settings.seconds / settings.rounds:g} s per URL …", flush=True)
        outcomes = {target.name: load.Outcome() for target in targets}
        rounds: dict[str, list[float]] = {target.name: [] for target in targets}
        for number in range(settings.rounds):
            warmup = settings.warmup if number == 0 else ROUND_WARMUP
            for target in targets:
                address = addresses[target.server]
                outcome = measure(pool, address.hostname, address.port, target,
                                  paths[target.name], settings, warmup)
                outcomes[target.name].merge(outcome)
                rounds[target.name].append(
                    round(len(outcome.latencies) * settings.rounds / settings.seconds, 1))
            print(f"  round {number + 1}: " + ", ".join(
                f"{name} {values[-1]:,.0f}" for name, values in rounds.items()) + " req/s",
                flush=True)
        results = [summary(target, paths[target.name], outcomes[target.name],
                           rounds[target.name], settings) for target in targets]
    if any(r["errors"] for r in results):
        kept = RESULTS.parent / "gunicorn.log"
        RESULTS.parent.mkdir(exist_ok=True)
        shutil.copyfile(log, kept)
        print(f"  errors seen; server log kept in {kept.relative_to(PROJECT_ROOT)}")
    with app.app_context():
        session = db.session()
        history = {"can_query_rows": session.scalar(select(func.count()).select_from(CanQuery)),
                   "can_query_device_rows": session.scalar(
                       select(func.count()).select_from(CanQueryDevice)),
                   "demo_can_count": session.scalar(
                       select(CanQuery.count).where(CanQuery.gtin == gtin, CanQuery.lot == lot,
                                                    CanQuery.serial == DEMO_SERIAL))}
        session.close()
    db.dispose(app)
    return {"database": backend, "results": results, "query_history": history}


def preflight(host: str, port: int, target: Target) -> str:
    """Fetch ``target`` once; follow one redirect to a canonical path; insist on a 200."""
    path = target.path
    for _ in range(2):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request("GET", path, headers=headers(target))
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status in (301, 302, 307, 308) and response.getheader("Location"):
            path = urlsplit(response.getheader("Location")).path
            continue
        if response.status != 200:
            raise RuntimeError(f"{target.path} answered {response.status}, not 200")
        return path
    raise RuntimeError(f"{target.path} keeps redirecting")


def headers(target: Target) -> dict[str, str]:
    return {"Accept": target.accept, "User-Agent": USER_AGENT, "Accept-Language": "zh"}


def measure(pool: ProcessPoolExecutor, host: str, port: int, target: Target, path: str,
            settings: Settings, warmup: float) -> load.Outcome:
    """Load ``path`` for one round with a fixed number of connections."""
    per_process = split(settings.connections, settings.client_processes)
    start = time.monotonic() + 0.2
    warm_end = start + warmup
    end = warm_end + settings.seconds / settings.rounds
    futures = [pool.submit(load.hammer, host, port, path, headers(target), count, start,
                           warm_end, end)
               for count in per_process if count]
    total = load.Outcome()
    for future in futures:
        total.merge(future.result())
    return total


def summary(target: Target, path: str, total: load.Outcome, rounds: list[float],
            settings: Settings) -> dict:
    """Throughput and latency of ``target`` over every round."""
    done = len(total.latencies)
    return {"name": target.name, "path": path, "accept": target.accept,
            "requests": done,
            "requests_per_s": round(done / settings.seconds, 1),
            "rounds_requests_per_s": rounds,
            "p50_ms": round(serials.percentile(total.latencies, 50) * 1000, 2),
            "p99_ms": round(serials.percentile(total.latencies, 99) * 1000, 2),
            "errors": total.errors,
            "statuses": {str(k): v for k, v in sorted(total.statuses.items())},
            "bytes_per_response": round(total.bytes / done) if done else 0}


def split(total: int, parts: int) -> list[int]:
    """Share ``total`` connections among ``parts`` processes as evenly as possible."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# --- Goals and report ----------------------------------------------------------------------


def judge(results: list[dict], serial: dict | None) -> list[dict]:
    """Compare the numbers with the goals; add each page's ratios to ``results``."""
    rounds = {r["name"]: r["rounds_requests_per_s"] for r in results}
    goals = []
    for result in results:
        for baseline in (BASELINE, SECOND_BASELINE):
            result[f"vs_{baseline}"] = round(median_ratio(rounds[result["name"]],
                                                          rounds[baseline]), 3)
        goal = THROUGHPUT_GOALS.get(result["name"])
        if goal is not None:
            ratio = result[f"vs_{BASELINE}"]
            goals.append({"goal": f"{result['name']} throughput ≥ {goal:.2f}× the hello route",
                          "value": f"{ratio:.2f}×", "pass": ratio >= goal})
        if result["errors"]:
            goals.append({"goal": f"{result['name']} without errors",
                          "value": f"{result['errors']} errors", "pass": False})
    if serial:
        for kind in ("existing", "missing"):
            small, big = serial["small"][f"{kind}_p50"], serial["big"][f"{kind}_p50"]
            ratio = big / small if small else float("inf")
            serial[f"{kind}_p50_ratio"] = round(ratio, 3)
            goals.append({"goal": f"serial lookup ({kind}) p50 at {serial['big']['rows']:,} "
                                  f"rows ≤ {SERIAL_GOAL}× that at {serial['small']['rows']:,}",
                          "value": f"{ratio:.2f}×", "pass": ratio <= SERIAL_GOAL})
    return goals


def share(rate: float, baseline: float) -> float:
    return rate / baseline if baseline else 0.0


def median_ratio(rates: list[float], baselines: list[float]) -> float:
    """The median over rounds of a URL's req/s divided by its baseline's in the same round.

    A URL and its baseline are measured seconds apart within a round, so what else the machine
    does shows in both; across rounds it can move both by half, as the per-round figures show.
    """
    return statistics.median(share(rate, baseline)
                             for rate, baseline in zip(rates, baselines, strict=True))


def print_http(results: list[dict]) -> None:
    print("Page throughput (same settings, ratio against a bare Flask hello route and /healthz)")
    rows = [["name", "URL", "Accept", "req/s", "p50 ms", "p99 ms", "errors", "vs hello",
             "vs healthz", "goal", "result"]]
    for r in results:
        goal = THROUGHPUT_GOALS.get(r["name"])
        rows.append([r["name"], shorten(r["path"]), r["accept"], f"{r['requests_per_s']:,.0f}",
                     f"{r['p50_ms']:.1f}", f"{r['p99_ms']:.1f}", str(r["errors"]),
                     f"{r[f'vs_{BASELINE}']:.2f}×", f"{r[f'vs_{SECOND_BASELINE}']:.2f}×",
                     f"≥ {goal:.2f}×" if goal is not None else "",
                     ("PASS" if r[f"vs_{BASELINE}"] >= goal else "MISS") if goal is not None
                     else ""])
    table(rows)


def print_serials(serial: dict) -> None:
    small, big = serial["small"], serial["big"]
    print("Serial lookup latency, session.get(RegisteredSerial, (batch_id, serial)), µs")
    rows = [["rows", "existing p50", "existing p99", "missing p50", "missing p99",
             "bare SQL p50 (existing/missing)"]]
    for t in (small, big):
        rows.append([f"{t['rows']:,}", f"{t['existing_p50']:.0f}", f"{t['existing_p99']:.0f}",
                     f"{t['missing_p50']:.0f}", f"{t['missing_p99']:.0f}",
                     f"{t['sql_existing_p50']:.1f} / {t['sql_missing_p50']:.1f}"])
    rows.append([f"ratio {big['rows'] // small['rows']}×",
                 f"{serial['existing_p50_ratio']:.2f}×",
                 f"{ratio(big['existing_p99'], small['existing_p99'])}",
                 f"{serial['missing_p50_ratio']:.2f}×",
                 f"{ratio(big['missing_p99'], small['missing_p99'])}",
                 f"{ratio(big['sql_existing_p50'], small['sql_existing_p50'])} / "
                 f"{ratio(big['sql_missing_p50'], small['sql_missing_p50'])}"])
    table(rows)
    print(f"  query plan: {big['plan']}")
    print(f"  build: {small['rows']:,} rows in {serial['build_seconds']['small']} s, grown to "
          f"{big['rows']:,} in {serial['build_seconds']['big']} s "
          f"({serial['file_bytes']['big'] / 2**20:,.0f} MiB)")


def print_goals(goals: list[dict]) -> None:
    print("Goals")
    table([["goal", "measured", "result"]]
          + [[g["goal"], g["value"], "PASS" if g["pass"] else "MISS"] for g in goals])
    missed = sum(not g["pass"] for g in goals)
    print(f"{len(goals) - missed} of {len(goals)} goals met" + (" (misses are reported, not "
                                                                "fatal)" if missed else ""))


def ratio(big: float, small: float) -> str:
    return f"{big / small:.2f}×" if small else "–"


def shorten(path: str, width: int = 48) -> str:
    return path if len(path) <= width else path[: width - 1] + "…"


def table(rows: list[list[str]]) -> None:
    search_bench.table(rows, print)


if __name__ == "__main__":
    raise SystemExit(main())
