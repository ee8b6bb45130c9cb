"""The advertising checker on a labelled corpus: every violation caught, no compliant text
flagged (the README states these figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from formulatrust.domain.compliance import check
from formulatrust.domain.compliance_corpus import CorpusError, read_corpus, score

CORPUS = Path(__file__).parent / "data" / "advertising_corpus.tsv"
SAMPLES = read_corpus(CORPUS)
SCORES = score(SAMPLES)


def test_the_corpus_is_large_bilingual_and_has_both_kinds_of_text():
    assert len(SAMPLES) >= 150
    compliant = [s for s in SAMPLES if s.expected == "ok"]
    assert len(compliant) >= 50 and len(SAMPLES) - len(compliant) >= 100
    assert any(s.text.isascii() for s in compliant) and any(not s.text.isascii()
                                                             for s in compliant)
    families = {s.expected for s in SAMPLES} - {"ok"}
    assert {"breastmilk_claim", "infant_targeting", "health_claim", "rating_misuse",
            "absolute_claim", "vague_origin", "no_added_claim"} <= families


@pytest.mark.parametrize("family", sorted(SCORES))
def test_every_violation_of_each_family_is_caught(family):
    assert [s.text for s in SCORES[family].missed] == []


@pytest.mark.parametrize("family", sorted(SCORES))
def test_no_compliant_text_is_flagged(family):
    assert [s.text for s in SCORES[family].false_alarms] == []


def test_the_required_breast_milk_statement_passes_and_a_product_name_is_a_fact():
    statement = "对于0～6月龄的婴儿最理想的食品是母乳，在母乳不足或无母乳时可食用本产品。"
    assert check(statement, stage=1, promotional=True) == []
    assert check("晨曦婴儿配方乳粉（0-6月龄，1段）", stage=1, promotional=True) == []
    claim = check("专为0-6个月宝宝设计", stage=1, promotional=True)
    assert [f.rule for f in claim] == ["infant_targeting"] and claim[0].context == "promotional"
    assert check("1段奶粉适合0-6个月的婴儿，这是国家标准规定的适用范围。") == []


def test_negation_and_quotation_are_told_apart():
    assert check("本品不能替代母乳。", promotional=True) == []
    assert [f.rule for f in check("不是奶粉，而是接近母乳的营养", promotional=True)] == [
        "breastmilk_claim"]


def test_a_malformed_corpus_line_is_named(tmp_path):
    bad = tmp_path / "corpus.tsv"
    bad.write_text("ok\tshowcase\tfine\nhealth_claim\tposter\tboosts immunity\n",
                   encoding="utf-8")
    with pytest.raises(CorpusError, match="corpus.tsv:2"):
        read_corpus(bad)


def test_the_report_command_prints_precision_and_recall(runner):
    result = runner.invoke(args=["content", "check", "--report", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert "infant_targeting" in result.output and "100%" in result.output
