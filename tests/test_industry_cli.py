"""``flask --app wsgi industry-statistics import FILE --by EMAIL``: the upload's checks and
service on the command line; a file with one bad row writes nothing and names the row."""

from __future__ import annotations

from sqlalchemy import func, select

from formulatrust.industry.models import IndustryFigure, IndustryRelease

from .accounts_factory import acting_as

HEADER = "期间,类别,段别,指标,数值,单位,来源说明\n"


def write(tmp_path, text: str):
    path = tmp_path / "figures.csv"
    path.write_text(text, encoding="utf-8-sig")
    return str(path)


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_a_file_with_a_bad_row_writes_nothing_and_says_where_in_both_languages(
        runner, session, tmp_path):
    by = acting_as(session, "association")
    path = write(tmp_path, HEADER + "2026-01,婴儿配方乳粉,1段,产量,1250,吨,月报\n"
                                    "2026-13,婴儿配方乳粉,1段,产量,1300,吨,月报\n")
    result = runner.invoke(args=["industry-statistics", "import", path, *by])
    assert result.exit_code != 0
    assert "第 3 行“期间”列" in result.output and "Row 3, column “期间”" in result.output
    assert "nothing was written" in result.output
    assert count(session, IndustryFigure) == 0


def test_a_good_file_is_published_under_the_accounts_association(runner, session, tmp_path):
    by = acting_as(session, "association")
    path = write(tmp_path, HEADER + "2026-01,婴儿配方乳粉,1段,产量,1250,吨,月报\n"
                                    "2026-Q1,婴儿配方乳粉,,销售额,\"3,600,000\",元,季报\n")
    result = runner.invoke(args=["industry-statistics", "import", path, *by])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 corrected, 0 unchanged." in result.output
    figures = session.scalars(select(IndustryFigure).order_by(IndustryFigure.period)).all()
    assert [(f.period, f.measure, f.value, f.unit) for f in figures] == [
        ("2026-01", "production_volume", "1250", "t"), ("2026-Q1", "sales_value", "3600000",
                                                          "yuan")]
    assert {f.organisation.name_zh for f in figures} == {"行业协会"}
    again = runner.invoke(args=["industry-statistics", "import", path, *by])
    assert "0 created, 0 corrected, 2 unchanged." in again.output
    assert count(session, IndustryRelease) == 1  # nothing new: no empty release


def test_only_association_accounts_may_import(runner, session, tmp_path):
    path = write(tmp_path, HEADER + "2026-01,婴儿配方乳粉,1段,产量,1250,吨,月报\n")
    result = runner.invoke(args=["industry-statistics", "import", path,
                                 *acting_as(session, "regulator")])
    assert result.exit_code != 0 and "association" in result.output
    assert count(session, IndustryFigure) == 0
