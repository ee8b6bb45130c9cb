"""The web results upload maps terms to the vocabulary as the command does and lists, in the
reader's language, the terms that name no entry, without refusing the file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.results.models import SamplingResult

from ..pagecheck import check_page
from ..test_result_terms import noncompliant_table
from .test_publish import as_role, summary, upload


@pytest.mark.parametrize(("lang", "heading", "items", "categories", "separator"), [
    ("en", "Terms not in the vocabulary", "Failed items", "Category", ", "),
    ("zh", "不在词表中的词语", "不合格项目", "分类", "、"),
])
def test_the_upload_page_lists_unknown_terms_and_imports_them(
        client, session, tmp_path, lang, heading, items, categories, separator):
    as_role(client, session, "regulator")
    content = noncompliant_table(tmp_path).read_text(encoding="utf-8")
    content += "3,丁乳业,,,,,婴儿配方乳粉,,,2025-01-02,另一新项目║1║2,,2025年第1号,,,,\n"
    response = upload(client, f"/publish/results?lang={lang}", "table.csv",
                      content.encode("utf-8"))
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), lang)
    facts = summary(soup)
    assert facts[items] == f"新项目甲{separator}另一新项目"
    assert facts[categories] == "新奇食品类"
    assert heading in soup.select_one(".notice").get_text()
    if lang == "en":  # Chinese terms on an English page are marked as Chinese
        assert {s.get_text() for s in soup.select('.notice dd span[lang="zh-Hans"]')} >= {
            "新项目甲", "另一新项目", "新奇食品类"}
    session.expire_all()
    assert len(session.scalars(select(SamplingResult)).all()) == 3
    known = session.scalars(select(SamplingResult).where(
        SamplingResult.enterprise_name == "甲乳业")).one()
    assert (known.category, known.category_raw) == ("婴儿配方食品", "婴儿配方乳粉")


def test_an_upload_of_known_terms_lists_nothing(client, session, tmp_path):
    as_role(client, session, "regulator")
    rows = noncompliant_table(tmp_path).read_text(encoding="utf-8").splitlines()[:2]
    response = upload(client, "/publish/results?lang=en", "known.csv",
                      "\n".join(rows).encode("utf-8"))
    soup = check_page(response.get_data(as_text=True), "en")
    assert summary(soup)["New results"] == "1"
    assert "Terms not in the vocabulary" not in soup.get_text()
