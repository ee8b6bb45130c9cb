"""Statistics tables pasted into a bulletin: CSV-like text in, a checked structure out.

The first row holds the period heading and the series names; each later row a period and one
number per series. Commas, tabs (pasted from a spreadsheet) and Chinese commas all separate
cells. Plain functions with no Flask imports; the views choose the words for each problem.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_ROWS = 120  # ten years of months
MAX_SERIES = 8
MAX_NAME = 60
MAX_PERIOD = 30
MAX_VALUE = Decimal("1e12")
CHARTS = ("line", "column")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class StatisticsError(ValueError):
    """The pasted table cannot be used; ``problems`` lists every reason with row and column."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.code for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong: ``code`` names the rule; ``row`` and ``column`` count from 1 (0: none)."""

    code: str
    row: int = 0
    column: int = 0
    value: str = ""
    name: str = ""  # the column's heading, when it has one
    expected: int = 0  # for ``cell_count``: the number of cells the header has


@dataclass
class Table:
    """A checked statistics table."""

    period: str
    series: list[str]
    rows: list[tuple[str, list[int | float]]]
    title_zh: str = ""
    title_en: str = ""
    chart: str = "line"
    problems: list[Problem] = field(default_factory=list)

    def values(self, index: int) -> list[int | float]:
        """Return the values of series ``index``, in period order."""
        return [values[index] for _, values in self.rows]

    def to_json(self) -> dict:
        """Return the table as JSON-safe data for the database."""
        return {"title_zh": self.title_zh, "title_en": self.title_en, "chart": self.chart,
                "period": self.period, "series": list(self.series),
                "rows": [{"period": period, "values": list(values)}
                         for period, values in self.rows]}

    @classmethod
    def from_json(cls, data: dict) -> Table:
        """Rebuild a table stored by ``to_json``."""
        return cls(period=data["period"], series=list(data["series"]),
                   rows=[(row["period"], list(row["values"])) for row in data["rows"]],
                   title_zh=data.get("title_zh", ""), title_en=data.get("title_en", ""),
                   chart=data.get("chart", "line"))

    def to_text(self) -> str:
        """Return the table as the comma-separated text an editor can change and paste back."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([self.period, *self.series])
        for period, values in self.rows:
            writer.writerow([period, *(format_number(value) for value in values)])
        return buffer.getvalue().rstrip("\n")


def format_number(value: int | float) -> str:
    """Write a stored number back the way an editor would type it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def split_rows(text: str) -> list[list[str]]:
    """Split pasted text into rows of stripped cells, skipping blank lines."""
    # Chinese input methods type full-width commas; names keep their full-width brackets.
    text = text.replace("，", ",").replace("；", ";").replace("\u3000", " ")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    delimiter = "\t" if "\t" in lines[0] else ","
    if delimiter == "," and ";" in lines[0] and "," not in lines[0]:
        delimiter = ";"
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    return [[cell.strip() for cell in row] for row in reader]


def parse_number(text: str) -> Decimal | None:
    """Return the number in ``text`` (thousands separators and spaces allowed), else None."""
    cleaned = re.sub(r"[,\s_]", "", unicodedata.normalize("NFKC", text))  # full-width digits
    if not NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def stored_number(number: Decimal) -> int | float:
    """Return ``number`` as an int when it is whole, else as a float."""
    if number == number.to_integral_value():
        return int(number)
    value = float(number)
    return value if math.isfinite(value) else 0.0


def parse_table(text: str) -> Table:
    """Check pasted ``text`` and return the table, or raise StatisticsError naming each problem."""
    rows = split_rows(text)
    if not rows:
        raise StatisticsError([Problem("empty")])
    problems: list[Problem] = []
    header = rows[0]
    while header and not header[-1]:  # a trailing delimiter, as spreadsheets sometimes write
        header = header[:-1]
    if len(header) < 2:
        problems.append(Problem("no_series", row=1))
    if len(header) - 1 > MAX_SERIES:
        problems.append(Problem("too_many_series", row=1, expected=MAX_SERIES))
    seen: set[str] = set()
    for column, name in enumerate(header, 1):
        if not name:
            problems.append(Problem("heading_blank", row=1, column=column))
        elif len(name) > MAX_NAME:
            problems.append(Problem("heading_too_long", row=1, column=column, value=name,
                                    expected=MAX_NAME))
        elif name in seen:
            problems.append(Problem("heading_duplicate", row=1, column=column, value=name))
        seen.add(name)
    body = rows[1:]
    if not body:
        problems.append(Problem("no_rows"))
    if len(body) > MAX_ROWS:
        problems.append(Problem("too_many_rows", expected=MAX_ROWS))
    if problems:
        raise StatisticsError(problems)

    periods: set[str] = set()
    parsed: list[tuple[str, list[int | float]]] = []
    for number, cells in enumerate(body, 2):
        while len(cells) > len(header) and not cells[-1]:
            cells = cells[:-1]
        if len(cells) != len(header):
            problems.append(Problem("cell_count", row=number, value=str(len(cells)),
                                    expected=len(header)))
            continue
        period, values = cells[0], []
        if not period:
            problems.append(Problem("period_blank", row=number, column=1, name=header[0]))
        elif len(period) > MAX_PERIOD:
            problems.append(Problem("period_too_long", row=number, column=1, value=period,
                                    expected=MAX_PERIOD))
        elif period in periods:
            problems.append(Problem("period_duplicate", row=number, column=1, value=period))
        periods.add(period)
        for column, cell in enumerate(cells[1:], 2):
            problem = _check_cell(cell, number, column, header[column - 1])
            if problem is not None:
                problems.append(problem)
            else:
                parsed_cell = parse_number(cell)
                assert parsed_cell is not None  # _check_cell accepted it
                values.append(stored_number(parsed_cell))
        parsed.append((period, values))
    if problems:
        raise StatisticsError(problems)
    return Table(period=header[0], series=header[1:], rows=parsed)


def _check_cell(cell: str, row: int, column: int, name: str) -> Problem | None:
    if not cell:
        return Problem("value_blank", row=row, column=column, name=name)
    number = parse_number(cell)
    if number is None:
        return Problem("not_a_number", row=row, column=column, value=cell, name=name)
    if number < 0:
        return Problem("negative", row=row, column=column, value=cell, name=name)
    if number > MAX_VALUE:
        return Problem("too_large", row=row, column=column, value=cell, name=name)
    return None
