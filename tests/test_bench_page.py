"""`make bench`'s page part judges each page against the hello route measured in the same
round, taking the median over rounds, so a round the machine was busy for cannot decide it."""

from __future__ import annotations

from bench import run


def result(name: str, rounds: list[float]) -> dict:
    return {"name": name, "requests_per_s": sum(rounds) / len(rounds),
            "rounds_requests_per_s": rounds, "errors": 0}


def test_pages_are_judged_by_the_median_of_their_ratios_round_by_round():
    # Round 2 the machine was busy while hello ran, round 3 while the JSON ran.
    results = [result("hello", [4000, 1000, 4000]), result("healthz", [2000, 500, 2000]),
               result("provenance-html", [1600, 1500, 1500]),
               result("provenance-json", [2200, 2100, 800]), result("home", [2400, 2400, 2400])]
    goals = {goal["goal"]: goal for goal in run.judge(results, None)}
    json_goal = goals["provenance-json throughput ≥ 0.50× the hello route"]
    assert json_goal["value"] == "0.55×" and json_goal["pass"]  # 0.55, 2.1 and 0.2
    html_goal = goals["provenance-html throughput ≥ 0.35× the hello route"]
    assert html_goal["value"] == "0.40×" and html_goal["pass"]  # 0.4, 1.5 and 0.375
    assert goals["home throughput ≥ 0.50× the hello route"]["value"] == "0.60×"
    assert [r["vs_healthz"] for r in results] == [2.0, 1.0, 0.8, 1.1, 1.2]
