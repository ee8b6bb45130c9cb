"""The /results bench on a few hundred results: it serves real searches and reports them,
never judging speed here."""

from __future__ import annotations

from bench import results_page


def test_a_small_run_serves_every_search_and_reports_both_goals(tmp_path, capsys):
    result = results_page.run(tmp_path, records=300, seconds=0.5, rounds=1, connections=2,
                              client_processes=1)
    assert result["records"] == 300
    assert result["requests"] == result["queries"] * results_page.LATENCY_ROUNDS
    assert result["requests_per_s"]["broad"] > 0 and result["requests_per_s"]["healthz"] > 0
    results_page.print_result(result)
    printed = capsys.readouterr().out
    assert "p95" in printed and "/results?q=上海" in printed
    assert [goal["goal"].split(":")[0] for goal in results_page.goals(result)] == [
        "/results with a query at 300 results", "/results?q=上海 throughput ≥ 30% of /healthz"]
