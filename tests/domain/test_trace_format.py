"""Tests for checking trace import files: JSON documents and CSV serial lists."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

import pytest

from formulatrust.domain.trace_format import Problem, parse_file, parse_serial_csv, parse_trace_json

DOC_PATH = Path(__file__).parents[2] / "docs" / "trace-import.md"
GTIN = "09521234500049"


def doc_example() -> dict:
    """Return the full JSON example from docs/trace-import.md."""
    block = re.search(r"```json\n(.*?)```", DOC_PATH.read_text("utf-8"), re.S)
    return json.loads(block.group(1))


def parse(data: dict):
    return parse_trace_json(json.dumps(data, ensure_ascii=False))


def places(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.record, p.field) for p in problems}


def test_documented_example_is_valid_and_normalised():
    document = parse(doc_example())
    assert document.problems == []
    assert document.enterprise == "test-dairy"
    assert [f.key for f in document.factories] == ["main"]
    batch = document.batches[0]
    assert (batch.gtin, batch.lot, batch.produced_on) == (GTIN, "20260301A1", date(2026, 3, 1))
    assert batch.release_inspection["date"] == "2026-03-08"  # stays JSON text
    assert batch.serials == ["A0000001", "A0000002", "A0000003"]
    assert document.serial_count == 3


def test_short_gtins_are_padded_and_optional_sections_default_empty():
    data = doc_example()
    data["products"][0]["gtin"] = GTIN[1:]  # GTIN-13
    del data["batches"][0]["milk_source"], data["batches"][0]["serials"]
    document = parse(data)
    assert document.problems == []
    assert document.products[0].gtin == GTIN
    assert document.batches[0].milk_source == {} and document.batches[0].serials == []


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("products", 0, "gtin"), "09521234500048", "gtin"),  # check digit
        (("products", 0, "gtin"), 9521234500049, "gtin"),  # a number loses leading zeros
        (("products", 0, "stage"), 4, "stage"),
        (("products", 0, "stage"), True, "stage"),
        (("products", 0, "net_content_g"), "800", "net_content_g"),
        (("products", 0, "registration_no"), "YP2018", "registration_no"),
        (("products", 0, "brand"), "Test Brand", "brand"),
        (("factories", 0, "licence_no"), "SC1063", "licence_no"),
        (("factories", 0, "name_en"), "", "name_en"),
        (("batches", 0, "lot"), "2026/03/01 A1", "lot"),  # space is not CSET 82
        (("batches", 0, "lot"), "L" * 21, "lot"),
        (("batches", 0, "produced_on"), "2026-02-30", "produced_on"),
        (("batches", 0, "produced_on"), "01/03/2026", "produced_on"),
        (("batches", 0, "best_before"), "2026-03-01", "best_before"),  # not after produced_on
        (("batches", 0, "milk_source"), ["farm"], "milk_source"),
        (("batches", 0, "raw_materials", 1, "name_zh"), None, "raw_materials[1].name_zh"),
        (("batches", 0, "release_inspection", "passed"), "yes", "release_inspection.passed"),
        (("batches", 0, "release_inspection", "date"), "2026-02-01", "release_inspection.date"),
        (("batches", 0, "release_inspection", "indicators", 0, "value"), 0.52,
         "release_inspection.indicators[0].value"),
        (("batches", 0, "serials", 1), "Ä1", "serials[1]"),
        (("batches", 0, "serials", 2), "A0000001", "serials[2]"),  # duplicate
    ],
)
def test_each_bad_value_is_named_by_record_and_field(path, value, field):
    data = doc_example()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    document = parse(data)
    record = {"products": "products[0]", "factories": "factories[0] (key main)",
              "batches": "batches[0] (lot "}[path[0]]
    assert [p.field for p in document.problems] == [field]
    assert document.problems[0].record.startswith(record)
    assert document.problems[0].message_zh and document.problems[0].message_en


def test_every_bad_record_is_reported_and_only_good_ones_kept():
    data = doc_example()
    good = data["batches"][0]
    data["products"].append({**data["products"][0], "gtin": "123", "colour": "blue"})
    data["batches"] += [
        {**good, "lot": "20260301A1"},  # duplicate lot for the same GTIN
        {**good, "lot": "B2", "best_before": "2020-01-01", "milk_source": {"farm": "x"}},
        {key: value for key, value in good.items() if key != "factory"} | {"lot": "B3"},
    ]
    data["extra"] = 1
    document = parse(data)
    assert places(document.problems) == {
        ("document", "extra"),
        ("products[1] (gtin 123)", "gtin"), ("products[1] (gtin 123)", "colour"),
        ("batches[1] (lot 20260301A1)", "lot"),
        ("batches[2] (lot B2)", "milk_source.farm"),
        ("batches[3] (lot B3)", "factory"),
    }
    assert [p.record for p in document.problems if p.field == "lot"] == [
        "batches[1] (lot 20260301A1)"]
    assert len(document.products) == 1


def test_best_before_is_checked_once_the_record_is_otherwise_valid():
    data = doc_example()
    data["batches"].append({**data["batches"][0], "lot": "B2", "best_before": "2020-01-01"})
    assert places(parse(data).problems) == {("batches[1] (lot B2)", "best_before")}


def test_duplicate_gtin_lot_counts_padded_gtins_as_equal():
    data = doc_example()
    data["batches"].append({**data["batches"][0], "gtin": GTIN[1:], "serials": []})
    problems = parse(data).problems
    assert [(p.record, p.field) for p in problems] == [("batches[1] (lot 20260301A1)", "lot")]
    assert "batches[0]" in problems[0].message_en


def test_json_syntax_errors_give_line_and_column():
    problems = parse_trace_json('{\n  "enterprise": "test-dairy",\n  "products": [}\n').problems
    assert len(problems) == 1
    assert problems[0].record == "line 3, column 16" and problems[0].field == "JSON"
    assert "syntax" in problems[0].message_en


def test_duplicate_keys_and_wrong_shapes_are_reported():
    assert places(parse_trace_json('{"enterprise": "a", "enterprise": "b"}').problems) == {
        ("document", "enterprise")}
    assert places(parse_trace_json("[]").problems) == {("document", "-")}
    assert places(parse_trace_json('{"products": {}}').problems) == {
        ("document", "enterprise"), ("document", "products")}
    assert places(parse_trace_json('{"enterprise": "x", "batches": [1]}').problems) == {
        ("batches[0]", "-")}


def test_missing_required_fields_are_each_reported():
    data = {"enterprise": "test-dairy", "factories": [{"key": "main"}]}
    fields = {p.field for p in parse(data).problems}
    assert fields == {"name_zh", "name_en", "licence_no", "address_zh", "address_en"}


def test_empty_release_inspection_means_none():
    data = doc_example()
    data["batches"][0]["release_inspection"] = {}
    assert parse(data).problems == []


def test_input_is_not_modified_by_checking():
    data = doc_example()
    before = copy.deepcopy(data)
    parse(data)
    assert data == before


# --- CSV ---------------------------------------------------------------------------------------


def test_serial_csv_with_bom_and_blank_lines():
    rows = parse_serial_csv(f"\ufeffGTIN, lot ,serial\r\n{GTIN[1:]},L1,S1\r\n\r\n{GTIN},L1,S2\r\n")
    assert rows.problems == []
    assert [(r.gtin, r.lot, r.serial, r.row) for r in rows] == [
        (GTIN, "L1", "S1", 2), (GTIN, "L1", "S2", 4)]


def test_serial_csv_reports_every_bad_row():
    text = (f"gtin,lot,serial\n{GTIN},L1,S1\n{GTIN},L1,S1\n{GTIN},L2,S1\n"
            f"09521234500048,L1,S3\n{GTIN},L1\n{GTIN},L 1,S4\n{GTIN},L1,{'S' * 21}\n")
    rows = parse_serial_csv(text)
    assert [(p.record, p.field) for p in rows.problems] == [
        ("row 3", "serial"), ("row 5", "gtin"), ("row 6", "-"), ("row 7", "lot"),
        ("row 8", "serial")]
    assert "row 2" in rows.problems[0].message_en
    assert [(r.lot, r.serial) for r in rows] == [("L1", "S1"), ("L2", "S1")]


@pytest.mark.parametrize("text", ["", "serial,gtin,lot\n", "gtin;lot;serial\n"])
def test_serial_csv_needs_its_header(text):
    assert places(parse_serial_csv(text).problems) == {("row 1", "header")}


def test_parse_file_picks_the_parser_and_checks_encoding():
    csv_document = parse_file("serials.CSV", f"gtin,lot,serial\n{GTIN},L1,S1\n".encode())
    assert csv_document.problems == [] and csv_document.serial_count == 1
    json_document = parse_file("data.json", DOC_PATH.read_bytes().split(b"```json\n")[1]
                               .split(b"```")[0])
    assert json_document.problems == [] and json_document.enterprise == "test-dairy"
    assert places(parse_file("x.json", "{}".encode("utf-16")).problems) == {("x.json", "encoding")}
    assert places(parse_file("x.xlsx", b"").problems) == {("x.xlsx", "file")}


def test_problem_prints_record_field_and_both_messages():
    problem = Problem("row 7", "lot", "批号错误", "bad lot")
    assert str(problem) == "row 7 · lot: 批号错误 / bad lot"
