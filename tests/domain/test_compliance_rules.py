"""The advertising rules as data: the repository's file, loud errors for malformed rules and
waivers, and waivers applied per document, rule and phrase."""

from __future__ import annotations

from datetime import date

import pytest

from formulatrust.domain.compliance import (
    RULES_FILE,
    RulesError,
    Waiver,
    check,
    read_rules,
    read_waivers,
    split_waived,
    waiver_toml,
)

MINIMAL = '''\
version = "9.1"
effective = 2027-01-01

[[changelog]]
version = "9.1"
date = 2027-01-01
changes = "Test rules."

[laws.advertising]
zh = "《中华人民共和国广告法》"
en = "Advertising Law"
url = "https://flk.npc.gov.cn/"

[normalisation.characters]
"強" = "强"

[[rules]]
id = "test_rule"
category = "health"
name_zh = "测试"
name_en = "Test"
message_zh = "不得测试。"
message_en = "Do not test."
applies = "always"
target = "text"
zh = ["增强免疫力"]
en = ["boosts? immunity"]
examples = ["增强免疫力", "boosts immunity"]

[[rules.sources]]
law = "advertising"
article_zh = "第十七条"
article_en = "Article 17"
'''


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_the_repository_rules_are_versioned_and_sourced():
    rules = read_rules(RULES_FILE)
    assert rules.version and rules.effective >= date(2026, 11, 28)
    for rule in rules.rules:
        assert rule.name_zh and rule.name_en and rule.message_zh and rule.message_en
        assert all(source.url.startswith("https://") for source in rule.sources)
    cited = {source.law_zh for rule in rules.rules for source in rule.sources}
    assert {"《中华人民共和国广告法》", "《中华人民共和国食品安全法》"} <= cited
    assert any("婴幼儿配方乳粉产品配方注册管理办法" in law for law in cited)
    assert any(law.startswith("GB 10765-2021") for law in cited)


def test_a_minimal_rule_file_works_with_its_own_variants(tmp_path):
    rules = read_rules(write(tmp_path / "rules.toml", MINIMAL))
    assert (rules.version, rules.effective) == ("9.1", date(2027, 1, 1))
    [finding] = check("本品增強免疫力", rules=rules)
    assert (finding.rule, finding.phrase) == ("test_rule", "增強免疫力")
    assert finding.source == "《中华人民共和国广告法》第十七条"
    assert check("本品最好", rules=rules) == []  # only its own rules apply


@pytest.mark.parametrize(("old", "new", "named"), [
    ('category = "health"', 'category = "wellness"', "rule 'test_rule', field 'category'"),
    ('zh = ["增强免疫力"]', 'zh = ["增强(免疫力"]', "rule 'test_rule', field 'zh[0]'"),
    ('en = ["boosts? immunity"]', 'en = ["boosts?\\\\s+immunity"]',
     "rule 'test_rule', field 'en[0]'"),
    ('zh = ["增强免疫力"]', 'zh = ["增强免疫力", "x?"]', "rule 'test_rule', field 'zh[1]'"),
    ('examples = ["增强免疫力", ', 'examples = ["益智", ', "rule 'test_rule', field 'examples[0]'"),
    ('law = "advertising"', 'law = "advertizing"', "sources[0], field 'law'"),
    ('applies = "always"', 'applies = "sometimes"', "rule 'test_rule', field 'applies'"),
    ('target = "text"', 'target = "video"', "rule 'test_rule', field 'target'"),
    ('message_en = "Do not test."', 'message_en = ""', "rule 'test_rule', field 'message_en'"),
    ('examples = [', 'exmaples = [', "rule 'test_rule', field 'exmaples'"),
    ('id = "test_rule"', 'id = "Test Rule"', "field 'id'"),
    ('version = "9.1"\neffective', 'effective', "field 'version'"),
    ('effective = 2027-01-01', 'effective = "soon"', "field 'effective'"),
    ('url = "https://flk.npc.gov.cn/"', 'url = "flk.npc.gov.cn"', "laws.advertising, field 'url'"),
    ('"強" = "强"', '"強" = "强化"', "field 'characters.強'"),
])
def test_a_malformed_rule_fails_naming_the_rule_and_field(tmp_path, old, new, named):
    assert old in MINIMAL
    path = write(tmp_path / "rules.toml", MINIMAL.replace(old, new))
    with pytest.raises(RulesError) as error:
        read_rules(path)
    assert str(path) in str(error.value) and named in str(error.value)


def test_a_rule_without_sources_is_refused(tmp_path):
    path = write(tmp_path / "rules.toml", MINIMAL[:MINIMAL.index("[[rules.sources]]")])
    with pytest.raises(RulesError, match="rule 'test_rule', field 'sources'"):
        read_rules(path)


def test_two_rules_with_one_id_are_refused(tmp_path):
    rule = MINIMAL[MINIMAL.index("[[rules]]"):]
    with pytest.raises(RulesError, match="field 'id' is used by two rules"):
        read_rules(write(tmp_path / "rules.toml", MINIMAL + "\n" + rule))


def test_a_file_that_is_not_toml_is_named(tmp_path):
    path = write(tmp_path / "rules.toml", "version = \n")
    with pytest.raises(RulesError, match="rules.toml: cannot be read"):
        read_rules(path)


# --- waivers --------------------------------------------------------------------------------

WAIVER = '''\
[[waivers]]
document = "learn/a.zh.md"
rule = "health_claim"
phrase = "预防"
reason = "The article explains what the law forbids."
by = "reg@example.gov.cn"
date = 2026-12-01
'''


def test_waivers_are_read_and_cover_one_document_rule_and_phrase(tmp_path):
    [waiver] = read_waivers(write(tmp_path / "waivers.toml", WAIVER))
    assert waiver == Waiver("learn/a.zh.md", "health_claim", "预防",
                            "The article explains what the law forbids.", "reg@example.gov.cn",
                            date(2026, 12, 1))
    findings = check("本品预防感冒，增强免疫力。")
    kept, used = split_waived("learn/a.zh.md", findings, [waiver])
    assert {f.phrase for f in kept} == {"增强免疫力"} and used == [waiver]
    kept, used = split_waived("learn/b.zh.md", findings, [waiver])
    assert len(kept) == 2 and used == []


def test_no_waiver_file_means_no_waivers(tmp_path):
    assert read_waivers(tmp_path / "missing.toml") == ()


@pytest.mark.parametrize(("old", "new", "named"), [
    ('rule = "health_claim"', 'rule = "no_such_rule"', "waivers[0], field 'rule'"),
    ('document = "learn/a.zh.md"', 'document = "../secret.md"', "waivers[0], field 'document'"),
    ('reason = "The article explains what the law forbids."', 'reason = " "',
     "waivers[0], field 'reason'"),
    ("date = 2026-12-01", 'date = "yesterday"', "waivers[0], field 'date'"),
    ('by = "reg@example.gov.cn"\n', "", "waivers[0], field 'by'"),
])
def test_a_malformed_waiver_fails_naming_the_entry_and_field(tmp_path, old, new, named):
    path = write(tmp_path / "waivers.toml", WAIVER.replace(old, new))
    with pytest.raises(RulesError) as error:
        read_waivers(path)
    assert str(path) in str(error.value) and named in str(error.value)


def test_a_waiver_written_as_toml_reads_back_unchanged(tmp_path):
    waiver = Waiver("brands/x.zh.md", "absolute_claim", "“最” \\ 好\n", 'He said "fine"\ttoo',
                    "reg@example.gov.cn", date(2026, 12, 2))
    path = write(tmp_path / "waivers.toml", "# header\n\n" + waiver_toml(waiver))
    assert read_waivers(path) == (waiver,)
