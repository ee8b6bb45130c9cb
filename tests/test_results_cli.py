"""``flask --app wsgi results import``: real published rows, corrections, all-or-nothing."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from formulatrust.publishing.models import AuditEntry
from formulatrust.results.models import Recall, ResultRevision, SamplingResult
from formulatrust.search import query_index

from .accounts_factory import ActingRunner, acting_as

SAMPLE = Path(__file__).parent / "domain/data/results/samr_rows_sample.csv"


@pytest.fixture
def runner(runner, session):
    """Every command here runs as a regulator's account (``--by EMAIL``)."""
    return ActingRunner(runner, acting_as(session))


def count(session, model=SamplingResult) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_real_published_rows_import_and_are_searchable(app, runner, session, tmp_path):
    result = runner.invoke(args=["results", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "11 created, 0 corrected, 0 unchanged" in result.output
    assert count(session) == 11
    cronobacter = session.scalars(select(SamplingResult).where(
        SamplingResult.enterprise_name == "湖南展辉食品有限公司")).one()
    assert not cronobacter.compliant
    assert cronobacter.failed_items[0].item == "阪崎肠杆菌"
    hits = query_index(app.config["SEARCH_INDEX_DIR"], "阪崎", kind="result")
    assert str(cronobacter.id) in {hit.key for hit in hits}


def test_reimport_updates_instead_of_duplicating_and_keeps_corrections(runner, session,
                                                                       tmp_path):
    assert runner.invoke(args=["results", "import", str(SAMPLE)]).exit_code == 0
    again = runner.invoke(args=["results", "import", str(SAMPLE)])
    assert "0 created, 0 corrected, 11 unchanged" in again.output
    corrected = tmp_path / "corrected.csv"
    with SAMPLE.open(encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))
    lab_column = rows[0].index("检验机构")
    old_lab, rows[1][lab_column] = rows[1][lab_column], "更正后的检验机构"
    with corrected.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    result = runner.invoke(args=["results", "import", str(corrected)])
    assert "0 created, 1 corrected, 10 unchanged" in result.output, result.output
    assert count(session) == 11
    revision = session.scalars(select(ResultRevision)).one()
    assert revision.data["lab"] == old_lab
    assert session.get(SamplingResult, revision.result_id).lab == "更正后的检验机构"


def test_a_bad_file_writes_nothing_and_names_row_and_column(runner, session, tmp_path):
    bad = tmp_path / "bad.csv"
    shutil.copy(SAMPLE, bad)
    with bad.open("a", encoding="utf-8") as handle:
        handle.write("99,,,,,,,,,,,,,,2099-13-45,,,,\n")
    result = runner.invoke(args=["results", "import", str(bad)])
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "row " in result.output and "column" in result.output
    assert count(session) == 0


def test_unreadable_files_are_refused_clearly(runner, session, tmp_path):
    wrong = tmp_path / "results.txt"
    wrong.write_text("hello", encoding="utf-8")
    result = runner.invoke(args=["results", "import", str(wrong)])
    assert result.exit_code == 1 and "/" in result.output  # bilingual message
    assert count(session) == 0


def test_dry_run_validates_without_writing(runner, session):
    result = runner.invoke(args=["results", "import", "--dry-run", str(SAMPLE)])
    assert result.exit_code == 0 and "Dry run" in result.output
    assert count(session) == 0


def test_a_regulator_marks_a_recall_completed_or_withdrawn_from_the_command_line(
        runner, session, trace, client):
    recall = session.query(Recall).one()
    assert runner.invoke(args=["recalls", "status", str(recall.id), "nonsense"]).exit_code != 0
    missing = runner.invoke(args=["recalls", "status", "999999", "completed"])
    assert missing.exit_code != 0 and "no recall 999999" in missing.output
    no_reason = runner.invoke(args=["recalls", "status", str(recall.id), "withdrawn"])
    assert no_reason.exit_code != 0 and "needs a reason" in no_reason.output
    done = runner.invoke(args=["recalls", "status", str(recall.id), "withdrawn", "--reason",
                               "The maker's test was wrong; the lot was retested."])
    assert done.exit_code == 0, done.output
    session.expire_all()
    withdrawn = session.get(Recall, recall.id)
    assert (withdrawn.status, withdrawn.version) == ("withdrawn", 2)
    assert withdrawn.revisions[0].data["status"] == "ongoing"  # the earlier version is kept
    page = client.get("/01/09521234500025/10/20260402B2?lang=en").get_data(as_text=True)
    assert "recall-banner" not in page and "was withdrawn by the regulator" in page


COMPLIANT_HEADER = ("抽样编号,标称生产企业名称,被抽样单位名称,食品名称,规格型号,生产日期/批号,"
                    "公告号,公告日期\n")


def test_a_layout_without_a_column_or_a_blank_cell_never_erases_a_stored_value(
        runner, session, tmp_path):
    full = tmp_path / "full.csv"
    full.write_text(
        "抽样编号,标称生产企业名称,被抽样单位名称,食品名称,规格型号,商标,生产日期/批号,"
        "公告号,公告日期,检验机构\n"
        "DC26000001,示例乳业有限公司,示例母婴店,示例婴儿配方乳粉(1段),800克/罐,示例牌,"
        "2026-05-01,2026年第1号,2026-06-01,示例检验所\n", encoding="utf-8")
    assert runner.invoke(args=["results", "import", str(full)]).exit_code == 0
    compliant = tmp_path / "compliant.csv"  # no 商标 or 检验机构 column; a blank 生产日期
    compliant.write_text(COMPLIANT_HEADER + "DC26000001,示例乳业有限公司,示例母婴店,"
                         "示例婴儿配方乳粉(1段),900克/罐,,2026年第1号,2026-06-01\n",
                         encoding="utf-8")
    result = runner.invoke(args=["results", "import", str(compliant)])
    assert result.exit_code == 0, result.output
    assert "1 corrected" in result.output  # the specification the file states did change
    session.expire_all()
    stored = session.scalars(select(SamplingResult)).one()
    assert (stored.lab, stored.trademark, stored.production_date_or_lot) == (
        "示例检验所", "示例牌", "2026-05-01")
    assert stored.specification == "900克/罐"
    again = runner.invoke(args=["results", "import", str(compliant)])
    assert "0 created, 0 corrected, 1 unchanged" in again.output


def test_an_import_names_the_account_it_is_done_as_in_the_audit_log(app, session):
    plain = app.test_cli_runner()
    missing = plain.invoke(args=["results", "import", str(SAMPLE)])
    assert missing.exit_code == 2 and "--by" in missing.output
    unknown = plain.invoke(args=["results", "import", str(SAMPLE), "--by", "nobody@example.com"])
    assert unknown.exit_code == 1 and "no active account" in unknown.output
    wrong = plain.invoke(args=["results", "import", str(SAMPLE),
                               *acting_as(session, "association")])
    assert wrong.exit_code == 1 and "needs regulator" in wrong.output
    assert count(session) == 0
    done = plain.invoke(args=["results", "import", str(SAMPLE), *acting_as(session)])
    assert done.exit_code == 0, done.output
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "results")).one()
    assert entry.user.email == "cli-regulator-x@example.com" and entry.summary["created"] > 0


def test_a_script_address_refuses_the_file_and_a_formula_downloads_as_text(runner, session,
                                                                            tmp_path, client):
    header = "抽样编号,标称生产企业名称,食品名称,公告号,公告日期,来源网址\n"
    script = tmp_path / "script.csv"
    script.write_text(header + "S-1,示例乳业,示例奶粉,2026年第1号,2026-06-01,"
                      "javascript:alert(1)\n", encoding="utf-8")
    refused = runner.invoke(args=["results", "import", str(script)])
    assert refused.exit_code != 0 and "row 2, column 来源网址" in refused.output
    assert count(session) == 0
    formula = tmp_path / "formula.csv"
    formula.write_text(header + 'S-2,"=HYPERLINK(""https://evil.example"",""click"")",示例奶粉,'
                       "2026年第1号,2026-06-01,https://example.org/a\n", encoding="utf-8")
    assert runner.invoke(args=["results", "import", str(formula)]).exit_code == 0
    rows = list(csv.reader(io.StringIO(client.get("/results?format=csv").get_data(
        as_text=True).removeprefix("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"https://evil.example\",\"click\")" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_a_script_hidden_after_a_web_address_refuses_the_file(runner, session, tmp_path):
    hidden = tmp_path / "hidden.csv"
    hidden.write_text("抽样编号,标称生产企业名称,食品名称,公告号,公告日期,来源网址\n"
                      "S-1,示例乳业,示例奶粉,2026年第1号,2026-06-01,"
                      "https://example.org/a ; javascript:alert(1)\n", encoding="utf-8")
    refused = runner.invoke(args=["results", "import", str(hidden)])
    assert refused.exit_code != 0 and "row 2, column 来源网址" in refused.output
    assert "javascript:alert(1)" in refused.output
    assert count(session) == 0


def test_a_notice_and_its_reprints_are_separate_links(runner, session, client):
    assert runner.invoke(args=["results", "import", str(SAMPLE)]).exit_code == 0
    result = session.scalars(select(SamplingResult).where(
        SamplingResult.source_url.contains(" ; "))).first()
    page = client.get(f"/results/{result.id}?lang=en").get_data(as_text=True)
    assert 'href="http://food.ocn.com.cn/info/201511/shipin1206121292.html"' in page
    assert 'href="https://www.yybnet.net/news/china/201511/659551.html"' in page
    assert " ; " not in "".join(re.findall(r'href="([^"]*)"', page))
