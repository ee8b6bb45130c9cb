"""The advertising-compliance checker: every rule catches its phrases and their disguises,
quotes them as written with their line, and lets explanations and our own articles pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formulatrust.domain.compliance import (
    Finding,
    MarkdownError,
    check,
    check_markdown_file,
    default_rules,
)

RULES = default_rules().rules
TEXT_EXAMPLES = [(rule.id, example) for rule in RULES if rule.target == "text"
                 for example in rule.examples]
IMAGE_EXAMPLES = [(rule.id, example) for rule in RULES if rule.target == "image"
                  for example in rule.examples]


def flagged(text: str, stage: int | None = None, promotional: bool = False
            ) -> set[tuple[str, str]]:
    """Return the (rule, phrase) pairs found in ``text``."""
    return {(f.rule, f.phrase) for f in check(text, stage=stage, promotional=promotional)}


def full_width(text: str) -> str:
    """Write ASCII letters, digits and punctuation in their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def spread(text: str, separator: str) -> str:
    """Put ``separator`` between the characters of ``text`` (its own spaces included)."""
    return separator.join(c for c in text if not c.isspace())


DISGUISES = {
    "as written": lambda phrase: phrase,
    "spaced": lambda phrase: spread(phrase, " "),
    "hyphenated": lambda phrase: spread(phrase, "-"),
    "starred": lambda phrase: spread(phrase, "*"),
    "dotted": lambda phrase: spread(phrase, "·"),
    "zero-width": lambda phrase: spread(phrase, "\u200b"),
    "full-width": full_width,
    "upper case": str.upper,
}


def test_the_rules_cover_every_category_of_the_issue():
    assert [rule.id for rule in RULES] == [
        "breastmilk_claim", "infant_promotion", "infant_targeting", "health_claim",
        "absolute_claim", "rating_misuse", "vague_origin", "no_added_claim", "infant_image"]
    assert all(rule.sources and rule.examples for rule in RULES)


DISGUISED = [(rule, example, name) for rule, example in TEXT_EXAMPLES
             for name, disguise in DISGUISES.items()
             if name == "as written" or disguise(example) != example]


@pytest.mark.parametrize(("rule", "example", "disguise"), DISGUISED)
def test_every_rule_catches_its_examples_and_their_disguises(rule, example, disguise):
    written = DISGUISES[disguise](example)
    promotional = next(r.applies for r in RULES if r.id == rule) == "promotional"
    quoted = [phrase for found, phrase in flagged(f"本品 {written} 。", stage=1,
                                                   promotional=promotional) if found == rule]
    assert quoted and all(phrase in written for phrase in quoted)


@pytest.mark.parametrize(("text", "rule", "phrase"), [
    ("增強免疫力", "health_claim", "增強免疫力"),
    ("替代母奶的配方", "breastmilk_claim", "替代母奶"),
    ("人奶化配方", "breastmilk_claim", "人奶化"),
    ("毋乳化配方", "breastmilk_claim", "毋乳化"),
    ("進口奶源", "vague_origin", "進口奶源"),
    ("無污染奶源", "vague_origin", "無污染奶源"),
    ("國家推薦", "rating_misuse", "國家推薦"),
    ("bеst formula", "absolute_claim", "bеst"),  # Cyrillic е
    ("humаnized formula", "breastmilk_claim", "humаnized"),  # Cyrillic а
    ("母 - 乳 - 化", "breastmilk_claim", "母 - 乳 - 化"),
    ("like\nbreast milk", "breastmilk_claim", "like\nbreast milk"),
    ("不 添 加 蔗 糖", "no_added_claim", "不 添 加 蔗 糖"),
    ("ＮＯ ＡＤＤＥＤ ＳＵＣＲＯＳＥ", "no_added_claim", "ＮＯ ＡＤＤＥＤ ＳＵＣＲＯＳＥ"),
])
def test_traditional_characters_and_look_alikes_are_folded(text, rule, phrase):
    assert (rule, phrase) in flagged(text)


def test_findings_quote_the_phrase_as_written_with_its_line():
    [finding] = check("这一行没问题。\n下一行也没问题。\n本品母 乳 化。")
    assert (finding.rule, finding.phrase, finding.line) == ("breastmilk_claim", "母 乳 化", 3)
    assert "广告法" in finding.source and finding.message_zh and finding.message_en


def test_each_phrase_is_reported_once_per_rule():
    assert len(check("母乳化，母乳化，母乳化")) == 1


@pytest.mark.parametrize("phrase", ["推荐", "限时", "买", "best choice", "discount"])
def test_promotion_counts_only_for_stages_one_and_two_and_showcases(phrase):
    text = f"欢迎选择 {phrase} 。"
    for stage in (1, 2):
        assert ("infant_promotion", phrase) in flagged(text, stage=stage)
    assert ("infant_promotion", phrase) in flagged(text, promotional=True)
    assert not {rule for rule, _ in flagged(text, stage=3)} & {"infant_promotion"}
    assert not {rule for rule, _ in flagged(text)} & {"infant_promotion"}


@pytest.mark.parametrize("context", ["1段", "2 段", "0-6月龄", "6～12月龄", "0-12个月", "Stage 2",
                                     "0–6 months", "１段"])
def test_age_in_the_text_makes_promotion_count(context):
    assert ("infant_promotion", "限时") in flagged(f"{context}奶粉，限时特卖")


@pytest.mark.parametrize(("text", "phrase"), [
    ("The BEST formula", "BEST"), ("Like Breast Milk", "Like Breast Milk"),
    ("GOVERNMENT APPROVED", "GOVERNMENT APPROVED"),
])
def test_english_keeps_the_original_casing(text, phrase):
    assert phrase in {found for _, found in flagged(text)}


@pytest.mark.parametrize("text", [
    # Negations and explanations.
    "没有任何配方奶粉可以替代母乳。",
    "目前没有一种配方奶粉能够等同母乳。",
    "配方奶粉无法替代母乳，也不能媲美母乳。",
    "标签不得使用“人乳化”“母乳化”或近似术语。",
    "不得明示或暗示产品具有益智、增加抵抗力或免疫力、保护肠道等功能。",
    "标签不得使用“进口奶源”“生态牧场”等模糊信息。",
    "标签不得用“不添加蔗糖”来强调本来就不允许添加的物质。",
    "no formula equals breast milk",
    "No formula is as good as breast milk.",
    "Formula cannot replace breast milk.",
    "Labels must not call a product humanized.",
    "Labels must not say imported milk source.",
    "特医食品不是药品，不能代替药物治疗。",
    "诚信等级不是政府认证，也不是国家推荐。",
    "It is not government approved.",
    # The public-health message is not an absolute claim.
    "母乳是婴儿最好的食物。",
    "母乳是0至6月龄婴儿最理想的食物。",
    "Breast milk is best for babies.",
    "Breastfeeding is best.",
    "The International Code of Marketing of Breast-milk Substitutes (1981)",
    "世界卫生组织《国际母乳代用品销售守则》",
    # Everyday words that look like listed ones.
    "最后，检查罐底的批号。这是该码第一次被查询。",
    "Check the best-before date.",
    "Unlike breast milk, formula has no antibodies.",
    "Imported milk powder needs a Chinese label.",
    "人类母乳含有抗体",
    "坚持喂母乳，化解焦虑。",
    "No. 12 Test Road",
    "含量为1.100%以下",
])
def test_compliant_texts_pass(text):
    assert check(text) == []


@pytest.mark.parametrize(("text", "phrase"), [
    ("没有哪款奶粉比它更接近母乳", "接近母乳"),
    ("没有其他奶粉能媲美母乳", "媲美母乳"),
    ("谁说奶粉不能替代母乳", "替代母乳"),
    ("奶粉能不能替代母乳？", "替代母乳"),
    ("不能不说它接近母乳", "接近母乳"),
    ("不仅接近母乳，还更好吸收", "接近母乳"),
    ("没有任何配方奶粉，无论多贵，能够替代母乳", "替代母乳"),
    ("没有香精、接近母乳", "接近母乳"),  # only a prohibition carries over a 、 list
    ("Nothing is more like breast milk", "like breast milk"),
    ("Not only as good as breast milk", "as good as breast milk"),
    ("母乳是最好的，本品如同母乳", "如同母乳"),  # the exemption covers only absolute terms
])
def test_tricks_around_negation_and_exemptions_are_still_flagged(text, phrase):
    assert ("breastmilk_claim", phrase) in flagged(text)


def test_a_long_list_item_breaks_the_prohibition():
    assert ("health_claim", "保护肠道") in flagged(
        "不得声称益智、配方经过多年研究而且非常科学、保护肠道")


@given(st.text(), st.sampled_from([None, 0, 1, 2, 3]), st.booleans())
def test_check_never_raises(text, stage, promotional):
    assert all(isinstance(f, Finding) for f in check(text, stage=stage, promotional=promotional))


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def flagged_file(path, **options) -> set[tuple[str, str, int]]:
    """Return the (rule, phrase, line) triples found in a Markdown file."""
    return {(f.rule, f.phrase, f.line) for f in check_markdown_file(path, **options)}


def test_markdown_file_checks_front_matter_and_stage_with_lines(tmp_path):
    path = write(tmp_path / "a.zh.md",
                 "---\ntitle: 母乳般的呵护\nsummary: 限时活动\nstage: 1\n---\n正文\n\n益智配方")
    assert flagged_file(path) == {("breastmilk_claim", "母乳般", 2),
                                  ("infant_promotion", "限时", 3), ("health_claim", "益智", 8)}


def test_showcase_events_are_checked(tmp_path):
    folder = tmp_path / "brands"
    folder.mkdir()
    path = write(folder / "b.zh.md", "---\ntitle: 品牌\nsummary: 介绍\nevents:\n"
                 "  - date: 2026-12-01\n    title: 新品发布\n    description: 现场限时优惠\n"
                 "---\n工厂位于上海。")
    assert flagged_file(path) == {("infant_promotion", "限时", 7), ("infant_promotion", "优惠", 7)}


@pytest.mark.parametrize(("rule", "example"), IMAGE_EXAMPLES)
def test_images_of_infants_are_refused_in_showcases_by_alt_text(tmp_path, rule, example):
    folder = tmp_path / "brands"
    folder.mkdir()
    path = write(folder / "b.en.md", f"---\ntitle: t\nsummary: s\n---\nText.\n\n"
                 f"![A {example} smiling](/static/x.svg)")
    assert (rule, example, 7) in flagged_file(path)


@pytest.mark.parametrize("image", ['![工厂](/static/happy-baby.svg)',
                                   '<img src="/static/%E5%AE%9D%E5%AE%9D.png" alt="工厂">'])
def test_images_of_infants_are_refused_by_file_name(tmp_path, image):
    path = write(tmp_path / "b.zh.md", f"---\ntitle: t\nsummary: s\nbrand: b\n---\n{image}")
    assert {rule for rule, _, _ in flagged_file(path)} == {"infant_image"}


def test_infant_images_are_allowed_in_articles_and_formula_cans_anywhere(tmp_path):
    article = write(tmp_path / "a.en.md", "---\ntitle: t\nsummary: s\n---\n"
                    "![A parent feeding a baby](/static/feeding.svg)")
    assert check_markdown_file(article) == []
    assert check_markdown_file(article, promotional=True) != []
    folder = tmp_path / "brands"
    folder.mkdir()
    showcase = write(folder / "s.en.md", "---\ntitle: t\nsummary: s\n---\n"
                     "![A can of infant formula on the line](/static/infant-formula-can.svg)")
    assert check_markdown_file(showcase) == []


def test_markdown_link_targets_are_not_checked(tmp_path):
    path = write(tmp_path / "a.en.md", "---\ntitle: t\nsummary: s\n---\n[WHO](https://x.org/best)")
    assert check_markdown_file(path) == []


@pytest.mark.parametrize("text", ["---\ntitle: [unclosed\n---\nbody",
                                  "---\ntitle: t\nstage: one\n---\nbody"])
def test_unreadable_markdown_names_the_file(tmp_path, text):
    path = write(tmp_path / "bad.zh.md", text)
    with pytest.raises(MarkdownError, match="bad.zh.md"):
        check_markdown_file(path)
