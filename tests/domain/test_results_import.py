"""Tests for reading the regulator's sampling-result tables (抽检结果)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from formulatrust.domain.results_import import (
    FailedItemRecord,
    ImportFileError,
    ImportProblem,
    ResultRecord,
    parse_file,
    parse_rows,
)
from formulatrust.domain.results_layouts import date_or_lot, to_date

DATA = Path(__file__).parent / "data" / "results"
SAMPLE = DATA / "samr_rows_sample.csv"
TODAY = date(2025, 6, 30)

COMPLIANT_HEADER = [
    "抽样编号", "序号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称",
    "被抽样单位所在省份", "食品名称", "规格型号", "生产日期/批号", "分类", "公告号",
    "公告日期", "任务来源/项目名称", "备注", "公告网址链接",
]  # fmt: skip
NONCOMPLIANT_HEADER = [
    "序号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称", "被抽样单位地址",
    "被抽样单位所在省份", "食品名称", "规格型号", "商标", "生产日期/批号",
    "不合格项目║检验结果║标准值", "分类", "公告号", "公告日期", "任务来源/项目名称",
    "检验机构", "备注",
]  # fmt: skip
WORKBOOK_HEADER = [
    "序号", "抽样编号", "标称生产企业名称", "标称生产企业地址", "被抽样单位名称",
    "被抽样单位地址", "被抽样单位所在省份", "样品名称", "规格型号", "商标", "生产日期/批号",
    "保质期", "食品细类", "不合格项目", "检验值", "标准值", "标签标注要求", "分类", "公告号",
    "公告日期", "任务来源/项目名称", "检验机构", "备注",
]  # fmt: skip


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    """Write rows to a one-sheet workbook, optionally under a merged title row."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def row_for(header: list[str], **cells: object) -> list[object]:
    """Build a row for ``header`` from header-name keyword cells."""
    values = {name.replace("/", "_").replace("║", "_"): name for name in header}
    row: list[object] = [None] * len(header)
    for key, value in cells.items():
        row[header.index(values[key])] = value
    return row


def where(problems: list[ImportProblem]) -> list[tuple[int, str]]:
    """Return (row, column) of every problem."""
    return [(p.row, p.column) for p in problems]


# --- the shared sample of real rows -------------------------------------------------------


def test_sample_csv_parses_every_row_without_problems():
    parsed = parse_file(SAMPLE, today=TODAY)
    assert parsed.layout == "noncompliant"
    assert parsed.problems == []
    assert parsed.ignored_columns == ["来源形式"]
    assert len(parsed.records) == 11
    assert [r.row for r in parsed.records] == list(range(2, 13))
    assert all(not r.compliant and r.failed_items for r in parsed.records)
    assert len({r.key() for r in parsed.records}) == 11


def test_sample_csv_values():
    records = parse_file(SAMPLE, today=TODAY).records
    first = records[0]
    assert first.enterprise_name == "每日乳业平泽工厂(Pyeongtaek factory,Maeil Dairies Co,Ltd)"
    assert first.produced_on == date(2016, 9, 1) and first.lot == ""
    assert first.source_url == "http://www.tousu315.com.cn/a/zw/df/2017/0719/368773.html"
    assert first.province == "浙江" and first.trademark == "喜安智"
    [label] = first.failed_items
    assert label.item == "标签"
    assert "GB7718-2011中4.1.4.2条" in label.measured and label.limit == ""
    assert records[1].failed_items == [FailedItemRecord("叶黄素")]
    assert records[1].announcement_no == "2019年56号"
    assert records[1].lab == "深圳市计量质量检测研究院"
    sakazakii = records[3]
    assert sakazakii.enterprise_name == "湖南展辉食品有限公司"
    assert sakazakii.failed_items == [
        FailedItemRecord("阪崎肠杆菌", "0、检出、0", "3次检测结果均不能检出")
    ]
    assert records[4].announced_on == date(2015, 11, 17)
    assert records[10].produced_on == date(2011, 11, 8)
    assert records[10].specification == "900克/罐"
    assert records[10].key() == (
        "", "哈尔滨太子乳品工业有限公司", "“太子乐牌”金100益生菌婴儿配方奶粉(1段)",
        "2011.11.08", "潮州市湘桥区永鑫副食经营部",
    )  # fmt: skip


# --- generated workbooks in the three layouts ---------------------------------------------


def test_compliant_xlsx_with_title_row_messy_header_and_serial_dates(tmp_path):
    header = [" 抽样编号 ", *COMPLIANT_HEADER[1:]]
    header[header.index("公告日期")] = "公告\n日期"
    header[header.index("生产日期/批号")] = "生产日期／批号"
    rows = [
        header,
        row_for(
            COMPLIANT_HEADER,
            抽样编号="DC23310000001",
            序号=1,
            标称生产企业名称="甲乳业",
            食品名称="婴儿配方奶粉(1段)",
            生产日期_批号=datetime(2023, 5, 4),
            公告日期=45291,
            公告网址链接="https://example.org/a",
        ),  # fmt: skip
        [None] * len(header),
        row_for(
            COMPLIANT_HEADER,
            序号=2.0,
            标称生产企业名称="乙乳业",
            食品名称="较大婴儿配方奶粉",
            生产日期_批号="A2023-17",
            公告日期="2024年1月15日",
        ),  # fmt: skip
        ["注：本表信息仅指本次抽检标称的生产企业相关产品的生产日期/批号和所检项目。"],
    ]
    path = write_xlsx(tmp_path / "ok.xlsx", rows, "婴幼儿配方食品监督抽检产品合格信息")
    parsed = parse_file(path, today=TODAY)
    assert parsed.layout == "compliant"
    assert parsed.problems == [] and parsed.ignored_columns == []
    one, two = parsed.records
    assert (one.row, two.row) == (3, 5)
    assert one.compliant and two.compliant
    assert one.sample_no == "DC23310000001" and one.key() == "DC23310000001"
    assert one.announced_on == date(2023, 12, 31)
    assert one.produced_on == date(2023, 5, 4) and one.production_date_or_lot == "2023-05-04"
    assert one.source_url == "https://example.org/a"
    assert two.announced_on == date(2024, 1, 15)
    assert (two.produced_on, two.lot) == (None, "A2023-17")


@pytest.mark.parametrize("separator", ["║", "‖", "||"])
def test_noncompliant_xlsx_separators(tmp_path, separator):
    header = [h.replace("║", separator) for h in NONCOMPLIANT_HEADER]
    failed = separator.join(["维生素A", "45μgRE/100kJ", "≥60μgRE/100kJ"])
    rows = [
        header,
        [1, "丙乳业", "", "某母婴店", "", "上海", "幼儿配方奶粉", "800g/罐", "丙", "20240115",
         failed, "婴幼儿配方食品", "2024年第5号", "2024/2/1", "国抽", "某检测院", ""],
    ]  # fmt: skip
    parsed = parse_file(write_xlsx(tmp_path / "bad.xlsx", rows), today=TODAY)
    assert parsed.layout == "noncompliant" and parsed.problems == []
    [record] = parsed.records
    assert not record.compliant
    assert record.failed_items == [FailedItemRecord("维生素A", "45μgRE/100kJ", "≥60μgRE/100kJ")]
    assert record.produced_on == date(2024, 1, 15)
    assert record.announced_on == date(2024, 2, 1)
    assert record.lab == "某检测院"


def test_noncompliant_split_columns_and_multi_line_cell(tmp_path):
    header = ["序号", "标称生产企业名称", "食品名称", "不合格项目", "检验结果", "公告号"]
    rows = [
        header,
        [1, "丁乳业", "婴儿配方乳粉", "蛋白质", "1.2g/100kJ", "2024年第9号"],
        [2, "戊乳业", "幼儿配方乳粉", "维生素D\n钙", "0.1μg/100kJ\n10mg/100kJ", "2024年第9号"],
    ]
    parsed = parse_file(write_xlsx(tmp_path / "split.xlsx", rows), today=TODAY)
    assert parsed.layout == "noncompliant" and parsed.problems == []
    first, second = parsed.records
    assert first.failed_items == [FailedItemRecord("蛋白质", "1.2g/100kJ")]
    assert second.failed_items == [
        FailedItemRecord("维生素D", "0.1μg/100kJ"),
        FailedItemRecord("钙", "10mg/100kJ"),
    ]


def test_workbook_merges_rows_of_one_sample(tmp_path):
    rows = [
        WORKBOOK_HEADER,
        row_for(
            WORKBOOK_HEADER,
            序号=1,
            抽样编号="XC24310000123",
            标称生产企业名称="己乳业",
            样品名称="婴儿配方奶粉",
            生产日期_批号="2024/1/15",
            保质期="24个月",
            食品细类="婴儿配方食品",
            不合格项目="维生素A",
            检验值="45",
            标准值="60～180",
            标签标注要求="≥70",
            公告日期=datetime(2024, 3, 1),
        ),  # fmt: skip
        row_for(
            WORKBOOK_HEADER, 抽样编号="XC24310000123", 不合格项目="钙", 检验值="10", 标准值="≥17"
        ),  # fmt: skip
        row_for(
            WORKBOOK_HEADER, 不合格项目="铁", 检验值="0.05", 标准值="0.10～0.36", 备注="复检确认"
        ),  # fmt: skip
        row_for(
            WORKBOOK_HEADER,
            序号=2,
            抽样编号="XC24310000124",
            标称生产企业名称="庚乳业",
            样品名称="较大婴儿配方奶粉",
            生产日期_批号=45306.0,
            不合格项目="菌落总数",
            检验值="1.2×10⁴",
            标准值="≤10³",
            公告日期="20240301",
        ),  # fmt: skip
    ]
    parsed = parse_file(write_xlsx(tmp_path / "book.xlsx", rows, "不合格产品信息"), today=TODAY)
    assert parsed.layout == "workbook" and parsed.problems == []
    first, second = parsed.records
    assert (first.row, second.row) == (3, 6)
    assert [i.item for i in first.failed_items] == ["维生素A", "钙", "铁"]
    assert first.failed_items[0] == FailedItemRecord("维生素A", "45", "60～180", "≥70")
    assert (first.shelf_life, first.subcategory) == ("24个月", "婴儿配方食品")
    assert first.produced_on == date(2024, 1, 15) and first.announced_on == date(2024, 3, 1)
    assert first.note == "复检确认" and not first.compliant
    assert second.produced_on == date(2024, 1, 15)
    assert second.announced_on == date(2024, 3, 1)
    assert second.key() == "XC24310000124"


def test_workbook_without_failed_columns_is_compliant():
    header = ["抽样编号", "样品名称", "标称生产企业名称", "食品细类", "公告日期"]
    parsed = parse_rows([header, ["S1", "婴儿配方奶粉", "辛乳业", "婴儿配方食品", "2024-1-2"]])
    assert parsed.layout == "workbook" and parsed.problems == []
    assert parsed.records[0].compliant


# --- problems -------------------------------------------------------------------------------


def test_bad_file_reports_every_problem_with_rows_and_columns(tmp_path):
    rows = [
        ["食品安全监督抽检不合格产品信息"],
        NONCOMPLIANT_HEADER + ["来源形式"],
        [1, "甲", "", "", "", "", "奶粉", "", "", "2024-02-30", "铅║0.1║≤0.02", "", "", "明天",
         "", "", "", "x"],
        [2, "", "", "", "", "", "", "", "", "", "铅║║", "", "", "", "", "", ""],
        [3, "乙", "", "", "", "", "奶粉", "", "", "", "", "", "", "2099-01-01", "", "", ""],
        [4, "丙" * 201, "", "", "", "", "奶粉", "", "", "L" * 21, "║0.3║", "", "", 45291, "",
         "", ""],
        [5, "甲", "", "", "", "", "奶粉", "", "", "2024-02-30", "铅║0.1║≤0.02", "", "", "", "",
         "", ""],
        ["备注：以上不合格产品已责令召回。"],
    ]  # fmt: skip
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(",".join(str(c) for c in r) for r in rows), encoding="utf-8")
    parsed = parse_file(path, today=TODAY)
    assert parsed.problems, "callers write nothing when there are problems"
    assert where(parsed.problems) == [
        (3, "公告日期"),
        (3, "生产日期/批号"),
        (4, ""),
        (5, "公告日期"),
        (5, "不合格项目║检验结果║标准值"),
        (6, "生产日期/批号"),
        (6, "标称生产企业名称"),
        (6, "不合格项目║检验结果║标准值"),
        (7, "生产日期/批号"),
        (7, ""),
    ]
    messages = [p.message_zh + " | " + p.message_en for p in parsed.problems]
    assert "明天" in messages[0]
    assert "2024-02-30" in messages[1]
    assert "2099-01-01" in messages[3] and "future" in messages[3]
    assert "L" * 21 in messages[5] and "20" in messages[5]
    assert "201" in messages[6] and "200" in messages[6]
    assert "duplicates row 3" in messages[9]
    assert parsed.ignored_columns == ["来源形式"]


def test_no_header_is_one_row_zero_problem():
    parsed = parse_rows([["婴幼儿配方食品监督抽检"], ["a", "b", "c"], [1, 2, 3]])
    assert parsed.records == [] and parsed.layout == ""
    assert where(parsed.problems) == [(0, "")]
    assert "header" in parsed.problems[0].message_en and "表头" in parsed.problems[0].message_zh


def test_header_without_data_is_a_problem():
    parsed = parse_rows([["标题"], NONCOMPLIANT_HEADER, [None] * 3])
    assert parsed.records == [] and where(parsed.problems) == [(2, "")]


def test_continuation_row_that_contradicts_first_row():
    header = ["抽样编号", "样品名称", "标称生产企业名称", "不合格项目", "检验值"]
    rows = [header, ["S1", "奶粉", "甲", "铅", "0.1"], ["S1", "奶粉", "乙", "砷", "0.2"]]
    parsed = parse_rows(rows, today=TODAY)
    assert where(parsed.problems) == [(3, "标称生产企业名称")]
    assert len(parsed.records[0].failed_items) == 2


def test_layout_hint_overrides_detection():
    header = ["食品名称", "标称生产企业名称", "公告号"]
    parsed = parse_rows([header, ["奶粉", "甲", "1"]], layout_hint="noncompliant")
    assert parsed.layout == "noncompliant" and not parsed.records[0].compliant
    assert where(parsed.problems) == [(2, "")]
    with pytest.raises(ValueError):
        parse_rows([header], layout_hint="other")


def test_key_without_sample_number():
    record = ResultRecord(row=2, enterprise_name="甲", product_name="奶粉", announcement_no="5")
    assert record.key() == ("5", "甲", "奶粉", "", "")


# --- encodings and whole-file failures ----------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(encoding))
    parsed = parse_file(path, today=TODAY)
    assert parsed.problems == [] and len(parsed.records) == 11
    assert parsed.records[3].failed_items[0].item == "阪崎肠杆菌"


def test_tab_separated_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("食品名称\t标称生产企业名称\t公告号\n奶粉\t甲,乙\t1\n", encoding="utf-8")
    assert parse_file(path).records[0].enterprise_name == "甲,乙"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0"),
        ("a.txt", "食品名称".encode()),
        ("a.xlsx", b"PK\x03\x04 not really a zip"),
        ("a.xlsx", b""),
        ("a.csv", b""),
        ("a.csv", b" \r\n\r\n"),
        ("a.csv", b"\x81\x30\xff\xff\xfe\x80"),
    ],
)
def test_whole_file_failures(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        parse_file(path)
    assert caught.value.message_zh and caught.value.message_en


def test_blank_workbook_is_a_file_error(tmp_path):
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    with pytest.raises(ImportFileError):
        parse_file(path)


def test_missing_file_is_a_file_error(tmp_path):
    with pytest.raises(ImportFileError):
        parse_file(tmp_path / "missing.csv")


def test_second_sheet_is_used_when_first_has_no_header(tmp_path):
    book = Workbook()
    book.active.append(["说明：见第二页"])
    book.create_sheet("数据").append(["食品名称", "标称生产企业名称", "公告号"])
    book["数据"].append(["奶粉", "甲", "1"])
    book.save(tmp_path / "two.xlsx")
    parsed = parse_file(tmp_path / "two.xlsx")
    assert parsed.problems == [] and parsed.records[0].row == 2


# --- cell values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45291, date(2023, 12, 31)),
        (45291.75, date(2023, 12, 31)),
        (datetime(2024, 1, 15, 8, 30), date(2024, 1, 15)),
        ("2024-01-15", date(2024, 1, 15)),
        ("2024/1/15", date(2024, 1, 15)),
        ("2024年1月15日", date(2024, 1, 15)),
        ("20240115", date(2024, 1, 15)),
        (20240115, date(2024, 1, 15)),
        ("2024.01.15", date(2024, 1, 15)),
        ("2024-01-15 00:00:00", date(2024, 1, 15)),
        ("２０２４－０１－１５", date(2024, 1, 15)),
        ("2024-02-30", None),
        ("明天", None),
        (float("nan"), None),
        (True, None),
        (None, None),
    ],
)
def test_to_date(value, expected):
    assert to_date(value) == expected


def test_serial_text_only_where_asked():
    assert to_date("45291") is None
    assert to_date("45291", serial_text=True) == date(2023, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-15", ("2024-01-15", date(2024, 1, 15), "")),
        (45306, ("2024-01-15", date(2024, 1, 15), "")),
        ("批号：B2401", ("批号：B2401", None, "B2401")),
        ("2024-01-15/B2401", ("2024-01-15/B2401", date(2024, 1, 15), "B2401")),
        ("2024-13-01", ("2024-13-01", None, "")),
        ("/", ("", None, "")),
        (None, ("", None, "")),
    ],
)
def test_date_or_lot(value, expected):
    assert date_or_lot(value) == expected


CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.sampled_from(
        NONCOMPLIANT_HEADER + WORKBOOK_HEADER + ["注：", "║", "‖", "||", "2024-02-30", "45291"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(CELLS, max_size=12), max_size=12), st.booleans())
def test_parse_rows_never_raises(rows, with_header):
    table = [NONCOMPLIANT_HEADER, *rows] if with_header else rows
    parsed = parse_rows(table, today=TODAY)
    assert parsed.records or parsed.problems or not with_header
    for problem in parsed.problems:
        assert problem.message_zh and problem.message_en and problem.row >= 0
