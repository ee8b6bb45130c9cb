"""The search index at 100,000 results: build time, size, query latency and recall per engine.

Run alone with ``.venv/bin/python -m bench.search [--records N] [--rounds R]``; ``make bench``
runs it as a section of ``bench.run``. Results are generated deterministically (fictional
enterprises, products, shops and labs; about 2 % non-compliant) and turned into documents by the
site's own ``result_document``, then indexed by each engine behind the adapter (tantivy, Whoosh)
and by SQLite FTS5 with the same tokens. Every engine answers the same mixed queries (single
characters, terms, names, lots, English; with and without filters; with and without counts per
filter value) in alternating order, for several rounds. Recall of the issue's Chinese queries is
checked against the generated truth. Speed is reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bench.search_data import SEED, Probe, document, generate, probes, truth
from formulatrust.search import (
    DEFAULT_ENGINE,
    ENGINES,
    FILTERS,
    Document,
    close_index,
    matching_keys,
    rebuild,
    search,
)
from formulatrust.search.analysis import index_tokens, query_terms

RECORDS = 100_000
WHOOSH_RECORDS = 10_000  # Whoosh needs ~8 minutes for 100,000 on 2 cores: measured smaller
ROUNDS = 3
PAGE = 25
GOAL_P95_MS = 50.0
RECALL_QUERIES = ("乳业", "阪崎", "硒", "维生素A")
COMPARED = ("tantivy", "whoosh", "fts5")

# --- Engines -------------------------------------------------------------------------------


@dataclass
class Answer:
    """What every engine returns for a probe, compared across engines."""

    keys: list[str]
    total: int
    counts: dict[str, list[tuple[str, int]]]


class AdapterEngine:
    """An engine behind the site's search adapter."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name, self.folder = name, folder / name

    def build(self, documents: list[Document]) -> None:
        rebuild(self.folder, documents, engine=self.name)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())

    def ask(self, probe: Probe) -> Answer:
        found = search(self.folder, probe.text, "result", dict(probe.filters),
                       FILTERS if probe.counts else (), limit=PAGE)
        return Answer(found.keys, found.total, found.counts)

    def all_keys(self, text: str) -> list[str]:
        return matching_keys(self.folder, text, "result")

    def close(self) -> None:
        close_index(self.folder)


class Fts5Engine:
    """SQLite FTS5 over the same unigram+bigram tokens, pre-split into one column.

    Filter values sit in an ordinary table joined by rowid (``CROSS JOIN`` keeps FTS5 first);
    the matches of a query go once into a temporary table that the total, the page and the
    counts read.
    """

    name = "fts5"

    def __init__(self, folder: Path) -> None:
        self.path = folder / "fts5.sqlite3"
        self.db: sqlite3.Connection | None = None

    def build(self, documents: list[Document]) -> None:
        db = sqlite3.connect(self.path)
        db.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE record (id INTEGER PRIMARY KEY, key TEXT, kind TEXT, year TEXT,
                compliant TEXT, enterprise TEXT, category TEXT, province TEXT, lab TEXT);
            CREATE TABLE record_item (record INTEGER, item TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(tokens, content='', detail='column',
                tokenize='unicode61 remove_diacritics 0');
        """)
        rows, items, tokens = [], [], []
        for number, d in enumerate(documents, 1):
            values = dict(d.filters)
            rows.append((number, d.key, d.kind, *(values.get(n, "") for n in (
                "year", "compliant", "enterprise", "category", "province", "lab"))))
            items += [(number, value) for name, value in d.filters if name == "item"]
            tokens.append((number, " ".join(index_tokens(d.text))))
        with db:
            db.executemany("INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO record_item VALUES (?, ?)", items)
            db.executemany("INSERT INTO fts (rowid, tokens) VALUES (?, ?)", tokens)
            db.execute("CREATE INDEX record_item_item ON record_item (item, record)")
            db.execute("CREATE INDEX record_item_record ON record_item (record, item)")
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        db.close()

    def size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def _connect(self) -> sqlite3.Connection:
        if self.db is None:
            self.db = sqlite3.connect(self.path)
            self.db.execute("CREATE TEMP TABLE hit (id INTEGER PRIMARY KEY, score REAL)")
        return self.db

    def _match(self, text: str, filters: tuple[tuple[str, str], ...]) -> sqlite3.Connection:
        db = self._connect()
        where, parameters = ["fts MATCH ?", "r.kind = 'result'"], [_fts_query(text)]
        for name, value in filters:
            if name == "item":
                where.append("r.id IN (SELECT record FROM record_item WHERE item = ?)")
            else:
                where.append(f"r.{name} = ?")
            parameters.append(value)
        db.execute("DELETE FROM temp.hit")
        db.execute("INSERT INTO temp.hit SELECT fts.rowid, fts.rank FROM fts CROSS JOIN record r"
                   f" ON r.id = fts.rowid WHERE {' AND '.join(where)}", parameters)
        return db

    def ask(self, probe: Probe) -> Answer:
        db = self._match(probe.text, probe.filters)
        total = db.execute("SELECT count(*) FROM temp.hit").fetchone()[0]
        keys = [key for (key,) in db.execute(
            "SELECT r.key FROM temp.hit h CROSS JOIN record r ON r.id = h.id"
            " ORDER BY h.score, h.id LIMIT ?", (PAGE,))]
        counts = {}
        if probe.counts:
            for name in FILTERS:
                # CROSS JOIN: the planner has no statistics for the temporary table and
                # would otherwise scan every record.
                if name == "item":
                    sql = ("SELECT i.item, count(*) FROM temp.hit h CROSS JOIN record_item i"
                           " ON i.record = h.id GROUP BY 1")
                else:
                    sql = (f"SELECT r.{name}, count(*) FROM temp.hit h CROSS JOIN record r"
                           f" ON r.id = h.id WHERE r.{name} != '' GROUP BY 1")
                order = "1 DESC" if name == "year" else "2 DESC, 1"  # as the adapter's counts
                pairs = db.execute(f"{sql} ORDER BY {order} LIMIT 25").fetchall()
                counts[name] = [(str(value), count) for value, count in pairs]
        return Answer(keys, total, counts)

    def all_keys(self, text: str) -> list[str]:
        db = self._match(text, ())
        return [key for (key,) in db.execute(
            "SELECT r.key FROM temp.hit h CROSS JOIN record r ON r.id = h.id"
            " ORDER BY h.score, h.id")]


def _fts_query(text: str) -> str:
    # Terms hold only CJK, Latin letters and digits, so quoting each is enough.
    return " ".join(f'"{term}"' for term in query_terms(text)) or '""'


# --- Measuring -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of ``values`` (``share`` in 0–100)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share / 100 * len(ordered)) - 1))]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def run(records: int = RECORDS, rounds: int = ROUNDS, whoosh_records: int = WHOOSH_RECORDS,
        out: TextIO | None = None) -> dict:
    """Measure every engine; print the report to ``out`` and return it as a dict.

    Whoosh takes minutes to build 100,000 documents, so unless ``whoosh_records`` is as large
    as ``records`` it is measured in a first, smaller pass beside the other engines, and the
    full-size pass compares tantivy with FTS5.
    """
    def say(line: str = "") -> None:
        print(line, file=out or sys.stdout, flush=True)

    started = time.perf_counter()
    if 0 < whoosh_records < records:
        plan = [(whoosh_records, COMPARED), (records, ("tantivy", "fts5"))]
    else:
        plan = [(records, COMPARED if whoosh_records else ("tantivy", "fts5"))]
    passes = [measure_size(count, engines, rounds, say) for count, engines in plan]
    report = {"passes": passes, "goal_p95_ms": GOAL_P95_MS, "default_engine": DEFAULT_ENGINE,
              "goals": goals(passes), "seconds_total": round(time.perf_counter() - started, 1)}
    say()
    say("Search goals")
    for goal in report["goals"]:
        say(f"  {'PASS' if goal['pass'] else 'MISS'}  {goal['goal']}: {goal['value']}")
    say(f"  search bench took {report['seconds_total']:.0f} s")
    return report


def measure_size(count: int, names: Iterable[str], rounds: int, say) -> dict:
    """Generate ``count`` results, build each engine, time the queries, check the answers."""
    started = time.perf_counter()
    records = generate(count)
    documents = [document(record) for record in records]
    probe_list = probes(records)
    say(f"Search index: {len(records):,} generated results "
        f"({sum(not r.compliant for r in records):,} non-compliant), {len(probe_list)} queries "
        f"× {rounds} rounds, engines {', '.join(names)} "
        f"(generated in {time.perf_counter() - started:.1f} s)")
    with tempfile.TemporaryDirectory(prefix="formulatrust-search-bench-") as tmp:
        built = {}
        for name in names:
            engine = Fts5Engine(Path(tmp)) if name == "fts5" else AdapterEngine(name, Path(tmp))
            seconds, _ = timed(lambda engine=engine: engine.build(documents))
            engine.build_seconds, engine.bytes = seconds / 1000, engine.size()
            built[name] = engine
            say(f"  built {name}: {engine.build_seconds:.1f} s, {engine.bytes / 2**20:.1f} MiB")
        report = measure(built, probe_list, rounds, say)
        report["recall"] = recall(built, documents)
        report["agreement"] = agreement(built, probe_list)
        for engine in built.values():
            engine.close()
    report["records"] = len(records)
    print_report(report, say)
    return report


def measure(built: dict, probe_list: list[Probe], rounds: int, say) -> dict:
    """Time every probe on every engine, alternating engines, for ``rounds`` rounds."""
    rng = random.Random(SEED + 2)
    for engine in built.values():  # open searchers and read filter values once, unmeasured
        for probe in probe_list[:8]:
            engine.ask(probe)
    times: dict[str, list[list[float]]] = {name: [] for name in built}
    kinds: dict[str, dict[str, list[float]]] = {name: {} for name in built}
    order = list(built)
    for number in range(rounds):
        shuffled = probe_list[:]
        rng.shuffle(shuffled)
        for name in built:
            times[name].append([])
        for position, probe in enumerate(shuffled):
            for name in order[position % len(order):] + order[:position % len(order)]:
                milliseconds, _ = timed(lambda e=built[name], p=probe: e.ask(p))
                times[name][-1].append(milliseconds)
                kinds[name].setdefault(_kind(probe), []).append(milliseconds)
        say(f"  round {number + 1}: " + ", ".join(
            f"{name} p50 {percentile(values[-1], 50):.1f} / p95 {percentile(values[-1], 95):.1f}"
            for name, values in times.items()) + " ms")
    all_keys: dict[str, list[float]] = {name: [] for name in built}
    for text in dict.fromkeys(probe.text for probe in probe_list):
        for name, engine in built.items():
            milliseconds, _ = timed(lambda e=engine, t=text: e.all_keys(t))
            all_keys[name].append(milliseconds)
    engines = {}
    for name, engine in built.items():
        p50s = [percentile(values, 50) for values in times[name]]
        p95s = [percentile(values, 95) for values in times[name]]
        engines[name] = {
            "build_seconds": round(engine.build_seconds, 2), "bytes": engine.bytes,
            "p50_ms": round(statistics.median(p50s), 2),
            "p95_ms": round(statistics.median(p95s), 2),
            "p95_ms_rounds": [round(value, 2) for value in p95s],
            "max_ms": round(max(max(values) for values in times[name]), 1),
            "by_kind": {kind: {"p50_ms": round(percentile(values, 50), 2),
                               "p95_ms": round(percentile(values, 95), 2)}
                        for kind, values in sorted(kinds[name].items())},
            "all_keys_p50_ms": round(percentile(all_keys[name], 50), 2),
            "all_keys_p95_ms": round(percentile(all_keys[name], 95), 2)}
    return {"rounds": rounds, "queries": len(probe_list), "engines": engines}


def _kind(probe: Probe) -> str:
    return probe.kind + (" +filter" if probe.filters else "") + (" +counts" if probe.counts else "")


def recall(built: dict, documents: list[Document]) -> list[dict]:
    """Check the issue's Chinese queries against the truth computed from the generated text."""
    vitamins = len(truth(documents, "维生素"))
    rows = []
    for text in RECALL_QUERIES:
        wanted = truth(documents, text)
        row = {"query": text, "truth": len(wanted), "engines": {}}
        for name, engine in built.items():
            found = set(engine.all_keys(text))
            row["engines"][name] = {
                "found": len(found), "recall": len(found & wanted) / len(wanted) if wanted else 1.0,
                "extra": len(found - wanted)}
        rows.append(row)
    rows.append({"query": "维生素 (any vitamin, for comparison)", "truth": vitamins, "engines": {}})
    return rows


def agreement(built: dict, probe_list: list[Probe]) -> dict:
    """Count the probes on which every engine returns the same total and the same counts."""
    same, differing = 0, []
    for probe in probe_list:
        answers = {name: engine.ask(probe) for name, engine in built.items()}
        first = next(iter(answers.values()))
        if all(a.total == first.total and a.counts == first.counts for a in answers.values()):
            same += 1
        else:
            differing.append(probe.label)
    return {"same": same, "queries": len(probe_list), "differing": differing[:10]}


def print_report(report: dict, say) -> None:
    """Print the tables: per engine, per query kind, recall, agreement, goals."""
    engines = report["engines"]
    say()
    say(f"Search at {report['records']:,} results: query latency in ms, median of "
        f"{report['rounds']} rounds' p50 and p95 over {report['queries']} mixed queries "
        f"(top {PAGE} keys + total, some with filters and counts per filter value)")
    rows = [["engine", "build s", "size MiB", "p50", "p95", "p95 per round", "max",
             "all keys p50/p95"]]
    for name, e in engines.items():
        rows.append([name + (" (adapter)" if name in ENGINES else ""), f"{e['build_seconds']:.1f}",
                     f"{e['bytes'] / 2**20:.1f}", f"{e['p50_ms']:.1f}", f"{e['p95_ms']:.1f}",
                     " ".join(f"{v:.0f}" for v in e["p95_ms_rounds"]), f"{e['max_ms']:.0f}",
                     f"{e['all_keys_p50_ms']:.1f} / {e['all_keys_p95_ms']:.1f}"])
    table(rows, say)
    say()
    say("By query kind (p50 / p95 ms, all rounds pooled)")
    kinds = sorted({kind for e in engines.values() for kind in e["by_kind"]})
    rows = [["kind", *engines]]
    for kind in kinds:
        cells = [e["by_kind"].get(kind) for e in engines.values()]
        rows.append([kind, *(f"{c['p50_ms']:.1f} / {c['p95_ms']:.1f}" if c else ""
                             for c in cells)])
    table(rows, say)
    say()
    say("Recall of the issue's Chinese queries (truth: results whose text contains the query)")
    rows = [["query", "truth", *(f"{name} found / recall / extra" for name in engines)]]
    for row in report["recall"]:
        rows.append([row["query"], f"{row['truth']:,}", *(
            f"{row['engines'][n]['found']:,} / {row['engines'][n]['recall']:.0%} / "
            f"{row['engines'][n]['extra']:,}" if n in row["engines"] else "" for n in engines)])
    table(rows, say)
    agreed = report["agreement"]
    say(f"Engines agree on totals and counts for {agreed['same']} of {agreed['queries']} queries"
        + (f"; differing: {', '.join(agreed['differing'])}" if agreed["differing"] else ""))


def goals(passes: list[dict]) -> list[dict]:
    """The issue's goals for every adapter engine at every size measured."""
    found = []
    for measured in passes:
        size = f"{measured['records']:,}"
        for name, engine in measured["engines"].items():
            if name not in ENGINES:
                continue
            label = name + (" (default)" if name == DEFAULT_ENGINE else "")
            found.append({"goal": f"{label} p95 ≤ {GOAL_P95_MS:.0f} ms at {size}",
                          "value": f"{engine['p95_ms']:.1f} ms",
                          "pass": engine["p95_ms"] <= GOAL_P95_MS})
            rows = [row for row in measured["recall"] if name in row["engines"]]
            worst = min((row["engines"][name]["recall"] for row in rows), default=1.0)
            extra = [row["query"] for row in rows if row["engines"][name]["extra"]]
            found.append({"goal": f"{label} recall of {' '.join(RECALL_QUERIES)} = 100 % at "
                                  f"{size}, nothing extra",
                          "value": f"{worst:.0%}" + (f"; extra for {' '.join(extra)}"
                                                     if extra else ""),
                          "pass": worst == 1.0 and not extra})
    return found


def table(rows: list[list[str]], say) -> None:
    """Print ``rows`` as aligned columns (Chinese characters take two columns)."""
    widths = [max(shown_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        say("  " + "  ".join(cell + " " * (width - shown_width(cell))
                             for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            say("  " + "  ".join("-" * width for width in widths))


def shown_width(text: str) -> int:
    """Return how many terminal columns ``text`` takes."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--records", type=int, default=int(os.environ.get(
        "BENCH_SEARCH_RECORDS", RECORDS)), help="generated results (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get(
        "BENCH_SEARCH_ROUNDS", ROUNDS)), help="rounds over the query set (default %(default)s)")
    parser.add_argument("--whoosh-records", type=int, default=int(os.environ.get(
        "BENCH_SEARCH_WHOOSH_RECORDS", WHOOSH_RECORDS)),
        help="size of the pass that includes Whoosh; 0 leaves Whoosh out (default %(default)s)")
    options = parser.parse_args(argv)
    run(max(1, options.records), max(1, options.rounds), max(0, options.whoosh_records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
