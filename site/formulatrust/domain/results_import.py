"""Read and validate the regulator's published sampling-result tables (抽检结果).

``parse_file`` reads .xlsx (first sheet with a recognisable header) and .csv (UTF-8, UTF-8 with
BOM, UTF-16 with BOM, else GB18030) and raises :class:`ImportFileError` only when the file as a
whole cannot be read. ``parse_rows`` never raises for cell values: it checks every row and
returns all problems found, each with the 1-based row number and header name as in the file.
Callers should write nothing when ``problems`` is non-empty. Layouts and cell rules are in
:mod:`formulatrust.domain.results_layouts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from formulatrust.domain.results_layouts import (
    COMBINED,
    ITEM,
    LABEL,
    LAYOUTS,
    LIMIT,
    MEASURED,
    NAME_FIELDS,
    SEQ,
    Header,
    ImportFileError,
    cell_text,
    date_or_lot,
    find_header,
    flatten,
    is_footnote,
    read_bytes,
    read_csv,
    read_xlsx,
    split_columns,
    split_combined,
    to_date,
)
from formulatrust.domain.web_address import first_non_web_address

__all__ = [
    "FailedItemRecord",
    "ImportFileError",
    "ImportProblem",
    "ParsedFile",
    "ResultRecord",
    "parse_bytes",
    "parse_file",
    "parse_rows",
]

TEXT_FIELDS = (
    "sample_no", "enterprise_name", "enterprise_address", "sampled_unit", "sampled_unit_address",
    "province", "product_name", "specification", "trademark", "category", "announcement_no",
    "task_source", "lab", "note", "source_url", "shelf_life", "subcategory",
)  # fmt: skip
MAX_LENGTHS = {
    "sample_no": 60, "enterprise_name": 200, "enterprise_address": 300, "sampled_unit": 200,
    "sampled_unit_address": 300, "province": 20, "product_name": 200, "specification": 100,
    "trademark": 100, "production_date_or_lot": 60, "category": 100, "announcement_no": 100,
    "task_source": 300, "lab": 200, "source_url": 500,
}  # fmt: skip
LOT_MAX = 20
ITEM_MAX_LENGTHS = {"item": 200, "measured": 200, "limit": 300, "label_requirement": 300}
IDENTITY_FIELDS = ("sample_no", "enterprise_name", "product_name", "sampled_unit")
UNCHECKED_ON_CONTINUATION = frozenset({SEQ, "note", COMBINED, ITEM, MEASURED, LIMIT, LABEL})
SHOWN_CHARS = 60
SUFFIXES = (".xlsx", ".xlsm", ".csv")


@dataclass
class FailedItemRecord:
    """One failed test item: what failed, the measured value, the limit, the label claim."""

    item: str
    measured: str = ""
    limit: str = ""
    label_requirement: str = ""


@dataclass
class ResultRecord:
    """One sample's published result, merged from one or more source rows."""

    row: int
    sample_no: str = ""
    enterprise_name: str = ""
    enterprise_address: str = ""
    sampled_unit: str = ""
    sampled_unit_address: str = ""
    province: str = ""
    product_name: str = ""
    specification: str = ""
    trademark: str = ""
    production_date_or_lot: str = ""
    produced_on: date | None = None
    lot: str = ""
    category: str = ""
    announcement_no: str = ""
    announced_on: date | None = None
    task_source: str = ""
    lab: str = ""
    note: str = ""
    source_url: str = ""
    shelf_life: str = ""
    subcategory: str = ""
    compliant: bool = True
    failed_items: list[FailedItemRecord] = field(default_factory=list)

    def key(self) -> str | tuple[str, str, str, str, str]:
        """Return the identity that recognises this sample again on re-import."""
        if self.sample_no:
            return self.sample_no
        return (
            self.announcement_no,
            self.enterprise_name,
            self.product_name,
            self.production_date_or_lot,
            self.sampled_unit,
        )


@dataclass
class ImportProblem:
    """One thing wrong in the file: row 0 for the file as a whole, column "" for a whole row."""

    row: int
    column: str
    message_zh: str
    message_en: str


@dataclass
class ParsedFile:
    """Records and problems from one file; layout is "" when no header was found."""

    layout: str  # 'compliant' | 'noncompliant' | 'workbook'
    records: list[ResultRecord]
    problems: list[ImportProblem]
    ignored_columns: list[str]


def shown(value: str) -> str:
    """Shorten a value for quoting in a message."""
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"


class _TableParser:
    """Turn the data rows under one header into records, collecting problems."""

    def __init__(self, header: Header, today: date) -> None:
        self.header = header
        self.today = today
        self.records: list[ResultRecord] = []
        self.problems: list[ImportProblem] = []
        self.first_cells: dict[str, str] = {}
        self.seen: dict[object, int] = {}

    def problem(self, row: int, key: str, zh: str, en: str) -> None:
        """Record a problem in the column holding ``key`` ("" for the whole row)."""
        self.problems.append(ImportProblem(row, self.header.name(key), zh, en))

    def feed(self, number: int, row: Sequence[object]) -> None:
        """Take one data row: skip, merge into the previous record or start a new one."""
        cells = [cell_text(value) for value in row]
        if not any(cells) or is_footnote(cells) or self.header.is_repeat(row):
            return
        texts = {k: cells[i] if i < len(cells) else "" for k, i in self.header.columns.items()}
        items = self.failed_items(texts)
        if self.continues(texts, items):
            self.merge(number, texts, items)
            return
        raws = {k: row[i] if i < len(row) else None for k, i in self.header.columns.items()}
        self.start(number, texts, raws, items)

    def failed_items(self, texts: dict[str, str]) -> list[FailedItemRecord]:
        """Read the failed items of one row from the combined and/or separate columns."""
        parts = split_combined(texts.get(COMBINED, ""))
        parts += split_columns([texts.get(k, "") for k in (ITEM, MEASURED, LIMIT, LABEL)])
        return [FailedItemRecord(*p) for p in parts]

    def continues(self, texts: dict[str, str], items: list[FailedItemRecord]) -> bool:
        """Tell whether a row adds failed items to the sample on the previous row."""
        if not self.records or not self.header.lists_failures:
            return False
        sample_no = texts.get("sample_no", "")
        if sample_no and sample_no == self.records[-1].sample_no:
            return True
        if texts.get(SEQ) and texts[SEQ] != self.first_cells.get(SEQ):
            return False
        return bool(items) and not any(texts.get(k) for k in IDENTITY_FIELDS)

    def merge(self, number: int, texts: dict[str, str], items: list[FailedItemRecord]) -> None:
        """Add a continuation row's items and note; report cells that contradict row one."""
        record = self.records[-1]
        record.failed_items.extend(items)
        self.check_items(number, items)
        note = flatten(texts.get("note", ""))
        if note and note not in record.note:
            record.note = f"{record.note}；{note}" if record.note else note
        for key, value in texts.items():
            first = self.first_cells.get(key, "")
            if key not in UNCHECKED_ON_CONTINUATION and value and value != first:
                column = self.header.name(key)
                self.problem(
                    number,
                    key,
                    f"续行的“{column}”为“{shown(value)}”，与第 {record.row} 行的“{shown(first)}”"
                    "不一致",
                    f"continuation row has {column} “{shown(value)}”, which differs from "
                    f"“{shown(first)}” on row {record.row}",
                )

    def start(
        self,
        number: int,
        texts: dict[str, str],
        raws: dict[str, object],
        items: list[FailedItemRecord],
    ) -> None:
        """Build and check a new record from its first row."""
        record = ResultRecord(row=number, failed_items=items)
        for key in TEXT_FIELDS:
            setattr(record, key, flatten(texts.get(key, "")))
        text, record.produced_on, record.lot = date_or_lot(raws.get("production_date_or_lot"))
        record.production_date_or_lot = text
        record.compliant = not (self.header.lists_failures or items)
        self.first_cells = texts
        self.records.append(record)
        self.check_record(record, texts.get("announced_on", ""), raws.get("announced_on"))

    def check_record(self, record: ResultRecord, announced: str, raw: object) -> None:
        """Run every row check on a new record."""
        if not any(getattr(record, k) for k in NAME_FIELDS):
            self.problem(
                record.row,
                "",
                "该行既没有食品名称也没有标称生产企业名称",
                "row has neither a product name nor an enterprise name",
            )
        if announced:
            record.announced_on = self.check_announced(record.row, announced, raw)
        self.check_production(record)
        self.check_lengths(record)
        self.check_source(record)
        self.check_items(record.row, record.failed_items)
        if self.header.lists_failures and not record.failed_items:
            self.problems.append(
                ImportProblem(
                    record.row,
                    self.header.failure_column(),
                    "不合格产品未列出不合格项目",
                    "non-compliant sample lists no failed item",
                )
            )
        self.check_duplicate(record)

    def check_source(self, record: ResultRecord) -> None:
        """Every source address (several are separated by ";") must be a web address (http or
        https), never a script."""
        bad = first_non_web_address(record.source_url or "")
        if bad is not None:
            self.problem(record.row, "source_url",
                         f"来源网址“{shown(bad)}”不是以 http:// 或 https:// 开头的网址",
                         f"the source “{shown(bad)}” is not a web address starting with "
                         "http:// or https://")

    def check_announced(self, row: int, text: str, raw: object) -> date | None:
        """Parse the announcement date; report it when unreadable or in the future."""
        found = to_date(raw, serial_text=True)
        if found is None:
            self.problem(
                row,
                "announced_on",
                f"公告日期“{shown(text)}”无法识别为日期",
                f"announcement date “{shown(text)}” is not a recognisable date",
            )
        elif found > self.today:
            self.problem(
                row,
                "announced_on",
                f"公告日期 {found} 晚于今天（{self.today}）",
                f"announcement date {found} is in the future (today is {self.today})",
            )
        return found

    def check_production(self, record: ResultRecord) -> None:
        """Report a date-shaped production date that is no real date, and an over-long lot."""
        text = record.production_date_or_lot
        if text and record.produced_on is None and not record.lot:
            self.problem(
                record.row,
                "production_date_or_lot",
                f"生产日期“{shown(text)}”不是有效日期",
                f"production date “{shown(text)}” is not a valid date",
            )
        if len(record.lot) > LOT_MAX:
            self.problem(
                record.row,
                "production_date_or_lot",
                f"批号“{shown(record.lot)}”过长：{len(record.lot)} 个字符，上限 {LOT_MAX}",
                f"lot “{shown(record.lot)}” is too long: {len(record.lot)} characters, "
                f"limit {LOT_MAX}",
            )

    def check_lengths(self, record: ResultRecord) -> None:
        """Report values longer than the database columns allow."""
        for key, limit in MAX_LENGTHS.items():
            self.check_length(record.row, self.header.name(key), getattr(record, key), limit)

    def check_items(self, row: int, items: list[FailedItemRecord]) -> None:
        """Report failed items without a name or with over-long parts."""
        column = self.header.failure_column()
        for item in items:
            if not item.item:
                self.problems.append(
                    ImportProblem(
                        row,
                        column,
                        f"不合格项目名称为空（检验结果“{shown(item.measured)}”）",
                        f"failed item has no name (measured “{shown(item.measured)}”)",
                    )
                )
            for part, limit in ITEM_MAX_LENGTHS.items():
                self.check_length(row, column, getattr(item, part), limit)

    def check_length(self, row: int, column: str, value: str, limit: int) -> None:
        """Report one value longer than ``limit`` characters."""
        if len(value) > limit:
            self.problems.append(
                ImportProblem(
                    row,
                    column,
                    f"“{column}”过长：{len(value)} 个字符，上限 {limit}（值：“{shown(value)}”）",
                    f"{column} is too long: {len(value)} characters, limit {limit} "
                    f"(value: “{shown(value)}”)",
                )
            )

    def check_duplicate(self, record: ResultRecord) -> None:
        """Report a sample that already appeared earlier in the same file."""
        key = record.key()
        if key in self.seen:
            earlier = self.seen[key]
            self.problem(
                record.row,
                "",
                f"与第 {earlier} 行重复"
                "（抽样编号相同，或公告号、企业、产品、批次与被抽样单位均相同）",
                f"duplicates row {earlier} (same sample number, or same announcement, "
                "enterprise, product, lot and sampled unit)",
            )
        else:
            self.seen[key] = record.row


def parse_rows(
    rows: Iterable[Sequence[object]], layout_hint: str | None = None, *, today: date | None = None
) -> ParsedFile:
    """Parse raw table rows (title rows, header, data) into records and problems."""
    if layout_hint is not None and layout_hint not in LAYOUTS:
        raise ValueError(f"layout_hint must be one of {LAYOUTS}, not {layout_hint!r}")
    table = [list(row) if row is not None else [] for row in rows]
    header = find_header(table, layout_hint)
    if header is None:
        return ParsedFile(layout_hint or "", [], [_no_header()], [])
    parser = _TableParser(header, today or date.today())
    for number, row in enumerate(table[header.row :], start=header.row + 1):
        parser.feed(number, row)
    if not parser.records and not parser.problems:
        parser.problem(header.row, "", "表头下没有数据行", "no data rows below the header")
    return ParsedFile(header.layout, parser.records, parser.problems, header.ignored)


def _no_header() -> ImportProblem:
    """Return the problem for a table without a recognisable header."""
    return ImportProblem(
        0,
        "",
        "未找到可识别的表头行（应含“食品名称”或“样品名称”或“标称生产企业名称”等列）",
        "no recognisable header row (expected columns such as 食品名称, 样品名称 or "
        "标称生产企业名称)",
    )


def parse_file(
    path: Path | str, layout_hint: str | None = None, *, today: date | None = None
) -> ParsedFile:
    """Read an .xlsx or .csv results table and parse it."""
    path = Path(path)
    _check_suffix(path.suffix.lower(), path.name)
    return parse_bytes(path.name, read_bytes(path), layout_hint, today=today)


def parse_bytes(
    name: str, data: bytes, layout_hint: str | None = None, *, today: date | None = None
) -> ParsedFile:
    """Parse the content of an .xlsx or .csv results table called ``name`` (e.g. an upload)."""
    suffix = Path(name).suffix.lower()
    _check_suffix(suffix, name)
    if not data.strip():
        raise ImportFileError("文件是空的", "the file is empty")
    sheets = read_csv(data) if suffix == ".csv" else read_xlsx(data)
    sheets = [rows for rows in sheets if any(cell_text(c) for row in rows for c in row)]
    if not sheets:
        raise ImportFileError("文件中没有任何内容", "the file contains no data")
    results = [parse_rows(rows, layout_hint, today=today) for rows in sheets]
    return next((r for r in results if r.layout), results[0])


def _check_suffix(suffix: str, name: str) -> None:
    if suffix not in SUFFIXES:
        raise ImportFileError(
            f"不支持的文件类型“{suffix or name}”："
            "请上传 .xlsx 或 .csv 文件（.xls 请另存为 .xlsx）",
            f"unsupported file type “{suffix or name}”: upload an .xlsx or .csv file "
            "(save .xls as .xlsx)",
        )
