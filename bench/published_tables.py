"""Generated results written as the regulators publish them, for ``results import``.

Two layouts, as read by ``formulatrust.domain.results_layouts``: the table of compliant
samples (合格产品信息: no failed-item column) and the table of non-compliant ones (不合格产品信息:
one ``不合格项目║检验结果║标准值`` column; a sample with two failed items takes a second row with
the same 序号 and 抽样编号, as merged cells read). A non-compliant table lists only failures, so
each generated result goes to the layout of its outcome. Files are CSV in UTF-8 with a BOM, as
spreadsheet programs save them, at most ``rows_per_file`` samples each (the import holds one file
in memory).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from bench.search_data import Record

COMPLIANT = "compliant"
NONCOMPLIANT = "noncompliant"
FAILED_COLUMN = "不合格项目║检验结果║标准值"
BEFORE_FAILURES = ("序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称",
                   "被抽样单位所在省份", "食品名称", "规格型号", "商标", "生产日期/批号")
AFTER_FAILURES = ("分类", "公告号", "公告日期", "任务来源/项目名称", "检验机构", "备注")
HEADERS = {COMPLIANT: (*BEFORE_FAILURES, *AFTER_FAILURES),
           NONCOMPLIANT: (*BEFORE_FAILURES, FAILED_COLUMN, *AFTER_FAILURES)}
TITLES = {COMPLIANT: "食品安全监督抽检合格产品信息（示例）",
          NONCOMPLIANT: "食品安全监督抽检不合格产品信息（示例）"}
LIMIT = "见产品标准（示例）"
ROWS_PER_FILE = 10_000


def write(folder: Path, records: Iterable[Record], rows_per_file: int = ROWS_PER_FILE,
          today: date | None = None) -> dict[str, list[Path]]:
    """Write ``records`` into files of both layouts under ``folder``; return them by layout."""
    folder.mkdir(parents=True, exist_ok=True)
    latest = today or date.today()
    by_layout: dict[str, list[Record]] = {COMPLIANT: [], NONCOMPLIANT: []}
    for record in records:
        by_layout[COMPLIANT if record.compliant else NONCOMPLIANT].append(record)
    return {layout: [write_file(folder / f"{layout}-{number + 1:03d}.csv", layout, chunk, latest)
                     for number, chunk in enumerate(chunks(found, rows_per_file))]
            for layout, found in by_layout.items()}


def chunks(records: list[Record], size: int) -> Iterator[list[Record]]:
    for start in range(0, len(records), size):
        yield records[start:start + size]


def write_file(path: Path, layout: str, records: list[Record], today: date) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLES[layout]])
        writer.writerow(HEADERS[layout])
        for number, record in enumerate(records, start=1):
            writer.writerows(rows(layout, number, record, today))
    return path


def rows(layout: str, number: int, record: Record, today: date) -> list[list[str]]:
    """Return the table rows of one sample: one, or one per failed item."""
    # The generator spreads announcements up to the end of its last year; the import refuses
    # dates after today, as it should, so later ones are published today.
    announced = min(record.announced_on, today)
    before = [str(number), record.sample_no, record.enterprise_name, "", record.sampled_unit,
              record.province, record.product_name, "900克/罐", record.trademark, record.lot]
    after = [record.category, record.announcement_no, announced.isoformat(),
             record.task_source, record.lab, ""]
    if layout == COMPLIANT:
        return [before + after]
    items = [f"{item}║{measured}║{LIMIT}" for item, measured in record.failed_items]
    first = [before + [items[0]] + after]
    return first + [[str(number), record.sample_no, *[""] * 8, item, *[""] * 6]
                    for item in items[1:]]
