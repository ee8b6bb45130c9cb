"""A regulator's waiver of a checker finding works for articles kept in the database as it
does for the files of content/learn: one rule and one phrase as written, with a reason,
audited; the blocked version may then be approved. A file's waiver follows it into the
database when the files are imported."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from formulatrust.domain.compliance import Waiver, waiver_toml
from formulatrust.learn.models import Article
from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from .learn_world import approve, make_editors, save_version
from .test_learn_articles import text_of

EXPLAINED = "## 标签用语\n\n标签上常见的“预防”一词，本文只解释它。"
REASON = "The article quotes the word to explain what the law forbids."
REVIEW = "/publish/article-waivers"


@pytest.fixture
def blocked(client, session):
    """An article whose only version is blocked by the phrase 预防, and a regulator."""
    editors = make_editors(session)
    assert save_version(client, editors[0], body_zh=EXPLAINED) == 303
    regulator = make_user(session, "regulator", email="reg@example.gov.cn")
    return editors, regulator


def waive(client, regulator, reason=REASON, phrase="预防", lang="en"):
    sign_in_as(client, regulator)
    token = csrf_token(client, "/account")
    return client.post(f"{REVIEW}/vitamin-d?lang={lang}", data={
        "csrf_token": token, "rule": "health_claim", "phrase": phrase, "reason": reason})


def test_a_regulator_waives_the_phrase_and_a_reviewer_then_approves(client, session, blocked):
    (author, reviewer), regulator = blocked
    assert approve(client, reviewer, 1) == 403
    sign_in_as(client, regulator)
    queue = check_page(client.get(f"{REVIEW}?lang=en").get_data(as_text=True), "en")
    assert "“预防”" in queue.get_text() and queue.select("form.waiver-form")

    assert waive(client, regulator).status_code == 303
    queue = check_page(client.get(f"{REVIEW}?lang=en").get_data(as_text=True), "en")
    assert "No article is blocked." in queue.get_text()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "waive")).one()
    assert (entry.object_type, entry.summary["phrase"], entry.summary["reason"]) == (
        "learn_article", "预防", REASON)
    assert entry.user_id == regulator.id

    assert approve(client, reviewer, 1) == 303
    assert "标签上常见的“预防”一词" in text_of(client.get("/learn/vitamin-d?lang=zh"))
    # The waiver covers the later versions too.
    assert save_version(client, author, body_zh=EXPLAINED + "\n\n补充一句。") == 303
    assert approve(client, reviewer, 2) == 303


@pytest.mark.parametrize(("reason", "phrase", "message"), [
    ("short", "预防", "Write the reason in 10 to 500 characters"),
    (REASON, "治疗", "no longer contains this phrase"),
])
def test_a_waiver_needs_a_reason_and_a_finding_that_exists(client, session, blocked, reason,
                                                            phrase, message):
    (_, reviewer), regulator = blocked
    refused = waive(client, regulator, reason=reason, phrase=phrase)
    assert refused.status_code == 400
    page = check_page(refused.get_data(as_text=True), "en")
    assert page.title.get_text().startswith("Error:")
    assert message in page.select_one(".error-summary").get_text()
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "waive")).all() == []
    assert approve(client, reviewer, 1) == 403


def test_only_regulators_may_waive(client, session, blocked):
    (author, _), _regulator = blocked
    assert waive(client, author).status_code == 403
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "waive")).all() == []


def test_the_command_waives_for_a_regulator_named_by_email(client, runner, session, blocked):
    (_, reviewer), _regulator = blocked
    args = ["learn", "waive", "vitamin-d", "--rule", "health_claim", "--phrase", "预防",
            "--reason", REASON]
    editor = runner.invoke(args=[*args, "--by", "author@example.com"])
    assert editor.exit_code != 0 and "needs regulator" in editor.output
    wrong = runner.invoke(args=["learn", "waive", "vitamin-d", "--rule", "health_claim",
                                "--phrase", "治疗", "--reason", REASON,
                                "--by", "reg@example.gov.cn"])
    assert wrong.exit_code != 0 and "health_claim · “预防”" in wrong.output
    done = runner.invoke(args=[*args, "--by", "reg@example.gov.cn"])
    assert done.exit_code == 0, done.output
    assert approve(client, reviewer, 1) == 303


ARTICLE_FILE = """---
title: 标签用语
summary: 解释标签上的用语。
topic: safety
reviewed_on: 2026-11-01
sources:
  - title: "国家市场监督管理总局 — 婴幼儿配方乳粉产品配方注册管理办法"
    url: https://www.samr.gov.cn/
---
标签上常见的“预防”一词，本文只解释它。
"""


@pytest.fixture
def waived_file(tmp_path, app_overrides):
    """A content folder of one article whose finding a regulator waived in the waiver file."""
    root = tmp_path / "content"
    (root / "learn").mkdir(parents=True)
    (root / "rules").mkdir()
    (root / "learn" / "law.zh.md").write_text(ARTICLE_FILE, encoding="utf-8")
    waiver = Waiver("learn/law.zh.md", "health_claim", "预防", REASON, "reg@example.gov.cn",
                    date(2026, 11, 2))
    (root / "rules" / "waivers.toml").write_text(waiver_toml(waiver), encoding="utf-8")
    app_overrides["CONTENT_DIR"] = str(root)
    return root


def test_a_files_waiver_follows_it_into_the_database(waived_file, client, runner, session):
    assert client.get("/learn/law").status_code == 200  # the file, before the import
    result = runner.invoke(args=["learn", "import"])
    assert result.exit_code == 0, result.output
    article = session.scalars(select(Article).where(Article.slug == "law")).one()
    assert article.published is not None and article.published.passed_checks
    assert "本文只解释它" in text_of(client.get("/learn/law"))
