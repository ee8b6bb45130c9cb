"""Validate the trace data files enterprises import: factories, products, batches and serials.

The format is documented in ``docs/trace-import.md``. :func:`parse_trace_json`,
:func:`parse_serial_csv` and :func:`parse_file` never raise for bad content: they check the
whole file and return every problem found, each naming the record and the field. Callers must
write nothing when there is any problem. Checks that need the database are in
:mod:`formulatrust.trace_import`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from formulatrust.domain.gs1 import is_cset82, is_valid_gtin, to_gtin14

MAX_CODE = 20  # GS1 AI (10) lot and AI (21) serial: 1-20 characters of CSET 82
CSV_HEADER = ["gtin", "lot", "serial"]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LICENCE = re.compile(r"SC\d{14}")
_REGISTRATION = re.compile(r"国食注字YP\d{4,12}")
_BAD: Any = object()  # marks a value that failed its check (and was reported)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import: which record, which field, and why (Chinese, English)."""

    record: str
    field: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.record} · {self.field}: {self.message_zh} / {self.message_en}"


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


# --- value rules: return the normalised value or raise _Bad ----------------------------------


class _Bad(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class _F(NamedTuple):
    """Describe a field: its rule (callable, nested spec, or ``[rule]``) and if it is required."""

    rule: Any
    required: bool = True
    default: Callable[[], Any] | None = None


def _text(max_len: int) -> Callable[[object], str]:
    def rule(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Bad("必须是非空文本", "must be non-empty text")
        if len(value.strip()) > max_len:
            raise _Bad(f"不能超过 {max_len} 个字符", f"must be at most {max_len} characters")
        return value.strip()

    return rule


def _pattern(regex: re.Pattern, zh: str, en: str) -> Callable[[object], str]:
    def rule(value: object) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value.strip()):
            raise _Bad(f"格式不对，应为{zh}", f"wrong format: expected {en}")
        return value.strip()

    return rule


def gtin(value: object) -> str:
    """Check a GTIN-8/12/13/14 and return it as 14 digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise _Bad("GTIN 必须写成文本（加引号），以免丢失前导零",
                   "a GTIN must be a string (quoted), or its leading zeros are lost")
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise _Bad("GTIN 必须是 8、12、13 或 14 位数字", "a GTIN must be 8, 12, 13 or 14 digits")
    if not is_valid_gtin(text):
        raise _Bad("GTIN 校验位错误", "GTIN check digit is wrong")
    return to_gtin14(text)


def gs1_code(value: object) -> str:
    """Check a lot or serial: 1-20 characters of GS1 CSET 82."""
    if not isinstance(value, str):
        raise _Bad("必须是文本（加引号）", "must be a string (quoted)")
    text = value.strip()
    if not is_cset82(text) or len(text) > MAX_CODE:
        raise _Bad(f"必须是 1–{MAX_CODE} 个 GS1 CSET 82 字符（字母、数字及 !\"%&'()*+,-./:;<=>?_）",
                   f"must be 1–{MAX_CODE} GS1 CSET 82 characters "
                   "(letters, digits and !\"%&'()*+,-./:;<=>?_)")
    return text


def iso_date(value: object) -> date:
    """Check an ISO date ``YYYY-MM-DD`` and return it."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _Bad("日期格式应为 YYYY-MM-DD", "a date must be written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad("不是有效的日期", "not a real date") from None


def iso_date_text(value: object) -> str:
    """Check an ISO date ``YYYY-MM-DD`` and return the text (for dates kept inside JSON)."""
    return iso_date(value).isoformat()


def _integer(low: int, high: int) -> Callable[[object], int]:
    def rule(value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _Bad(f"必须是 {low} 到 {high} 之间的整数",
                       f"must be a whole number from {low} to {high}")
        return value

    return rule


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad("必须是 true 或 false", "must be true or false")
    return value


_optional_text = _F(_text(200), required=False)
MILK_SOURCE = {name: _optional_text for name in (
    "farms_zh", "farms_en", "region_zh", "region_en", "country_zh", "country_en", "collected")}
RAW_MATERIAL = {"name_zh": _F(_text(200)), "name_en": _optional_text,
                "origin_zh": _optional_text, "origin_en": _optional_text,
                "lot": _F(_text(40), required=False)}
INDICATOR = {"name_zh": _F(_text(200)), "name_en": _optional_text, "value": _F(_text(200)),
             "limit": _F(_text(300), required=False)}
INSPECTION = {"date": _F(iso_date_text), "passed": _F(_boolean),
              "indicators": _F([INDICATOR], required=False)}
FACTORY = {
    "key": _F(_text(40)), "name_zh": _F(_text(200)), "name_en": _F(_text(200)),
    "licence_no": _F(_pattern(_LICENCE, " SC 加 14 位数字", "SC followed by 14 digits")),
    "address_zh": _F(_text(300)), "address_en": _F(_text(300)),
}
PRODUCT = {
    "gtin": _F(gtin), "brand": _F(_pattern(_SLUG, "品牌标识（小写字母、数字、连字符）",
                                            "a brand slug (lower-case letters, digits, hyphens)")),
    "name_zh": _F(_text(200)), "name_en": _F(_text(200)), "stage": _F(_integer(1, 3)),
    "registration_no": _F(_pattern(_REGISTRATION, "“国食注字YP”加数字",
                                   "“国食注字YP” followed by digits")),
    "net_content_g": _F(_integer(1, 100_000)),
}
BATCH = {
    "gtin": _F(gtin), "lot": _F(gs1_code), "factory": _F(_text(40)),
    "produced_on": _F(iso_date), "best_before": _F(iso_date),
    "milk_source": _F(MILK_SOURCE, False, dict), "raw_materials": _F([RAW_MATERIAL], False, list),
    "release_inspection": _F(INSPECTION, False, dict), "serials": _F([gs1_code], False, list),
}
SECTIONS = ("factories", "products", "batches")


# --- the checker: walks records, collecting problems --------------------------------------------


class _Checker:
    """Collect problems while checking values against field specs."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def report(self, record: str, where: str, zh: str, en: str) -> None:
        """Add one problem."""
        self.problems.append(Problem(record, where, zh, en))

    def record(self, value: object, spec: dict, record: str, path: str = "",
               nested: bool = False) -> dict | None:
        """Check an object against ``spec``; return the normalised fields or None."""
        if not isinstance(value, dict):
            self.report(record, path or "-", "必须是 JSON 对象 {…}", "must be a JSON object {…}")
            return None
        if nested and not value and not path.endswith("]"):
            return {}  # an empty nested object means "no data"
        ok = self._unknown(value, spec, record, path)
        result = {}
        for name, rule in spec.items():
            where = f"{path}.{name}" if path else name
            if value.get(name) is None:
                ok = ok and not rule.required
                self._missing(rule, record, where, result, name, fill=not nested)
                continue
            checked = self.value(value[name], rule.rule, record, where)
            ok = ok and checked is not _BAD
            result[name] = checked
        return result if ok else None

    def _unknown(self, value: dict, spec: dict, record: str, path: str) -> bool:
        unknown = [name for name in value if name not in spec]
        for name in unknown:
            where = f"{path}.{name}" if path else name
            self.report(record, where, "未知字段（拼写错误？）", "unknown field (misspelt?)")
        return not unknown

    def _missing(self, rule: _F, record: str, where: str, result: dict, name: str,
                 fill: bool) -> None:
        if rule.required:
            self.report(record, where, "缺少必填字段", "required field is missing")
        elif fill:
            result[name] = rule.default() if rule.default else None

    def value(self, value: object, rule: Any, record: str, where: str) -> Any:
        """Check one value against a rule, nested spec or list spec; _BAD if it failed."""
        if isinstance(rule, dict):
            checked = self.record(value, rule, record, where, nested=True)
            return _BAD if checked is None else checked
        if isinstance(rule, list):
            return self.items(value, rule[0], record, where)
        try:
            return rule(value)
        except _Bad as bad:
            self.report(record, where, bad.zh, bad.en)
            return _BAD

    def items(self, value: object, rule: Any, record: str, where: str) -> Any:
        """Check a JSON array whose items all follow ``rule``."""
        if not isinstance(value, list):
            self.report(record, where, "必须是 JSON 数组 […]", "must be a JSON array […]")
            return _BAD
        checked = [self.value(item, rule, record, f"{where}[{i}]") for i, item in enumerate(value)]
        return _BAD if any(item is _BAD for item in checked) else checked


# --- JSON documents ---------------------------------------------------------------------------


def parse_trace_json(text: str) -> TraceDocument:
    """Check a JSON trace document; return its valid records and every problem found."""
    checker = _Checker()
    data = _load_json(text, checker)
    if data is _BAD:
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


def _load_json(text: str, checker: _Checker) -> Any:
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
        return _BAD
    for key in duplicates:
        checker.report("document", key, "同一个对象里出现了两次（后者会覆盖前者）",
                       "appears twice in the same object (one would silently win)")
    return _BAD if duplicates else data


def _enterprise(data: dict, checker: _Checker) -> str:
    if data.get("enterprise") is None:
        checker.report("document", "enterprise", "缺少必填字段", "required field is missing")
        return ""
    rule = _pattern(_SLUG, "企业标识（小写字母、数字、连字符）",
                    "an enterprise slug (lower-case letters, digits, hyphens)")
    slug = checker.value(data["enterprise"], rule, "document", "enterprise")
    return "" if slug is _BAD else slug


def _label(section: str, index: int, item: object) -> str:
    name = {"factories": "key", "products": "gtin", "batches": "lot"}[section]
    value = item.get(name) if isinstance(item, dict) else None
    label = f"{section}[{index}]"
    return f"{label} ({name} {value})" if isinstance(value, str) else label


def _section(data: dict, section: str, spec: dict, cls: type, checker: _Checker) -> list:
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


def _cross_checks(document: TraceDocument, checker: _Checker) -> None:
    _unique(document.factories, lambda f: f.key, "key", checker)
    _unique(document.factories, lambda f: f.licence_no, "licence_no", checker)
    _unique(document.products, lambda p: p.gtin, "gtin", checker)
    _unique(document.batches, lambda b: (b.gtin, b.lot), "lot", checker)
    for batch in document.batches:
        _batch_checks(batch, checker)


def _unique(records: list, key: Callable[[Any], Any], where: str, checker: _Checker) -> None:
    seen: dict = {}
    for record in records:
        first = seen.setdefault(key(record), record)
        if first is not record:
            checker.report(record.record, where, f"与 {first.record} 重复",
                           f"duplicate of {first.record}")


def _batch_checks(batch: BatchRecord, checker: _Checker) -> None:
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


def _serial_rows(reader, rows: SerialRows) -> None:
    checker = _Checker()
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


def _serial_row(cells: list[str], line: int, checker: _Checker,
                cache: dict[tuple[str, str], str]) -> SerialRow | None:
    record = f"row {line}"
    if len(cells) != len(CSV_HEADER):
        checker.report(record, "-", f"应有 3 列，实有 {len(cells)} 列",
                       f"expected 3 columns, found {len(cells)}")
        return None
    values = [_cached(cell, rule, name, record, checker, cache)
              for cell, rule, name in zip(cells, (gtin, gs1_code, gs1_code), CSV_HEADER,
                                          strict=True)]
    if any(value is _BAD for value in values):
        return None
    return SerialRow(*values, line)


def _cached(cell: str, rule: Callable, name: str, record: str, checker: _Checker,
            cache: dict[tuple[str, str], str]) -> Any:
    """Check a cell; remember valid GTINs and lots, which repeat on every row of a batch."""
    known = cache.get((name, cell))
    if known is not None:
        return known
    value = checker.value(cell, rule, record, name)
    if value is not _BAD and name != "serial":
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
