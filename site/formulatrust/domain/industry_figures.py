"""Industry statistics as data: the rules of one figure and of a CSV file of figures.

A figure is one number an association publishes: a period (``2026-03`` for a month,
``2026-Q1`` for a quarter), a category and a stage (each a pair of Chinese and English names;
a blank stage means all stages), a measure (production volume or sales volume in tonnes, sales
value in yuan), the value and a source note. A file is checked whole: every problem is named by
its row (the header is row 1, as a spreadsheet counts) and column, in Chinese and English, and
a file with any problem is not imported at all.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MEASURES = {
    "production_volume": ("产量", "Production volume", "t"),
    "sales_volume": ("销量", "Sales volume", "t"),
    "sales_value": ("销售额", "Sales value", "yuan"),
}
UNITS = {"t": ("吨", "tonnes"), "yuan": ("元", "yuan")}
UNIT_NAMES = {"t": "t", "吨": "t", "tonnes": "t", "tonne": "t", "tons": "t",
              "yuan": "yuan", "元": "yuan", "cny": "yuan", "rmb": "yuan", "人民币元": "yuan"}
MEASURE_NAMES = {**{key: key for key in MEASURES},
                 **{zh: key for key, (zh, _en, _unit) in MEASURES.items()},
                 **{en.lower(): key for key, (_zh, en, _unit) in MEASURES.items()},
                 "销售量": "sales_volume", "生产量": "production_volume"}
MONTH = re.compile(r"(\d{4})-(\d{2})")
QUARTER = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_VALUE = Decimal("1e13")
MAX_ROWS = 5000
MAX_NAME = 100
MAX_NOTE = 300


@dataclass(frozen=True)
class Column:
    """A column of the file: its key, its Chinese and English headings, whether required."""

    key: str
    zh: str
    en: str
    required: bool = False


COLUMNS = (
    Column("period", "期间", "Period", True),
    Column("category_zh", "类别", "Category (Chinese)", True),
    Column("category_en", "类别（英文）", "Category (English)"),
    Column("stage_zh", "段别", "Stage (Chinese)"),
    Column("stage_en", "段别（英文）", "Stage (English)"),
    Column("measure", "指标", "Measure", True),
    Column("value", "数值", "Value", True),
    Column("unit", "单位", "Unit"),
    Column("source_zh", "来源说明", "Source note (Chinese)", True),
    Column("source_en", "来源说明（英文）", "Source note (English)"),
)
BY_HEADING = {name.lower(): column for column in COLUMNS
              for name in (column.key, column.zh, column.en)}


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: ``row`` 1 is the header; ``column`` as the file names it."""

    row: int
    column: str
    message_zh: str
    message_en: str

    def where_zh(self) -> str:
        return f"第 {self.row} 行" + (f"“{self.column}”列" if self.column else "")

    def where_en(self) -> str:
        return f"Row {self.row}" + (f", column “{self.column}”" if self.column else "")

    def text_zh(self) -> str:
        return f"{self.where_zh()}：{self.message_zh}"

    def text_en(self) -> str:
        return f"{self.where_en()}: {self.message_en}"


@dataclass(frozen=True)
class Figure:
    """One checked figure; empty optional texts mean "not stated" (kept as stored)."""

    period: str
    category_zh: str
    category_en: str
    stage_zh: str
    stage_en: str
    measure: str
    value: Decimal
    unit: str
    source_zh: str
    source_en: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.period, self.category_zh, self.stage_zh, self.measure)


@dataclass
class Checked:
    """The figures of a file, or the problems that stop it."""

    figures: list[Figure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def period_kind(period: str) -> str:
    """Return ``month`` or ``quarter`` for a normalised period."""
    return "quarter" if "Q" in period else "month"


def normalise_period(text: str) -> str | None:
    """Return ``YYYY-MM`` or ``YYYY-Qn`` for a period as typed, or None if it is not one."""
    text = text.strip().replace("/", "-").replace("年", "-").rstrip("月")
    if (found := MONTH.fullmatch(text)) and 1 <= int(found[2]) <= 12:
        year = int(found[1])
        return f"{year}-{found[2]}" if FIRST_YEAR <= year <= LAST_YEAR else None
    if found := QUARTER.fullmatch(text):
        year = int(found[1])
        return f"{year}-Q{found[2]}" if FIRST_YEAR <= year <= LAST_YEAR else None
    return None


def parse_value(text: str) -> Decimal | None:
    """Return a non-negative number written with optional thousands separators, else None."""
    cleaned = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= MAX_VALUE or _places(value) > 3:
        return None
    return value


def _places(value: Decimal) -> int:
    """Return how many decimal places a finite ``value`` is written with."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def plain_value(value: Decimal) -> str:
    """Write a value without exponent or trailing zeros: ``1250``, ``1250.5``."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_record(cells: dict[str, str], row: int, headings: dict[str, str] | None = None
                 ) -> tuple[Figure | None, list[Problem]]:
    """Check one figure given as texts by column key; ``headings`` names columns as written."""
    headings = headings or {}
    problems: list[Problem] = []

    def problem(key: str, zh: str, en: str) -> None:
        problems.append(Problem(row, headings.get(key, key), zh, en))

    text = {column.key: " ".join((cells.get(column.key) or "").split()) for column in COLUMNS}
    for column in COLUMNS:
        if column.required and not text[column.key]:
            problem(column.key, f"“{column.zh}”不能为空。", f"“{column.en}” must not be empty.")
    period = normalise_period(text["period"]) if text["period"] else ""
    if period is None:
        problem("period", "期间应写成月份（如 2026-03）或季度（如 2026-Q1）。",
                "Write the period as a month (such as 2026-03) or a quarter (such as 2026-Q1).")
    measure = MEASURE_NAMES.get(text["measure"].lower()) if text["measure"] else ""
    if measure is None:
        problem("measure", "指标应为产量、销量或销售额。",
                "The measure must be production_volume, sales_volume or sales_value "
                "(产量, 销量 or 销售额).")
    value = parse_value(text["value"]) if text["value"] else None
    if text["value"] and value is None:
        problem("value", "数值应为不小于 0 的数字（最多 3 位小数），如 1250 或 1,250.5。",
                "The value must be a number of 0 or more (at most 3 decimals), such as 1250 "
                "or 1,250.5.")
    unit = UNIT_NAMES.get(text["unit"].lower()) if text["unit"] else ""
    expected = MEASURES[measure][2] if measure else ""
    if unit is None or (unit and expected and unit != expected):
        zh_unit, en_unit = UNITS[expected] if expected else ("吨或元", "tonnes or yuan")
        problem("unit", f"单位应为{zh_unit}（{expected or 't 或 yuan'}）。",
                f"The unit must be {en_unit} ({expected or 't or yuan'}) for this measure.")
    for key, limit in (("category_zh", MAX_NAME), ("category_en", MAX_NAME),
                       ("stage_zh", MAX_NAME), ("stage_en", MAX_NAME),
                       ("source_zh", MAX_NOTE), ("source_en", MAX_NOTE)):
        if len(text[key]) > limit:
            problem(key, f"最多 {limit} 个字符。", f"Use at most {limit} characters.")
    if problems or value is None or not period or not measure:
        return None, problems
    return Figure(period=period, category_zh=text["category_zh"],
                  category_en=text["category_en"], stage_zh=text["stage_zh"],
                  stage_en=text["stage_en"], measure=measure, value=value,
                  unit=MEASURES[measure][2], source_zh=text["source_zh"],
                  source_en=text["source_en"]), []


def decode(data: bytes) -> str | None:
    """Return the text of a CSV file in UTF-8 (with or without BOM) or GB18030, else None."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def check_file(data: bytes) -> Checked:
    """Check a CSV file of figures; every problem is reported, none is imported with one."""
    text = decode(data)
    if text is None or "\x00" in (text or ""):
        return Checked(problems=[Problem(1, "", "文件应为 UTF-8 或 GB18030 编码的 CSV 文件。",
                                         "The file must be CSV text in UTF-8 or GB18030.")])
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:  # such as a cell longer than the csv module allows
        return Checked(problems=[Problem(1, "", "文件不是可读的 CSV 表格。",
                                         "The file is not a CSV table we can read.")])
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        return Checked(problems=[Problem(1, "", "文件是空的。", "The file is empty.")])
    header = [cell.strip() for cell in rows[0]]
    checked = Checked()
    keys = _header_keys(header, checked.problems)
    if len(rows) - 1 > MAX_ROWS:
        checked.problems.append(Problem(1, "", f"一个文件最多 {MAX_ROWS} 行数据。",
                                        f"A file may hold at most {MAX_ROWS} rows of figures."))
    if checked.problems:
        return checked
    if len(rows) == 1:
        checked.problems.append(Problem(2, "", "文件只有标题行，没有数据。",
                                        "The file has a header row but no figures."))
        return checked
    headings = {key: header[index] for index, key in enumerate(keys) if key}
    seen: dict[tuple, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        record = {key: cells[index] if index < len(cells) else ""
                  for index, key in enumerate(keys) if key}
        figure, problems = check_record(record, number, headings)
        checked.problems += problems
        if figure is None:
            continue
        if figure.key in seen:
            checked.problems.append(Problem(
                number, headings["value"], f"与第 {seen[figure.key]} 行是同一个数字（期间、类别、"
                "段别和指标都相同）。", f"Row {seen[figure.key]} already gives this figure (same "
                "period, category, stage and measure)."))
            continue
        seen[figure.key] = number
        checked.figures.append(figure)
    if checked.problems:
        checked.figures = []
    return checked


def _header_keys(header: list[str], problems: list[Problem]) -> list[str | None]:
    keys: list[str | None] = []
    for heading in header:
        column = BY_HEADING.get(heading.lower())
        if column is None and heading:
            problems.append(Problem(1, heading, "不认识这一列。可用的列：" + "、".join(
                c.zh for c in COLUMNS) + "。", "This column is not one we know. Columns: "
                + ", ".join(c.key for c in COLUMNS) + "."))
        elif column is not None and column.key in keys:
            problems.append(Problem(1, heading, "这一列出现了两次。",
                                    "This column appears twice."))
        keys.append(column.key if column else None)
    for column in COLUMNS:
        if column.required and column.key not in keys:
            problems.append(Problem(1, column.en, f"缺少“{column.zh}”列。",
                                    f"The column “{column.en}” ({column.key}) is missing."))
    return keys


def template_csv() -> str:
    """Return the header and one example row of a figures file."""
    return ("period,category_zh,category_en,stage_zh,stage_en,measure,value,unit,source_zh,"
            "source_en\n2026-03,婴儿配方乳粉,Infant formula,1段,Stage 1,production_volume,1250,t,"
            "会员企业月报汇总,Members' monthly returns\n")
