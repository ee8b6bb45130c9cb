"""Layouts, cell values and file readers of the regulator's sampling-result tables (抽检结果).

Header cells are compared after NFKC folding, with all whitespace removed and case folded, so
"公告\\n日期", "生产日期／批号" and "来源url" are recognised. Everything here is pure and never
raises for any cell value (str, int, float, datetime, None, ...).
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import cast

from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

COMPLIANT = "compliant"
NONCOMPLIANT = "noncompliant"
WORKBOOK = "workbook"
LAYOUTS = (COMPLIANT, NONCOMPLIANT, WORKBOOK)

SEQ = "_seq"
ITEM = "_item"
MEASURED = "_measured"
LIMIT = "_limit"
LABEL = "_label"
COMBINED = "_combined"
FAILED_COLUMNS = (COMBINED, ITEM, MEASURED, LIMIT, LABEL)

ALIASES: dict[str, tuple[str, ...]] = {
    SEQ: ("序号",),
    "sample_no": ("抽样编号", "抽样单编号"),
    "enterprise_name": ("标称生产企业名称", "生产企业名称", "标称生产者名称"),
    "enterprise_address": ("标称生产企业地址", "生产企业地址", "标称生产者地址"),
    "sampled_unit": ("被抽样单位名称", "被抽样单位"),
    "sampled_unit_address": ("被抽样单位地址",),
    "province": ("被抽样单位所在省份", "被抽样单位所在省", "所在省份", "省份"),
    "product_name": ("食品名称", "样品名称", "产品名称"),
    "specification": ("规格型号", "规格"),
    "trademark": ("商标",),
    "production_date_or_lot": ("生产日期/批号", "生产日期(批号)", "生产日期或批号", "生产日期"),
    "category": ("分类", "食品分类", "食品大类"),
    "subcategory": ("食品细类",),
    "announcement_no": ("公告号", "公告编号", "通告号"),
    "announced_on": ("公告日期", "通告日期", "发布日期"),
    "task_source": ("任务来源/项目名称", "任务来源", "项目名称"),
    "lab": ("检验机构", "检验机构名称"),
    "note": ("备注",),
    "source_url": ("公告网址链接", "来源url", "来源网址", "网址链接"),
    "shelf_life": ("保质期",),
    ITEM: ("不合格项目", "不合格项目名称"),
    MEASURED: ("检验结果", "检验值", "实测值"),
    LIMIT: ("标准值", "标准规定值"),
    LABEL: ("标签标注要求", "标签明示值"),
}
WORKBOOK_HEADERS = frozenset({"样品名称", "食品细类", "标签标注要求", "检验值"})
NAME_FIELDS = ("product_name", "enterprise_name")
MIN_KNOWN_COLUMNS = 3

SEPARATOR = re.compile(r"║|‖|\|\|")
_COMBINED_HEADER = re.compile(r"^不合格项目(?:║|‖|\|\|?)")
_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|数据来源|※|\*|note)", re.IGNORECASE)
_PLACEHOLDERS = frozenset({"/", "／", "-", "－", "—", "——", "--"})
_BREAK = re.compile(r"\s*[\r\n]+\s*")

_EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 10000, 80000  # 1927-05-18 .. 2119-01-10
_YMD = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    re.ASCII,
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?", re.ASCII)
_DATE_THEN_LOT = re.compile(r"(.+?日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\s*[/／、,，;；\s]\s*(.+)")
_LOT_LABEL = re.compile(r"^(?:生产日期|批号|批次)\s*[:：]\s*")


def normalize_header(text: str) -> str:
    """Fold a header cell to the form used for matching."""
    folded = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    return re.sub(r"\s+", "", folded).casefold()


_BY_HEADER = {normalize_header(a): key for key, names in ALIASES.items() for a in names}
_WORKBOOK_KEYS = frozenset(normalize_header(h) for h in WORKBOOK_HEADERS)


def display_header(value: object) -> str:
    """Return a header cell as shown in messages: trimmed, whitespace runs as one space."""
    return re.sub(r"\s+", " ", cell_text(value)).strip()


def column_field(header: str) -> str | None:
    """Return the field a normalised header maps to, or None when unknown."""
    if header in _BY_HEADER:
        return _BY_HEADER[header]
    return COMBINED if _COMBINED_HEADER.match(header) else None


def cell_text(value: object) -> str:
    """Return a cell as trimmed text; blanks and placeholder dashes become ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\ufeff", "").strip()
    return "" if text in _PLACEHOLDERS else text


def flatten(text: str) -> str:
    """Join wrapped lines: no space between CJK characters, one space otherwise."""
    return _BREAK.sub(lambda m: _joiner(m.string, m.start(), m.end()), text)


def _joiner(text: str, start: int, end: int) -> str:
    """Return the text that replaces a line break between two characters."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if before > "\u2e7f" and after > "\u2e7f" else " "


@dataclass
class Header:
    """Where the header row is and which column holds which field."""

    row: int  # 1-based row number of the header
    layout: str
    columns: dict[str, int]
    names: dict[str, str]
    ignored: list[str]
    folded: tuple[str, ...]

    @property
    def lists_failures(self) -> bool:
        """Tell whether this table lists failed items (a non-compliant table)."""
        return self.layout == NONCOMPLIANT or any(f in self.columns for f in FAILED_COLUMNS)

    def name(self, key: str) -> str:
        """Return the header text of a field's column, or "" when absent."""
        return self.names.get(key, "")

    def failure_column(self) -> str:
        """Return the header naming the failed items, for problems about them."""
        return self.name(COMBINED) or self.name(ITEM)

    def is_repeat(self, row: Sequence[object]) -> bool:
        """Tell whether a row repeats the header (tables pasted one after another)."""
        return tuple(normalize_header(cell_text(c)) for c in row) == self.folded


def find_header(rows: Sequence[Sequence[object]], hint: str | None = None) -> Header | None:
    """Find the first row that looks like a results header and map its columns."""
    for index, row in enumerate(rows):
        folded = tuple(normalize_header(cell_text(c)) for c in row)
        keys = {column_field(h) for h in folded} - {None}
        if len(keys) >= MIN_KNOWN_COLUMNS and keys & set(NAME_FIELDS):
            return _map_header(index + 1, row, folded, hint)
    return None


def _map_header(
    number: int, row: Sequence[object], folded: tuple[str, ...], hint: str | None
) -> Header:
    """Map the header row's columns to fields and note the ignored ones."""
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(folded):
        key = column_field(header)
        if key is None or key in columns:
            if header:
                ignored.append(display_header(row[index]))
            continue
        columns[key] = index
        names[key] = display_header(row[index])
    layout = hint or detect_layout(folded, columns)
    return Header(number, layout, columns, names, ignored, folded)


def detect_layout(folded: Sequence[str], columns: dict[str, int]) -> str:
    """Name the layout from the header cells present."""
    if _WORKBOOK_KEYS & set(folded):
        return WORKBOOK
    if any(f in columns for f in FAILED_COLUMNS):
        return NONCOMPLIANT
    return COMPLIANT


def is_footnote(cells: Sequence[str]) -> bool:
    """Tell whether a row is a lone 注/备注/说明 note rather than data."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(_FOOTNOTE.match(filled[0]))


def to_date(value: object, *, serial_text: bool = False) -> date | None:
    """Read a date from a datetime, an Excel serial number or text; None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(value)
    text = unicodedata.normalize("NFKC", cell_text(value))
    if serial_text and _SERIAL_TEXT.fullmatch(text):
        return _from_number(float(text))
    return _from_text(text)


def looks_like_date(value: object) -> bool:
    """Tell whether text has the shape of a year-month-day date (valid or not)."""
    return bool(_YMD.fullmatch(unicodedata.normalize("NFKC", cell_text(value))))


def _from_number(number: float) -> date | None:
    """Read an Excel serial day number, or digits such as 20240115."""
    if not math.isfinite(number):
        return None
    if SERIAL_MIN <= number <= SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(number))
    return _from_text(cell_text(number))


def _from_text(text: str) -> date | None:
    """Read a year-month-day date written in one of the accepted forms."""
    match = _YMD.fullmatch(text) or _COMPACT.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_or_lot(value: object) -> tuple[str, date | None, str]:
    """Split a 生产日期/批号 cell into (text, production date, lot)."""
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        found = to_date(value)
        if found is not None:
            return found.isoformat(), found, ""
    text = flatten(cell_text(value))
    bare = _LOT_LABEL.sub("", text)
    found = to_date(bare)
    if found is not None or not bare:
        return text, found, ""
    both = _DATE_THEN_LOT.fullmatch(bare)
    if both and (found := to_date(both.group(1))) is not None:
        return text, found, _LOT_LABEL.sub("", both.group(2))
    return text, None, "" if looks_like_date(bare) else bare


def split_combined(text: str) -> list[tuple[str, ...]]:
    """Split 不合格项目║检验结果║标准值 text into (item, measured, limit, label) tuples."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    several = len(lines) > 1 and all(SEPARATOR.search(line) for line in lines)
    chunks = lines if several else [flatten(text)]
    items: list[tuple[str, ...]] = []
    for chunk in chunks:
        parts = [p.strip() for p in SEPARATOR.split(chunk, maxsplit=2)] + ["", ""]
        if any(parts):
            items.append((parts[0], parts[1], parts[2], ""))
    return items


def split_columns(cells: Sequence[str]) -> list[tuple[str, ...]]:
    """Pair separate item/measured/limit/label cells, one item per line when lines match."""
    lines = [[line.strip() for line in c.splitlines() if line.strip()] for c in cells]
    count = len(lines[0])
    if count > 1 and all(len(other) in (0, count) for other in lines[1:]):
        return [tuple(ls[i] if ls else "" for ls in lines) for i in range(count)]
    flat = tuple(flatten(c) for c in cells)
    return [flat] if any(flat) else []


class ImportFileError(Exception):
    """The whole file cannot be read: wrong type, corrupt, empty or undecodable."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en


def read_bytes(path: Path) -> bytes:
    """Read the file, refusing an unreadable or empty one."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            f"无法读取文件“{path.name}”：{error.strerror}",
            f"cannot read file “{path.name}”: {error.strerror}",
        ) from error
    if not data.strip():
        raise ImportFileError("文件是空的", "the file is empty")
    return data


def decode_text(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 with BOM, UTF-8 (with or without BOM), else GB18030."""
    encodings = ["utf-16"] if data.startswith((b"\xff\xfe", b"\xfe\xff")) else []
    for encoding in [*encodings, "utf-8-sig", "gb18030"]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "无法识别文件编码：请另存为 UTF-8 或 GB18030 编码的 CSV",
        "cannot decode the file: save it as CSV in UTF-8 or GB18030",
    )


def read_csv(data: bytes) -> list[list[list[object]]]:
    """Return the rows of a CSV file as one sheet (comma or tab separated)."""
    text = decode_text(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[list(row) for row in rows]]
    except csv.Error as error:
        raise ImportFileError(
            f"CSV 格式错误：{error}", f"the CSV file is malformed: {error}"
        ) from error


def read_xlsx(data: bytes) -> list[list[list[object]]]:
    """Return the cell values of every worksheet of an .xlsx file."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise _corrupt_xlsx(error) from error
    try:
        # A workbook opened read-only holds read-only worksheets only.
        sheets = cast(list[ReadOnlyWorksheet], book.worksheets)
        return [_sheet_rows(sheet) for sheet in sheets]
    except Exception as error:  # damaged sheet XML only shows up while reading
        raise _corrupt_xlsx(error) from error
    finally:
        book.close()


def _sheet_rows(sheet: ReadOnlyWorksheet) -> list[list[object]]:
    """Return every row of a read-only worksheet as a list of values."""
    sheet.reset_dimensions()  # some writers store wrong dimensions; read every cell
    return [list(row) for row in sheet.values]


def _corrupt_xlsx(error: Exception) -> ImportFileError:
    """Return the error for a workbook that openpyxl cannot read."""
    return ImportFileError(
        f"无法打开 Excel 文件（文件损坏或不是 .xlsx 格式）：{type(error).__name__}",
        f"cannot open the Excel file (damaged or not .xlsx): {type(error).__name__}",
    )
