"""Imported results speak the vocabulary: a published term that names an entry is stored as the
entry's Chinese form with the published text kept beside it; a term that names no entry is
imported as published and listed after the summary, never blocking the import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from formulatrust.domain.vocabulary import Entry, Vocabulary
from formulatrust.results import terms
from formulatrust.results.models import FailedItem, SamplingResult
from formulatrust.search.vocabularies import vocabulary

from .accounts_factory import ActingRunner, acting_as
from .domain.test_results_import import (
    COMPLIANT_HEADER,
    NONCOMPLIANT_HEADER,
    WORKBOOK_HEADER,
    row_for,
    write_xlsx,
)

SAMPLE = Path(__file__).parent / "domain/data/results/samr_rows_sample.csv"


@pytest.fixture
def runner(runner, session):
    return ActingRunner(runner, acting_as(session))


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    return path


def noncompliant_table(tmp_path: Path) -> Path:
    """Two failed samples as a regulator's announcement table: a known term written another
    way in every mapped column, and unknown terms."""
    def row(number, enterprise, item, category, province):
        return row_for(NONCOMPLIANT_HEADER, 序号=number, 标称生产企业名称=enterprise,
                       食品名称="婴儿配方乳粉", 生产日期_批号="2025-01-02", 公告号="2025年第1号",
                       不合格项目_检验结果_标准值=f"{item}║5║≥10", 分类=category,
                       被抽样单位所在省份=province)
    return write_csv(tmp_path / "announcement.csv", [
        NONCOMPLIANT_HEADER,
        row(1, "甲乳业", "维生素 A", "婴儿配方乳粉", "上海市"),
        row(2, "乙乳业", "新项目甲", "新奇食品类", "广东"),
    ])


def workbook(tmp_path: Path, **cells) -> Path:
    """One failed sample in the regulator's workbook, with a food subcategory."""
    row = {"抽样编号": "XC25310000001", "样品名称": "较大婴儿配方奶粉",
           "标称生产企业名称": "丙乳业", "生产日期_批号": "2025/3/4", "不合格项目": "retinol",
           "检验值": "5", "标准值": "≥10", "食品细类": "二段", "被抽样单位所在省份": "浙江省",
           **cells}
    return write_xlsx(tmp_path / "book.xlsx", [WORKBOOK_HEADER, row_for(WORKBOOK_HEADER, **row)])


def stored(session, enterprise: str) -> SamplingResult:
    session.expire_all()
    return session.scalars(select(SamplingResult).where(
        SamplingResult.enterprise_name == enterprise)).one()


def test_known_terms_are_stored_as_their_entry_with_the_published_text_kept(
        runner, session, tmp_path):
    result = runner.invoke(args=["results", "import", str(noncompliant_table(tmp_path))])
    assert result.exit_code == 0, result.output
    known = stored(session, "甲乳业")
    assert (known.category, known.category_raw) == ("婴儿配方食品", "婴儿配方乳粉")
    assert (known.province, known.province_raw) == ("上海", "上海市")
    assert [(f.item, f.item_raw) for f in known.failed_items] == [("维生素A", "维生素 A")]


def test_unknown_terms_are_imported_as_published_and_listed_after_the_summary(
        runner, session, tmp_path):
    result = runner.invoke(args=["results", "import", str(noncompliant_table(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    unknown = stored(session, "乙乳业")
    assert (unknown.category, unknown.category_raw) == ("新奇食品类", "")
    assert [(f.item, f.item_raw) for f in unknown.failed_items] == [("新项目甲", "")]
    assert (unknown.province, unknown.province_raw) == ("广东", "")  # named exactly: no raw
    listing = result.output.split("2 created")[1]
    assert "不合格项目 / failed items: 新项目甲" in listing
    assert "分类 / categories: 新奇食品类" in listing
    assert "维生素" not in listing and "上海" not in listing and "广东" not in listing


def test_a_dry_run_lists_the_unknown_terms_too(runner, session, tmp_path):
    path = noncompliant_table(tmp_path)
    result = runner.invoke(args=["results", "import", "--dry-run", str(path)])
    assert result.exit_code == 0 and "nothing written" in result.output
    assert "failed items: 新项目甲" in result.output
    assert session.scalar(select(SamplingResult.id)) is None


def test_the_workbook_subcategory_may_be_a_stage_and_items_may_be_english(
        runner, session, tmp_path):
    result = runner.invoke(args=["results", "import", str(workbook(tmp_path))])
    assert result.exit_code == 0, result.output
    sample = stored(session, "丙乳业")
    assert (sample.subcategory, sample.subcategory_raw) == ("2段", "二段")
    assert (sample.province, sample.province_raw) == ("浙江", "浙江省")
    assert [(f.item, f.item_raw) for f in sample.failed_items] == [("维生素A", "retinol")]
    assert "not in the vocabulary" not in result.output


def test_a_category_written_as_a_subcategory_is_found_and_an_unknown_one_listed(
        runner, session, tmp_path):
    path = workbook(tmp_path, 食品细类="较大婴儿配方乳粉")
    assert runner.invoke(args=["results", "import", str(path)]).exit_code == 0
    assert stored(session, "丙乳业").subcategory == "较大婴儿配方食品"
    again = runner.invoke(args=["results", "import", str(workbook(tmp_path, 食品细类="四段"))])
    assert "1 corrected" in again.output
    assert "食品细类 / subcategories: 四段" in again.output.split("1 corrected")[1]
    assert (stored(session, "丙乳业").subcategory, stored(session, "丙乳业").subcategory_raw) \
        == ("四段", "")


def test_a_table_of_compliant_results_maps_its_category_and_province(
        runner, session, tmp_path):
    path = write_csv(tmp_path / "compliant.csv", [COMPLIANT_HEADER, row_for(
        COMPLIANT_HEADER, 抽样编号="DBJ25310000009", 标称生产企业名称="戊乳业",
        食品名称="幼儿配方奶粉", 分类="婴幼儿配方奶粉", 被抽样单位所在省份="江苏省")])
    result = runner.invoke(args=["results", "import", str(path)])
    assert result.exit_code == 0 and "in the compliant layout" in result.output, result.output
    sample = stored(session, "戊乳业")
    assert sample.compliant
    assert (sample.category, sample.category_raw) == ("婴幼儿配方食品", "婴幼儿配方奶粉")
    assert (sample.province, sample.province_raw) == ("江苏", "江苏省")


def test_reimporting_the_same_text_changes_nothing(runner, session, tmp_path):
    path = noncompliant_table(tmp_path)
    assert runner.invoke(args=["results", "import", str(path)]).exit_code == 0
    again = runner.invoke(args=["results", "import", str(path)])
    assert "0 created, 0 corrected, 2 unchanged" in again.output
    assert stored(session, "甲乳业").category_raw == "婴儿配方乳粉"


def test_a_file_that_leaves_a_term_blank_never_erases_it(runner, session, tmp_path):
    assert runner.invoke(args=["results", "import", str(workbook(tmp_path))]).exit_code == 0
    blank = workbook(tmp_path, 食品细类=None, 被抽样单位所在省份=None, 检验机构="某检验所")
    assert "1 corrected" in runner.invoke(args=["results", "import", str(blank)]).output
    sample = stored(session, "丙乳业")
    assert (sample.subcategory, sample.subcategory_raw) == ("2段", "二段")
    assert (sample.province, sample.province_raw) == ("浙江", "浙江省")
    assert sample.lab == "某检验所"


def test_every_failed_item_of_the_published_rows_is_imported_as_an_entry(runner, session):
    result = runner.invoke(args=["results", "import", str(SAMPLE)])
    assert result.exit_code == 0 and "11 created" in result.output, result.output
    assert "failed items:" not in result.output
    items = session.scalars(select(FailedItem.item)).all()
    assert len(items) == 11
    assert all(vocabulary().match(item, "test_items").zh == item for item in items)


def test_terms_added_to_the_vocabulary_later_are_mapped_by_a_command(
        runner, session, tmp_path, monkeypatch):
    assert runner.invoke(args=["results", "import", str(noncompliant_table(tmp_path))]
                         ).exit_code == 0
    grown = Vocabulary([*vocabulary().entries,
                        Entry("test_items", "new-item", "新项目", "new item", ("新项目甲",))])
    monkeypatch.setattr(terms, "vocabulary", lambda: grown)
    result = runner.invoke(args=["results", "map-vocabulary"])
    assert result.exit_code == 0, result.output
    assert "1 of 2 results mapped anew" in result.output
    remapped = stored(session, "乙乳业").failed_items
    assert [(f.item, f.item_raw) for f in remapped] == [("新项目", "新项目甲")]
    assert stored(session, "甲乳业").failed_items[0].item_raw == "维生素 A"


def test_the_api_and_downloads_give_both_the_entry_and_the_published_text(
        client, runner, session, tmp_path):
    assert runner.invoke(args=["results", "import", str(noncompliant_table(tmp_path))]
                         ).exit_code == 0
    known = stored(session, "甲乳业")
    body = client.get(f"/api/v1/results/{known.id}").get_json()
    assert (body["category"], body["category_raw"]) == ("婴儿配方食品", "婴儿配方乳粉")
    assert (body["province"], body["province_raw"]) == ("上海", "上海市")
    item = body["failed_items"][0]
    assert (item["item"], item["item_raw"]) == ("维生素A", "维生素 A")
    download = client.get("/results.csv?enterprise=甲乳业").get_data(as_text=True)
    rows = list(csv.DictReader(download.lstrip("\ufeff").splitlines()))
    assert (rows[0]["category"], rows[0]["category_raw"]) == ("婴儿配方食品", "婴儿配方乳粉")


def test_a_lab_already_named_in_english_keeps_its_english_name_on_new_results(
        runner, session, tmp_path):
    session.add(SamplingResult(sample_no="OLD1", lab="某检验所", lab_en="Some Test Institute",
                               compliant=True))
    session.commit()
    path = workbook(tmp_path, 检验机构="某检验所")
    assert runner.invoke(args=["results", "import", str(path)]).exit_code == 0
    assert stored(session, "丙乳业").lab_en == "Some Test Institute"
    other = workbook(tmp_path, 检验机构="另一检验所")
    assert "1 corrected" in runner.invoke(args=["results", "import", str(other)]).output
    assert (stored(session, "丙乳业").lab, stored(session, "丙乳业").lab_en) == ("另一检验所", "")
