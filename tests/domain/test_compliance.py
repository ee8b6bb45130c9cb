"""Tests for the advertising-compliance checker: phrases flagged verbatim, explanations pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formulatrust.domain.compliance import (
    RULES,
    Finding,
    MarkdownError,
    check,
    check_markdown_file,
)


def flagged(text: str, stage: int | None = None) -> set[tuple[str, str]]:
    """Return the (rule, phrase) pairs found in ``text``."""
    return {(finding.rule, finding.phrase) for finding in check(text, stage=stage)}


BREASTMILK = ["替代母乳", "代替母乳", "母乳化", "人乳化", "接近母乳", "媲美母乳", "等同母乳",
              "母乳般", "母乳替代品", "类母乳", "like breast milk", "closest to breast milk",
              "breast milk substitute", "as good as breast milk", "humanized",
              "replaces breast milk"]
HEALTH = ["预防", "治疗", "增强免疫力", "提高智力", "促进大脑发育", "最", "第一", "100%", "零风险",
          "prevents", "cures", "boosts immunity", "smarter", "best", "No. 1"]
RATING = ["国家推荐", "政府认证", "免检", "government approved", "endorsed by the regulator"]
PROMOTION = ["推荐", "首选", "最佳", "买", "优惠", "促销", "赠品", "限时", "best choice", "buy",
             "offer", "discount", "free gift"]


@pytest.mark.parametrize("phrase", BREASTMILK)
def test_breastmilk_claims_are_quoted(phrase):
    assert ("breastmilk_claim", phrase) in flagged(f"本品配方 {phrase} 。")


@pytest.mark.parametrize("phrase", HEALTH)
def test_health_claims_are_quoted(phrase):
    assert ("health_claim", phrase) in flagged(f"本品 {phrase} 。")


@pytest.mark.parametrize("phrase", RATING)
def test_rating_misuse_is_quoted(phrase):
    assert ("rating_misuse", phrase) in flagged(f"本品 {phrase} 。")


@pytest.mark.parametrize("phrase", PROMOTION)
def test_promotion_is_flagged_for_stages_one_and_two(phrase):
    text = f"欢迎选择 {phrase} 。"
    assert ("infant_promotion", phrase) in flagged(text, stage=1)
    assert ("infant_promotion", phrase) in flagged(text, stage=2)
    assert not {rule for rule, _ in flagged(text, stage=3)} & {"infant_promotion"}
    assert not {rule for rule, _ in flagged(text)} & {"infant_promotion"}


@pytest.mark.parametrize("context", ["1段", "2段", "0-6月龄", "6～12月龄", "0-12个月", "Stage 2",
                                     "0–6 months"])
def test_age_in_the_text_makes_promotion_count(context):
    assert ("infant_promotion", "限时") in flagged(f"{context}奶粉，限时特卖")


def test_special_baby_phrase_is_quoted_whole():
    assert ("infant_promotion", "专为中国宝宝打造") in flagged("专为中国宝宝打造", stage=1)


def test_english_is_case_insensitive_and_keeps_original_casing():
    found = flagged("The BEST formula, Like Breast Milk, GOVERNMENT APPROVED. Buy now", stage=1)
    assert {("health_claim", "BEST"), ("breastmilk_claim", "Like Breast Milk"),
            ("rating_misuse", "GOVERNMENT APPROVED"), ("infant_promotion", "Buy")} <= found


def test_finding_carries_both_messages():
    [finding] = check("母乳化配方")
    assert finding == Finding("breastmilk_claim", "母乳化", finding.message_zh, finding.message_en)
    assert finding.message_zh and finding.message_en


def test_each_phrase_is_reported_once_per_rule():
    assert len(check("母乳化，母乳化，母乳化")) == 1


def test_rule_ids_are_stable():
    assert [rule.id for rule in RULES] == [
        "breastmilk_claim", "infant_promotion", "health_claim", "rating_misuse"]


@pytest.mark.parametrize("text", [
    "没有任何配方奶粉可以替代母乳。",
    "目前没有一种配方奶粉能够等同母乳。",
    "配方奶粉无法替代母乳，也不能媲美母乳。",
    "标签不得使用“人乳化”“母乳化”或近似术语。",
    "no formula equals breast milk",
    "No formula is as good as breast milk.",
    "Formula cannot replace breast milk.",
    "Labels must not call a product humanized.",
    "特医食品不是药品，不能代替药物治疗。",
    "诚信等级不是政府认证，也不是国家推荐。",
    "It is not government approved.",
    "最后，检查罐底的批号。这是该码第一次被查询。",
    "Check the best-before date.",
])
def test_negated_and_educational_sentences_pass(text):
    assert check(text) == []


@pytest.mark.parametrize(("text", "phrase"), [
    ("没有哪款奶粉比它更接近母乳", "接近母乳"),
    ("没有其他奶粉能媲美母乳", "媲美母乳"),
    ("谁说奶粉不能替代母乳", "替代母乳"),
    ("奶粉能不能替代母乳？", "替代母乳"),
    ("不能不说它接近母乳", "接近母乳"),
    ("不仅接近母乳，还更好吸收", "接近母乳"),
    ("没有任何配方奶粉，无论多贵，能够替代母乳", "替代母乳"),
    ("Nothing is more like breast milk", "like breast milk"),
    ("Not only as good as breast milk", "as good as breast milk"),
])
def test_tricks_around_negation_are_still_flagged(text, phrase):
    assert ("breastmilk_claim", phrase) in flagged(text)


def test_the_who_code_name_is_not_a_claim():
    assert check("The International Code of Marketing of Breast-milk Substitutes (1981)") == []


def test_human_milk_is_not_imitation_milk():
    assert check("人类母乳含有抗体") == []
    assert ("breastmilk_claim", "类母乳") in flagged("类母乳结构")


@given(st.text(), st.sampled_from([None, 0, 1, 2, 3]))
def test_check_never_raises(text, stage):
    assert all(isinstance(finding, Finding) for finding in check(text, stage=stage))


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_file_checks_front_matter_and_stage(tmp_path):
    path = write(tmp_path / "a.zh.md",
                 "---\ntitle: 母乳般的呵护\nsummary: 限时活动\nstage: 1\n---\n正文")
    assert flagged_file(path) == {("breastmilk_claim", "母乳般"), ("infant_promotion", "限时")}


def test_markdown_link_targets_are_not_checked(tmp_path):
    path = write(tmp_path / "a.en.md", "---\ntitle: t\nsummary: s\n---\n[WHO](https://x.org/best)")
    assert check_markdown_file(path) == []


@pytest.mark.parametrize("text", ["---\ntitle: [unclosed\n---\nbody",
                                  "---\ntitle: t\nstage: one\n---\nbody"])
def test_unreadable_markdown_names_the_file(tmp_path, text):
    path = write(tmp_path / "bad.zh.md", text)
    with pytest.raises(MarkdownError, match="bad.zh.md"):
        check_markdown_file(path)


def flagged_file(path) -> set[tuple[str, str]]:
    """Return the (rule, phrase) pairs found in a Markdown file."""
    return {(finding.rule, finding.phrase) for finding in check_markdown_file(path)}
