"""The search bench itself, on a few hundred records: it must report, never judge speed here."""

from __future__ import annotations

import io

from bench import search as bench


def test_generated_results_are_fictional_deterministic_and_about_two_percent_failing():
    records = bench.generate(5_000)
    assert records[:50] == bench.generate(50)
    assert 0.01 < sum(not r.compliant for r in records) / len(records) < 0.03
    assert all(r.failed_items for r in records if not r.compliant)
    assert len({r.sample_no for r in records}) == len(records)


def test_documents_have_the_sites_shape_and_their_filters():
    record = next(r for r in bench.generate(2_000) if not r.compliant)
    document = bench.document(record)
    assert (document.kind, document.key, document.title_zh) == (
        "result", str(record.id), record.product_name)
    assert record.enterprise_name in document.body and "不合格" in document.body
    assert ("year", str(record.year)) in document.filters
    assert ("item", record.failed_items[0][0]) in document.filters


def test_the_query_set_mixes_kinds_filters_and_counts():
    probes = bench.probes(bench.generate(500))
    assert {p.kind for p in probes} == {"char", "term", "name", "lot", "english"}
    assert {(bool(p.filters), p.counts) for p in probes} == {
        (False, False), (True, False), (False, True), (True, True)}
    assert {"乳业", "阪崎", "硒", "维生素A"} <= {p.text for p in probes}


def test_a_small_run_prints_every_report_line_and_finds_everything():
    out = io.StringIO()
    report = bench.run(records=400, rounds=1, whoosh_records=300, out=out)
    text = out.getvalue()
    for line in ("Search at 300 results", "Search at 400 results", "By query kind",
                 "Recall of the issue's Chinese queries", "Search goals"):
        assert line in text
    small, full = report["passes"]
    assert list(small["engines"]) == ["tantivy", "whoosh", "fts5"]
    assert list(full["engines"]) == ["tantivy", "fts5"]
    for measured in (small, full):
        agreed = measured["agreement"]
        assert agreed["same"] == agreed["queries"], agreed["differing"]
        for row in measured["recall"]:
            for found in row["engines"].values():
                assert (found["recall"], found["extra"]) == (1.0, 0), row
        for engine in measured["engines"].values():
            assert engine["bytes"] > 0 and engine["p95_ms"] >= engine["p50_ms"] > 0
    recall_goals = [g for g in report["goals"] if "recall" in g["goal"]]
    assert len(recall_goals) == 3 and all(g["pass"] for g in recall_goals)


def test_the_command_line_runs_a_quick_pass(capsys):
    assert bench.main(["--records", "200", "--rounds", "1", "--whoosh-records", "0"]) == 0
    out = capsys.readouterr().out
    assert "tantivy (adapter)" in out and "fts5" in out and "whoosh" not in out
