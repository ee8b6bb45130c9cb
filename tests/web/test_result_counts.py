"""/api/v1/results/counts: how many results have each value of a field, like openFDA's count=,
with the filters of /api/v1/results. Expected numbers come from SQL written here."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from formulatrust.core import demo


@pytest.fixture
def demo_data(session):
    demo.build(session)
    session.commit()


def grouped(session, sql: str) -> dict:
    return {value: count for value, count in session.execute(text(sql))}


def answer(client, query: str) -> dict:
    response = client.get(f"/api/v1/results/counts?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def test_failed_items_counted_in_one_year_match_sql(client, session, demo_data):
    body = answer(client, "field=failed_item&year=2025&compliant=no&limit=1000")
    expected = grouped(session, """
        SELECT f.item, COUNT(*) FROM failed_item f JOIN sampling_result r ON r.id = f.result_id
        WHERE r.compliant = false AND r.announced_on BETWEEN '2025-01-01' AND '2025-12-31'
        GROUP BY f.item""")
    assert expected and {c["value"]: c["count"] for c in body["counts"]} == expected
    assert [c["count"] for c in body["counts"]] == sorted(expected.values(), reverse=True)
    assert body["total"] == session.scalar(text(
        "SELECT COUNT(*) FROM sampling_result WHERE compliant = false "
        "AND announced_on BETWEEN '2025-01-01' AND '2025-12-31'"))


def test_provinces_and_years_match_sql(client, session, demo_data):
    provinces = answer(client, "field=province&limit=1000")["counts"]
    assert {c["value"]: c["count"] for c in provinces} == grouped(session, """
        SELECT province, COUNT(*) FROM sampling_result WHERE province <> ''
        GROUP BY province""")
    years = answer(client, "field=year&limit=1000")["counts"]
    by_year: dict[int, int] = {}
    for (announced,) in session.execute(text(
            "SELECT announced_on FROM sampling_result WHERE announced_on IS NOT NULL")):
        year = int(str(announced)[:4])
        by_year[year] = by_year.get(year, 0) + 1
    assert {c["value"]: c["count"] for c in years} == by_year
    assert [c["value"] for c in years] == sorted(by_year, reverse=True)  # newest first


def test_compliance_is_counted_as_the_filter_writes_it(client, session, demo_data):
    counts = {c["value"]: c["count"] for c in answer(client, "field=compliant")["counts"]}
    assert counts == {"yes": session.scalar(text(
        "SELECT COUNT(*) FROM sampling_result WHERE compliant = true")),
        "no": session.scalar(text("SELECT COUNT(*) FROM sampling_result WHERE compliant = false"))}


def test_the_limit_keeps_the_most_frequent(client, demo_data):
    top = answer(client, "field=lab&limit=2")["counts"]
    everything = answer(client, "field=lab&limit=1000")["counts"]
    assert top == everything[:2] and len(everything) > 2


@pytest.mark.parametrize(("query", "parameter"), [
    ("field=colour", "field"), ("", "field"), ("field=lab&limit=0", "limit"),
    ("field=lab&limit=abc", "limit"), ("field=lab&year=nineteen", "year"),
])
def test_a_bad_parameter_is_named_in_both_languages(client, query, parameter):
    response = client.get(f"/api/v1/results/counts?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and error["messages"]["zh"] and \
        error["messages"]["en"] and error["messages"]["zh"] != error["messages"]["en"]
