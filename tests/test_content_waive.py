"""``flask content waive``: only an active regulator's account may waive a finding that exists;
the waiver is appended to the waiver file with an audit entry, and then the file passes."""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import select

from formulatrust.publishing.models import AuditEntry

from .accounts_factory import make_user

ARTICLE = "---\ntitle: 法规\nsummary: 介绍\n---\n标签上常见的“预防”一词，本文只解释它。\n"
REASON = "The article quotes the word to explain what the law forbids."


@pytest.fixture
def content(tmp_path, app_overrides):
    """A content folder of one article with one finding, used by the app under test."""
    root = tmp_path / "content"
    (root / "learn").mkdir(parents=True)
    (root / "learn" / "law.zh.md").write_text(ARTICLE, encoding="utf-8")
    app_overrides["CONTENT_DIR"] = str(root)
    return root


def waive(runner, root, *, phrase="预防", rule="health_claim", by="reg@example.gov.cn",
          reason=REASON, path=None):
    return runner.invoke(args=["content", "waive", str(path or root / "learn" / "law.zh.md"),
                               "--rule", rule, "--phrase", phrase, "--reason", reason,
                               "--by", by])


def test_a_regulator_waives_a_finding_and_the_file_then_passes(content, runner, session):
    regulator = make_user(session, "regulator", email="reg@example.gov.cn")
    assert runner.invoke(args=["content", "check", "--content-dir", str(content)]).exit_code == 1
    result = waive(runner, content, by="  REG@example.gov.cn ")
    assert result.exit_code == 0, result.output
    assert "Waived health_claim · “预防” in learn/law.zh.md" in result.output
    saved = tomllib.loads((content / "rules" / "waivers.toml").read_text(encoding="utf-8"))
    [entry] = saved["waivers"]
    assert {key: entry[key] for key in ("document", "rule", "phrase", "reason", "by")} == {
        "document": "learn/law.zh.md", "rule": "health_claim", "phrase": "预防",
        "reason": REASON, "by": "reg@example.gov.cn"}
    audit = session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.object_type, audit.object_id) == (
        "create", "content_waiver", "learn/law.zh.md")
    assert audit.summary["regulator"] == regulator.id and audit.summary["phrase"] == "预防"
    check = runner.invoke(args=["content", "check", "--content-dir", str(content)])
    assert check.exit_code == 0, check.output
    assert "waived · health_claim · “预防”" in check.output


def test_a_second_waiver_is_appended_after_the_first(content, runner, session):
    make_user(session, "regulator", email="reg@example.gov.cn")
    article = content / "learn" / "law.zh.md"
    article.write_text(ARTICLE + "\n“治疗”也是。\n", encoding="utf-8")
    assert waive(runner, content).exit_code == 0
    assert waive(runner, content, phrase="治疗").exit_code == 0
    saved = tomllib.loads((content / "rules" / "waivers.toml").read_text(encoding="utf-8"))
    assert [entry["phrase"] for entry in saved["waivers"]] == ["预防", "治疗"]
    assert len(session.scalars(select(AuditEntry)).all()) == 2


@pytest.mark.parametrize(("role", "active", "message"), [
    ("admin", True, "Only a regulator may waive a finding; reg@example.gov.cn has the admin role"),
    ("science", True, "Only a regulator may waive"),
    ("regulator", False, "The account reg@example.gov.cn is disabled"),
])
def test_only_an_active_regulator_may_waive(content, runner, session, role, active, message):
    make_user(session, role, email="reg@example.gov.cn", active=active)
    result = waive(runner, content)
    assert result.exit_code != 0 and message in result.output
    assert not (content / "rules" / "waivers.toml").exists()
    assert session.scalars(select(AuditEntry)).all() == []


@pytest.mark.parametrize(("options", "message"), [
    ({"by": "nobody@example.gov.cn"}, "No account with the email address nobody@example.gov.cn"),
    ({"rule": "no_such_rule"}, "There is no rule 'no_such_rule'"),
    ({"phrase": "治疗"}, "has no finding of rule health_claim for the phrase “治疗”"),
    ({"rule": "absolute_claim"}, "Its findings:\n  line 5 · health_claim · “预防”"),
    ({"reason": "ok"}, "Give the reason in 10 to 500 characters"),
])
def test_a_waiver_that_does_not_fit_is_refused_saying_why(content, runner, session, options,
                                                          message):
    make_user(session, "regulator", email="reg@example.gov.cn")
    result = waive(runner, content, **options)
    assert result.exit_code != 0 and message in result.output
    assert not (content / "rules" / "waivers.toml").exists()


def test_the_same_waiver_twice_is_refused(content, runner, session):
    make_user(session, "regulator", email="reg@example.gov.cn")
    assert waive(runner, content).exit_code == 0
    before = (content / "rules" / "waivers.toml").read_text(encoding="utf-8")
    result = waive(runner, content)
    assert result.exit_code != 0 and "already waived" in result.output
    assert (content / "rules" / "waivers.toml").read_text(encoding="utf-8") == before


def test_a_file_outside_the_content_folder_is_refused(content, runner, session, tmp_path):
    make_user(session, "regulator", email="reg@example.gov.cn")
    outside = tmp_path / "elsewhere.zh.md"
    outside.write_text(ARTICLE, encoding="utf-8")
    result = waive(runner, content, path=outside)
    assert result.exit_code != 0 and "is not in the content folder" in result.output
