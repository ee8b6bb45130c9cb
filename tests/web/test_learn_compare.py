"""Editors and reviewers compare any two saved versions of an article: every part in both
languages, removed text in <del> and added text in <ins>, each also said in words (not by
colour only); the command prints the same comparison."""

from __future__ import annotations

import pytest

from ..accounts_factory import make_user, sign_in_as
from ..pagecheck import check_page
from .learn_world import make_editors, save_version

COMPARE = "/publish/articles/vitamin-d/compare"


@pytest.fixture
def two_versions(client, session):
    author, reviewer = make_editors(session)
    assert save_version(client, author) == 303
    assert save_version(client, author, title_en="Vitamin D drops for babies",
                        body_zh="## 为什么\n\n母乳喂养的宝宝每天补充400国际单位维生素D。") == 303
    sign_in_as(client, reviewer)
    return author, reviewer


def test_the_changes_between_two_versions_are_marked_in_words_and_both_languages(
        client, two_versions):
    answer = client.get(f"{COMPARE}?from=1&to=2&lang=en")
    assert answer.status_code == 200
    page = check_page(answer.get_data(as_text=True), "en")
    assert page.h1.get_text() == "Changes from version 1 to version 2"
    title = page.find(id="part-title_en").parent
    assert [" ".join(each.get_text().split()) for each in title.select("ins")] == [
        "added: for babies"]
    body = page.find(id="part-body_zh").parent
    assert body.select_one("ol.diff")["lang"] == "zh-Hans"
    removed = "".join(each.get_text() for each in body.select("del"))
    added = "".join(each.get_text() for each in body.select("ins"))
    assert "10微克" in removed and removed.startswith("removed:")
    assert "400国际单位" in added and added.startswith("added:")
    for mark in page.select("ol.diff ins .visually-hidden, ol.diff del .visually-hidden"):
        assert mark.get_text().strip() in ("added:", "removed:")
    unchanged = page.find(id="part-summary_en").get_text(" ", strip=True)
    assert unchanged.endswith("unchanged")
    assert not page.find(id="part-summary_en").parent.select("ol")

    chinese = check_page(client.get(f"{COMPARE}?from=1&to=2&lang=zh").get_data(as_text=True),
                         "zh")
    assert chinese.select_one("#part-body_zh").parent.select_one("ins").get_text().startswith(
        "新增：")


def test_the_versions_page_offers_the_comparison_of_the_last_two(client, two_versions):
    page = check_page(client.get("/publish/articles/vitamin-d?lang=en").get_data(as_text=True))
    form = page.select_one("form.compare-form")
    assert form["method"] == "get" and form["action"] == COMPARE
    assert form.select_one("#compare-from option[selected]")["value"] == "1"
    assert form.select_one("#compare-to option[selected]")["value"] == "2"
    assert client.get(COMPARE).status_code == 200
    [changes] = page.select("a[href^='/publish/articles/vitamin-d/compare']")
    assert changes.get_text() == "changes" and "from=1" in changes["href"]
    assert "to=2" in changes["href"]


@pytest.mark.parametrize("query", ["from=1&to=9", "from=x&to=2", "from=&to=2"])
def test_a_version_that_does_not_exist_gets_a_clear_answer(client, two_versions, query):
    answer = client.get(f"{COMPARE}?{query}&lang=en")
    assert answer.status_code == 400
    page = check_page(answer.get_data(as_text=True), "en")
    assert "Choose two versions of this article to compare." in page.get_text()
    assert "请选择这篇文章的两个版本进行比较" in page.get_text()


def test_an_administrator_may_compare_but_not_an_enterprise_editor(client, session, world,
                                                                   two_versions):
    sign_in_as(client, make_user(session, "admin"))
    assert client.get(COMPARE).status_code == 200
    sign_in_as(client, make_user(session, "enterprise", world["enterprises"][0]))
    assert client.get(COMPARE).status_code == 403


def test_the_command_prints_the_changes(runner, two_versions):
    result = runner.invoke(args=["learn", "compare", "vitamin-d", "1", "2"])
    assert result.exit_code == 0, result.output
    assert "== title_en\n~ Vitamin D drops{+ for babies+}" in result.output
    assert "[-10微克-]{+400国际单位+}" in result.output
    assert "== summary_en" not in result.output
    missing = runner.invoke(args=["learn", "compare", "vitamin-d", "1", "5"])
    assert missing.exit_code != 0 and "has versions 1, 2" in missing.output
