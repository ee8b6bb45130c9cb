"""The /results bench on a few hundred results: it imports them through ``results import`` in
both published layouts, serves real searches and reports them, never judging speed here."""

from __future__ import annotations

from bench import published_tables, results_page
from bench.search_data import generate
from formulatrust.domain.results_import import parse_file


def test_generated_tables_read_back_as_the_same_results_in_both_layouts(tmp_path):
    records = generate(400)
    files = published_tables.write(tmp_path, records, rows_per_file=150)
    parsed = {layout: [record for path in paths for record in parse_file(path).records]
              for layout, paths in files.items()}
    assert {layout: parse_file(paths[0]).layout for layout, paths in files.items()} == {
        "compliant": "compliant", "noncompliant": "noncompliant"}
    failing = [r for r in records if not r.compliant]
    assert [r.sample_no for r in parsed["noncompliant"]] == [r.sample_no for r in failing]
    assert [[f.item for f in r.failed_items] for r in parsed["noncompliant"]] == [
        [item for item, _ in r.failed_items] for r in failing]
    assert any(len(r.failed_items) > 1 for r in failing)  # continuation rows are exercised
    assert len(parsed["compliant"]) == len(records) - len(failing)
    assert all(r.compliant for r in parsed["compliant"])
    assert len(files["compliant"]) == 3  # at most 150 samples a file


def test_a_small_run_imports_both_layouts_serves_every_search_and_reports_the_goals(
        tmp_path, capsys):
    result = results_page.run(tmp_path, records=300, seconds=0.5, rounds=1, connections=2,
                              client_processes=1)
    assert result["stored"] == 300
    assert result["imported"]["noncompliant"] > 0
    assert result["imported"]["compliant"] + result["imported"]["noncompliant"] == 300
    assert result["requests"] == result["queries"] * results_page.LATENCY_ROUNDS
    assert result["requests_per_s"]["broad"] > 0 and result["requests_per_s"]["healthz"] > 0
    results_page.print_result(result)
    printed = capsys.readouterr().out
    assert "results import" in printed and "search reindex" in printed
    assert "p95" in printed and "/results?q=上海" in printed
    assert [goal["goal"].split(":")[0] for goal in results_page.goals(result)] == [
        "/results with a query at 300 results", "/results?q=上海 at 300 results"]


def test_the_large_run_is_judged_within_twice_the_small_runs_figures():
    small = {"records": 100_000, "p50_ms": 10.0, "p95_ms": 40.0, "broad_vs_healthz": 1.0}
    large = {"records": 1_000_000, "p50_ms": 25.0, "p95_ms": 70.0, "broad_vs_healthz": 0.6}
    judged = results_page.scaling_goals(small, large)
    assert [goal["pass"] for goal in judged] == [False, True, True]  # 2.5×, 1.75×, 1.67× lower
    assert all("1,000,000 results within 2× of 100,000" in goal["goal"] for goal in judged)
    slower = results_page.scaling_goals(small, {**large, "broad_vs_healthz": 0.4})
    assert not slower[2]["pass"]  # 2.5× lower share of /healthz
