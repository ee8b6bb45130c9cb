"""Pasted statistics tables: what is accepted, and every problem named by row and column."""

from __future__ import annotations

import pytest

from formulatrust.domain.bulletin_tables import (
    MAX_ROWS,
    Problem,
    StatisticsError,
    Table,
    parse_table,
)


def problems(text: str) -> list[Problem]:
    with pytest.raises(StatisticsError) as caught:
        parse_table(text)
    return caught.value.problems


@pytest.mark.parametrize("text", [
    "月份,产量（吨）,销量（吨）\n2026-07,1250,1180\n2026-08,1310.5,1265",
    "月份\t产量（吨）\t销量（吨）\n2026-07\t1250\t1180\n2026-08\t1310.5\t1265\n",  # spreadsheet
    "月份，产量（吨），销量（吨）\n2026-07，１２５０，1180\n\n2026-08，1310.5，1265",  # full width
    '月份,产量（吨）,销量（吨）,\n2026-07,"1,250",1180,\n2026-08, 1 310.5 ,1265',
])
def test_common_ways_of_pasting_give_the_same_table(text):
    table = parse_table(text)
    assert table.period == "月份"
    assert table.series == ["产量（吨）", "销量（吨）"]
    assert table.rows == [("2026-07", [1250, 1180]), ("2026-08", [1310.5, 1265])]
    assert isinstance(table.rows[0][1][0], int)


def test_a_table_survives_storage_and_editing():
    table = parse_table("Quarter,Sales\n2026 Q1,12.50\n2026 Q2,7")
    table.title_zh, table.chart = "季度销量", "column"
    again = Table.from_json(table.to_json())
    assert again.to_json() == table.to_json()
    assert again.to_text() == "Quarter,Sales\n2026 Q1,12.5\n2026 Q2,7"
    assert parse_table(again.to_text()).rows == table.rows
    assert again.values(0) == [12.5, 7]


@pytest.mark.parametrize(("text", "expected"), [
    ("", [Problem("empty")]),
    ("  \n\n", [Problem("empty")]),
    ("月份\n2026-07", [Problem("no_series", row=1)]),
    ("月份,产量", [Problem("no_rows")]),
    ("月份,,产量\n2026-07,1,2", [Problem("heading_blank", row=1, column=2)]),
    ("月份,产量,产量\n2026-07,1,2", [Problem("heading_duplicate", row=1, column=3, value="产量")]),
    ("月份,产量\n2026-07,1,2,3", [Problem("cell_count", row=2, value="4", expected=2)]),
    ("月份,产量\n,5", [Problem("period_blank", row=2, column=1, name="月份")]),
    ("月份,产量\n7月,1\n7月,2", [Problem("period_duplicate", row=3, column=1, value="7月")]),
    ("月份,产量\n7月,", [Problem("value_blank", row=2, column=2, name="产量")]),
    ("月份,产量\n7月,12吨", [Problem("not_a_number", row=2, column=2, value="12吨", name="产量")]),
    ("月份,产量\n7月,1e5", [Problem("not_a_number", row=2, column=2, value="1e5", name="产量")]),
    ("月份,产量\n7月,-3", [Problem("negative", row=2, column=2, value="-3", name="产量")]),
    ("月份,产量\n7月,9999999999999", [Problem("too_large", row=2, column=2,
                                                value="9999999999999", name="产量")]),
])
def test_each_problem_names_where_it_is(text, expected):
    assert problems(text) == expected


def test_every_bad_cell_is_reported_not_just_the_first():
    found = problems("月份,产量,销量\n7月,x,1\n8月,2,y\n9月,3")
    assert [(p.code, p.row, p.column) for p in found] == [
        ("not_a_number", 2, 2), ("not_a_number", 3, 3), ("cell_count", 4, 0)]


def test_size_limits():
    rows = "\n".join(f"{n},1" for n in range(MAX_ROWS + 1))
    assert [p.code for p in problems("期,值\n" + rows)] == ["too_many_rows"]
    header = "期," + ",".join(f"s{n}" for n in range(9))
    assert [p.code for p in problems(header + "\n1," + ",".join("1" * 9))] == ["too_many_series"]
    assert [p.code for p in problems("期," + "名" * 61 + "\n1,1")] == ["heading_too_long"]
