"""``flask content check``: every published file passes; claims and broken files fail by name."""

from __future__ import annotations

import re

import frontmatter
import pytest

from formulatrust.core.config import PROJECT_ROOT
from formulatrust.learn.cli import content_group

LEARN = PROJECT_ROOT / "content" / "learn"
TOPICS = {"feeding", "choosing", "safety", "checking"}


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_all_content_passes(runner):
    result = runner.invoke(content_group, ["check"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ files passed", result.output)
    assert "stale waiver" not in result.output  # every waiver in the repository still applies
    assert re.match(r"Advertising rules version \S+, effective \d{4}-\d{2}-\d{2}\.",
                    result.output)


def test_a_claim_fails_naming_file_line_rule_phrase_and_legal_source(runner, tmp_path):
    path = write(tmp_path / "ad.zh.md",
                 "---\ntitle: 新品\nsummary: 介绍\n---\n工厂在上海。\n\n母 乳 化配方，媲美母乳")
    result = runner.invoke(content_group, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:7 · breastmilk_claim · “母 乳 化” · 《中华人民共和国广告法》第二十条" \
        in result.output
    assert "“媲美母乳”" in result.output and "不得声称产品替代" in result.output
    assert "1 of 1 files failed" in result.output


def waivers_file(root, *entries: tuple[str, str, str]) -> None:
    """Write ``root/rules/waivers.toml`` with (document, rule, phrase) entries."""
    (root / "rules").mkdir(parents=True, exist_ok=True)
    write(root / "rules" / "waivers.toml", "".join(
        f'[[waivers]]\ndocument = "{document}"\nrule = "{rule}"\nphrase = "{phrase}"\n'
        'reason = "Explains the word, does not claim it."\nby = "reg@example.gov.cn"\n'
        "date = 2026-12-01\n\n" for document, rule, phrase in entries))


def test_waived_findings_pass_and_stale_waivers_are_warned_about(runner, tmp_path):
    root = tmp_path / "content"
    (root / "learn").mkdir(parents=True)
    write(root / "learn" / "law.zh.md", "---\ntitle: 法规\nsummary: 介绍\n---\n“预防”一词。")
    waivers_file(root, ("learn/law.zh.md", "health_claim", "预防"),
                 ("learn/law.zh.md", "health_claim", "治疗"),
                 ("learn/gone.zh.md", "health_claim", "预防"))
    result = runner.invoke(content_group, ["check", "--content-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert "waived · health_claim · “预防” · reg@example.gov.cn, 2026-12-01" in result.output
    assert "stale waiver · learn/law.zh.md · health_claim · “治疗”" in result.output
    assert "stale waiver · learn/gone.zh.md" in result.output
    assert "1 files passed" in result.output
    # Checking one file warns only about that file's waivers.
    one = runner.invoke(content_group, ["check", "--content-dir", str(root),
                                        str(root / "learn" / "law.zh.md")])
    assert one.exit_code == 0 and "gone.zh.md" not in one.output


def test_a_waiver_for_another_phrase_does_not_help(runner, tmp_path):
    root = tmp_path / "content"
    (root / "learn").mkdir(parents=True)
    write(root / "learn" / "law.zh.md", "---\ntitle: 法规\nsummary: 介绍\n---\n预防感冒。")
    waivers_file(root, ("learn/law.zh.md", "health_claim", "治疗"))
    result = runner.invoke(content_group, ["check", "--content-dir", str(root)])
    assert result.exit_code == 1 and "health_claim · “预防”" in result.output


def test_a_malformed_rule_file_fails_naming_it(runner, tmp_path):
    root = tmp_path / "content"
    (root / "rules").mkdir(parents=True)
    write(root / "rules" / "advertising.toml", 'version = "1"\n')
    result = runner.invoke(content_group, ["check", "--content-dir", str(root)])
    assert result.exit_code == 1
    assert "invalid" in result.output and "advertising.toml" in result.output
    assert "field 'effective'" in result.output


def test_malformed_front_matter_fails_naming_the_file(runner, tmp_path):
    good = write(tmp_path / "good.en.md", "---\ntitle: Fine\nsummary: Fine\n---\nNothing to see.")
    bad = write(tmp_path / "broken.zh.md", "---\ntitle: [unclosed\n---\n正文")
    result = runner.invoke(content_group, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad} · invalid" in result.output and "front matter" in result.output
    assert str(good) not in result.output
    assert "1 of 2 files failed" in result.output


def test_missing_summary_fails(runner, tmp_path):
    path = write(tmp_path / "nosummary.en.md", "---\ntitle: t\n---\nbody")
    result = runner.invoke(content_group, ["check", str(path)])
    assert result.exit_code == 1 and "summary" in result.output


def learn_articles() -> list[str]:
    """Return the slugs under content/learn."""
    return sorted({path.name.split(".")[0] for path in LEARN.glob("*.md")})


def test_there_are_about_a_dozen_articles():
    assert len(learn_articles()) >= 12


@pytest.mark.parametrize("slug", learn_articles())
def test_article_has_both_languages_and_full_front_matter(slug):
    for lang in ("zh", "en"):
        post = frontmatter.load(LEARN / f"{slug}.{lang}.md")
        assert post["topic"] in TOPICS and post["audience"] in {"parents", "everyone"}
        # Each language's file names the author in its own language, never both halves.
        assert post["author"] == {"zh": "编辑部", "en": "Editorial team"}[lang]
        assert post["reviewed_by"] and " / " not in post["reviewed_by"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(post["reviewed_on"]))
        assert post["sources"] and all(s["title"] and s["url"].startswith("http")
                                       for s in post["sources"])
        assert "## " in post.content and "![" not in post.content


@pytest.mark.parametrize("slug", learn_articles())
def test_article_length_is_reasonable(slug):
    zh = frontmatter.load(LEARN / f"{slug}.zh.md").content
    en = frontmatter.load(LEARN / f"{slug}.en.md").content
    assert 600 <= len(re.findall(r"[\u4e00-\u9fff]", zh)) <= 1200
    assert 300 <= len(en.split()) <= 700


def test_articles_are_listed_and_render_in_both_languages(client):
    listing = client.get("/learn?lang=en").get_data(as_text=True)
    for slug in learn_articles():
        assert f"/learn/{slug}" in listing
        for lang in ("zh", "en"):
            response = client.get(f"/learn/{slug}?lang={lang}")
            assert response.status_code == 200
            assert "<h2" in response.get_data(as_text=True)
