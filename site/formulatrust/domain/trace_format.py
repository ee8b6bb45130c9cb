"""Validate the trace data files enterprises import: factories, products, batches and serials.

The format is documented in ``docs/trace-import.md``. :func:`parse_trace_json`,
:func:`parse_serial_csv` and :func:`parse_file` never raise for bad content: they check the
whole file and return every problem found, each naming the record and the field. Callers must
write nothing when there is any problem. Checks that need the database are in
:mod:`formulatrust.scan.trace_import`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from formulatrust.domain.field_checks import (
    BAD,
    Checker,
    Field,
    Problem,
    boolean,
    gs1_code,
    gtin,
    integer_rule,
    iso_date,
    iso_date_text,
    pattern_rule,
    text_rule,
)

if TYPE_CHECKING:
    from _csv import Reader as csv_reader

CSV_HEADER = ["gtin", "lot", "serial"]
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LICENCE = re.compile(r"SC\d{14}")
_REGISTRATION = re.compile(r"国食注字YP\d{4,12}")




@dataclass
class FactoryRecord:
    """A production site; ``key`` names it inside the file only."""

    record: str
    key: str
    name_zh: str
    name_en: str
    licence_no: str
    address_zh: str
    address_en: str


@dataclass
class ProductRecord:
    """A product, keyed by its GTIN (normalised to 14 digits)."""

    record: str
    gtin: str
    brand: str
    name_zh: str
    name_en: str
    stage: int
    registration_no: str
    net_content_g: int


@dataclass
class BatchRecord:
    """A production lot of one product, with its provenance data and registered serials."""

    record: str
    gtin: str
    lot: str
    factory: str
    produced_on: date
    best_before: date
    milk_source: dict = field(default_factory=dict)
    raw_materials: list = field(default_factory=list)
    release_inspection: dict = field(default_factory=dict)
    serials: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SerialRow:
    """One row of a serial list: a can's serial in a batch; ``row`` is the CSV line number."""

    gtin: str
    lot: str
    serial: str
    row: int

    @property
    def record(self) -> str:
        """Return the row's name in problem reports."""
        return f"row {self.row}"


class SerialRows(list):
    """The rows of a serial CSV file, with the ``problems`` found in it."""

    def __init__(self, rows: list[SerialRow] | None = None,
                 problems: list[Problem] | None = None) -> None:
        super().__init__(rows or [])
        self.problems: list[Problem] = problems or []


@dataclass
class TraceDocument:
    """A whole import: JSON records and/or CSV serial rows, and the problems found in them."""

    enterprise: str = ""
    factories: list[FactoryRecord] = field(default_factory=list)
    products: list[ProductRecord] = field(default_factory=list)
    batches: list[BatchRecord] = field(default_factory=list)
    serial_rows: list[SerialRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def serial_count(self) -> int:
        """Count the serials listed in batches and serial rows."""
        return sum(len(b.serials) for b in self.batches) + len(self.serial_rows)


_optional_text = Field(text_rule(200), required=False)
MILK_SOURCE = {name: _optional_text for name in (
    "farms_zh", "farms_en", "region_zh", "region_en", "country_zh", "country_en", "collected")}
RAW_MATERIAL = {"name_zh": Field(text_rule(200)), "name_en": _optional_text,
                "origin_zh": _optional_text, "origin_en": _optional_text,
                "lot": Field(text_rule(40), required=False)}
INDICATOR = {"name_zh": Field(text_rule(200)), "name_en": _optional_text,
             "value": Field(text_rule(200)), "limit": Field(text_rule(300), required=False)}
INSPECTION = {"date": Field(iso_date_text), "passed": Field(boolean),
              "indicators": Field([INDICATOR], required=False)}
FACTORY = {
    "key": Field(text_rule(40)), "name_zh": Field(text_rule(200)), "name_en": Field(text_rule(200)),
    "licence_no": Field(pattern_rule(_LICENCE, " SC 加 14 位数字", "SC followed by 14 digits")),
    "address_zh": Field(text_rule(300)), "address_en": Field(text_rule(300)),
}
PRODUCT = {
    "gtin": Field(gtin), "brand": Field(pattern_rule(_SLUG, "品牌标识（小写字母、数字、连字符）",
                                            "a brand slug (lower-case letters, digits, hyphens)")),
    "name_zh": Field(text_rule(200)), "name_en": Field(text_rule(200)),
    "stage": Field(integer_rule(1, 3)),
    "registration_no": Field(pattern_rule(_REGISTRATION, "“国食注字YP”加数字",
                                   "“国食注字YP” followed by digits")),
    "net_content_g": Field(integer_rule(1, 100_000)),
}
BATCH = {
    "gtin": Field(gtin), "lot": Field(gs1_code), "factory": Field(text_rule(40)),
    "produced_on": Field(iso_date), "best_before": Field(iso_date),
    "milk_source": Field(MILK_SOURCE, False, dict),
    "raw_materials": Field([RAW_MATERIAL], False, list),
    "release_inspection": Field(INSPECTION, False, dict), "serials": Field([gs1_code], False, list),
}
SECTIONS = ("factories", "products", "batches")


# --- JSON documents ---------------------------------------------------------------------------


def parse_trace_json(text: str) -> TraceDocument:
    """Check a JSON trace document; return its valid records and every problem found."""
    checker = Checker()
    data = _load_json(text, checker)
    if data is BAD:
        return TraceDocument(problems=checker.problems)
    if not isinstance(data, dict):
        checker.report("document", "-", "顶层必须是 JSON 对象 {…}",
                       "the top level must be a JSON object {…}")
        return TraceDocument(problems=checker.problems)
    document = TraceDocument(enterprise=_enterprise(data, checker))
    checker._unknown(data, {"enterprise": 0, **dict.fromkeys(SECTIONS)}, "document", "")
    document.factories = _section(data, "factories", FACTORY, FactoryRecord, checker)
    document.products = _section(data, "products", PRODUCT, ProductRecord, checker)
    document.batches = _section(data, "batches", BATCH, BatchRecord, checker)
    _cross_checks(document, checker)
    document.problems = checker.problems
    return document


def _load_json(text: str, checker: Checker) -> Any:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        result: dict = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        checker.report(f"line {exc.lineno}, column {exc.colno}", "JSON",
                       f"JSON 语法错误：{exc.msg}", f"JSON syntax error: {exc.msg}")
        return BAD
    for key in duplicates:
        checker.report("document", key, "同一个对象里出现了两次（后者会覆盖前者）",
                       "appears twice in the same object (one would silently win)")
    return BAD if duplicates else data


def _enterprise(data: dict, checker: Checker) -> str:
    if data.get("enterprise") is None:
        checker.report("document", "enterprise", "缺少必填字段", "required field is missing")
        return ""
    rule = pattern_rule(_SLUG, "企业标识（小写字母、数字、连字符）",
                    "an enterprise slug (lower-case letters, digits, hyphens)")
    slug = checker.value(data["enterprise"], rule, "document", "enterprise")
    return "" if slug is BAD else slug


def _label(section: str, index: int, item: object) -> str:
    name = {"factories": "key", "products": "gtin", "batches": "lot"}[section]
    value = item.get(name) if isinstance(item, dict) else None
    label = f"{section}[{index}]"
    return f"{label} ({name} {value})" if isinstance(value, str) else label


def _section(data: dict, section: str, spec: dict, cls: type, checker: Checker) -> list:
    items = data.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        checker.report("document", section, "必须是 JSON 数组 […]", "must be a JSON array […]")
        return []
    records = []
    for index, item in enumerate(items):
        label = _label(section, index, item)
        values = checker.record(item, spec, label)
        if values is not None:
            records.append(cls(record=label, **values))
    return records


def _cross_checks(document: TraceDocument, checker: Checker) -> None:
    _unique(document.factories, lambda f: f.key, "key", checker)
    _unique(document.factories, lambda f: f.licence_no, "licence_no", checker)
    _unique(document.products, lambda p: p.gtin, "gtin", checker)
    _unique(document.batches, lambda b: (b.gtin, b.lot), "lot", checker)
    for batch in document.batches:
        _batch_checks(batch, checker)


def _unique(records: list, key: Callable[[Any], Any], where: str, checker: Checker) -> None:
    seen: dict = {}
    for record in records:
        first = seen.setdefault(key(record), record)
        if first is not record:
            checker.report(record.record, where, f"与 {first.record} 重复",
                           f"duplicate of {first.record}")


def _batch_checks(batch: BatchRecord, checker: Checker) -> None:
    if batch.best_before <= batch.produced_on:
        checker.report(batch.record, "best_before", "保质期至必须晚于生产日期",
                       "best_before must be after produced_on")
    inspected = batch.release_inspection.get("date")
    if inspected is not None and date.fromisoformat(inspected) < batch.produced_on:
        checker.report(batch.record, "release_inspection.date", "出厂检验日期早于生产日期",
                       "the release inspection is dated before production")
    seen: dict[str, int] = {}
    for index, serial in enumerate(batch.serials):
        first = seen.setdefault(serial, index)
        if first != index:
            checker.report(batch.record, f"serials[{index}]", f"与 serials[{first}] 重复",
                           f"duplicate of serials[{first}]")


# --- CSV serial lists ---------------------------------------------------------------------------


def parse_serial_csv(text: str) -> SerialRows:
    """Check a ``gtin,lot,serial`` CSV list; return its valid rows, with ``.problems``."""
    rows = SerialRows()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
        if header is None or [cell.strip().lower() for cell in header] != CSV_HEADER:
            rows.problems.append(Problem("row 1", "header", "表头必须是 gtin,lot,serial",
                                         "the header must be gtin,lot,serial"))
            return rows
        _serial_rows(reader, rows)
    except csv.Error as exc:
        rows.problems.append(Problem(f"row {reader.line_num}", "CSV", f"CSV 格式错误：{exc}",
                                     f"CSV syntax error: {exc}"))
    return rows


def _serial_rows(reader: csv_reader, rows: SerialRows) -> None:
    checker = Checker()
    cache: dict[tuple[str, str], str] = {}
    seen: dict[tuple[str, str], dict[str, int]] = {}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row = _serial_row(cells, reader.line_num, checker, cache)
        if row is None:
            continue
        first = seen.setdefault((row.gtin, row.lot), {}).setdefault(row.serial, row.row)
        if first != row.row:
            checker.report(row.record, "serial", f"与 row {first} 重复",
                           f"duplicate of row {first}")
        else:
            rows.append(row)
    rows.problems.extend(checker.problems)


def _serial_row(cells: list[str], line: int, checker: Checker,
                cache: dict[tuple[str, str], str]) -> SerialRow | None:
    record = f"row {line}"
    if len(cells) != len(CSV_HEADER):
        checker.report(record, "-", f"应有 3 列，实有 {len(cells)} 列",
                       f"expected 3 columns, found {len(cells)}")
        return None
    values = [_cached(cell, rule, name, record, checker, cache)
              for cell, rule, name in zip(cells, (gtin, gs1_code, gs1_code), CSV_HEADER,
                                          strict=True)]
    if any(value is BAD for value in values):
        return None
    gtin_value, lot, serial = values
    return SerialRow(gtin_value, lot, serial, line)


def _cached(cell: str, rule: Callable, name: str, record: str, checker: Checker,
            cache: dict[tuple[str, str], str]) -> Any:
    """Check a cell; remember valid GTINs and lots, which repeat on every row of a batch."""
    known = cache.get((name, cell))
    if known is not None:
        return known
    value = checker.value(cell, rule, record, name)
    if value is not BAD and name != "serial":
        cache[name, cell] = value  # also shares one string object per GTIN and lot
    return value


# --- files --------------------------------------------------------------------------------------


def parse_file(name: str, data: bytes) -> TraceDocument:
    """Decode an uploaded ``.json`` or ``.csv`` file (UTF-8, BOM allowed) and check it."""
    suffix = name.lower().rpartition(".")[2]
    if suffix not in ("json", "csv"):
        return TraceDocument(problems=[Problem(name, "file", "文件必须是 .json 或 .csv",
                                               "the file must be .json or .csv")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return TraceDocument(problems=[Problem(
            name, "encoding", f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
            f"the file is not UTF-8 (byte {exc.start})")])
    if suffix == "json":
        return parse_trace_json(text)
    rows = parse_serial_csv(text)
    return TraceDocument(serial_rows=rows, problems=rows.problems)
