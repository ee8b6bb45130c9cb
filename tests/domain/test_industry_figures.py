"""The rules of an industry statistics file: every problem named by row and column, in Chinese
and English, and no figure kept from a file with any problem."""

from __future__ import annotations

from decimal import Decimal

import pytest

from formulatrust.domain.industry_figures import check_file, normalise_period

HEADER = "period,category_zh,stage_zh,measure,value,unit,source_zh\n"


def problems(text: str) -> list[tuple[int, str, str]]:
    checked = check_file(text.encode())
    assert not (checked.problems and checked.figures), "a file with a problem keeps nothing"
    return [(p.row, p.column, p.message_en) for p in checked.problems]


@pytest.mark.parametrize(("typed", "period"), [
    ("2026-03", "2026-03"), ("2026/03", "2026-03"), ("2026年03月", "2026-03"),
    ("2026-Q1", "2026-Q1"), ("2026q4", "2026-Q4"), ("2026-13", None), ("1999-01", None),
    ("2026-Q5", None), ("March", None)])
def test_periods_are_months_or_quarters(typed, period):
    assert normalise_period(typed) == period


def test_a_good_file_gives_its_figures_with_the_measures_unit():
    checked = check_file((HEADER + "2026-01,婴儿配方乳粉,1段,销售额,\"1,250,000\",元,月报\n"
                          "2026-Q1,婴儿配方乳粉,,产量,3600.5,,季报\n").encode("gb18030"))
    assert checked.problems == []
    assert [(f.period, f.measure, f.value, f.unit, f.stage_zh) for f in checked.figures] == [
        ("2026-01", "sales_value", Decimal("1250000"), "yuan", "1段"),
        ("2026-Q1", "production_volume", Decimal("3600.5"), "t", "")]


def test_every_problem_is_named_by_row_and_column():
    assert problems(HEADER + "2026-01,婴儿配方乳粉,1段,产量,1250,元,月报\n"
                             "2026-01,婴儿配方乳粉,1段,产量,1250,吨,月报\n"
                             "2026-01,婴儿配方乳粉,1段,产量,1300,吨,月报\n"
                             "2026-02,,1段,利润,-1,吨,\n") == [
        (2, "unit", "The unit must be tonnes (t) for this measure."),
        (4, "value", "Row 3 already gives this figure (same period, category, stage and "
                     "measure)."),
        (5, "category_zh", "“Category (Chinese)” must not be empty."),
        (5, "source_zh", "“Source note (Chinese)” must not be empty."),
        (5, "measure", "The measure must be production_volume, sales_volume or sales_value "
                       "(产量, 销量 or 销售额)."),
        (5, "value", "The value must be a number of 0 or more (at most 3 decimals), such as "
                     "1250 or 1,250.5.")]


def test_unknown_and_missing_columns_are_named_in_the_header_row():
    assert problems("period,category_zh,measure,value,colour\n") == [
        (1, "colour", "This column is not one we know. Columns: period, category_zh, "
                      "category_en, stage_zh, stage_en, measure, value, unit, source_zh, "
                      "source_en."),
        (1, "Source note (Chinese)", "The column “Source note (Chinese)” (source_zh) is "
                                     "missing.")]


def test_files_that_are_not_csv_tables_are_refused_not_crashed_on():
    assert problems("") == [(1, "", "The file is empty.")]
    assert problems("period\n" + "a" * 200_000) == [
        (1, "", "The file is not a CSV table we can read.")]
    assert check_file(b"\x89PNG\r\n\x1a\n\x00\x00").problems[0].message_en == (
        "The file must be CSV text in UTF-8 or GB18030.")
