"""``flask content check``: every published file passes; claims and broken files fail by name."""

from __future__ import annotations

import re

import frontmatter
import pytest

from formulatrust import PROJECT_ROOT
from formulatrust.cli_content import content_group

LEARN = PROJECT_ROOT / "content" / "learn"
TOPICS = {"feeding", "choosing", "safety", "checking"}


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_all_content_passes(runner):
    result = runner.invoke(content_group, ["check"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ files passed", result.output)


def test_a_claim_fails_naming_file_rule_and_phrase(runner, tmp_path):
    path = write(tmp_path / "ad.zh.md",
                 "---\ntitle: 新品\nsummary: 介绍\n---\n母乳化配方，媲美母乳")
    result = runner.invoke(content_group, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path} · breastmilk_claim · “母乳化”" in result.output
    assert "“媲美母乳”" in result.output
    assert "1 of 1 files failed" in result.output


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
        assert post["author"] == "编辑部 / Editorial team" and post["reviewed_by"]
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
