"""Content files: loaded once, sanitised, and malformed files named loudly."""

from __future__ import annotations

import pytest

from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.content import ContentError, Library, load_page, render_markdown


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_is_sanitised():
    html = str(render_markdown("Hi <script>alert(1)</script> [x](javascript:alert(1)) "
                               '<img src="a.png" onerror="x()" alt="a">'))
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_chinese_headings_get_readable_ids():
    assert 'id="如何阅读罐码"' in str(render_markdown("## 如何阅读罐码\n\ntext"))


@pytest.mark.parametrize(("text", "field"), [
    ("---\nsummary: s\n---\nbody", "title"),
    ("---\ntitle: t\n---\nbody", "summary"),
    ("---\ntitle: t\nsummary: s\n---\n", "body"),
    ("---\ntitle: [unclosed\n---\nbody", "front matter"),
])
def test_malformed_files_fail_naming_file_and_field(tmp_path, text, field):
    path = write(tmp_path / "broken.zh.md", text)
    with pytest.raises(ContentError) as error:
        load_page(path)
    assert str(path) in str(error.value) and field in str(error.value)


def test_file_names_must_carry_a_language(tmp_path):
    path = write(tmp_path / "page.fr.md", "---\ntitle: t\nsummary: s\n---\nbody")
    with pytest.raises(ContentError, match="page.fr.md"):
        load_page(path)


def test_missing_language_falls_back_with_a_flag(tmp_path):
    folder = tmp_path / "learn"
    folder.mkdir()
    write(folder / "only.zh.md", "---\ntitle: 标题\nsummary: 摘要\n---\n正文")
    library = Library(tmp_path)
    page, is_fallback = library.get("learn", "only", "en")
    assert page.lang == "zh" and is_fallback
    assert library.get("learn", "only", "zh")[1] is False
    assert library.get("learn", "absent", "zh") is None


def test_footer_page_in_english_shows_english_text(client):
    html = client.get("/privacy?lang=en").get_data(as_text=True)
    assert "Personal Information Protection Law" in html


@pytest.mark.parametrize(("lang", "sees", "days"), [
    ("en", ["first character of each word", "last four digits", "never sees a full name"],
     "{booking} days after the visit"),
    ("zh", ["只显示首字", "只显示最后四位", "企业看不到完整的姓名和手机号"],
     "参观结束 {booking} 天后删除"),
])
def test_privacy_notice_says_what_an_enterprise_sees_of_a_booker(app, client, lang, sees, days):
    html = client.get(f"/privacy?lang={lang}").get_data(as_text=True)
    for phrase in sees:
        assert phrase in html
    assert days.format(booking=app.config["BOOKING_RETENTION_DAYS"]) in html


def test_non_compliant_documents_are_not_published(tmp_path):
    folder = tmp_path / "brands"
    folder.mkdir()
    front = "---\ntitle: 品牌\nsummary: 介绍\n---\n"
    write(folder / "bad.zh.md", front + "我们的配方母乳化，媲美母乳。")
    write(folder / "good.zh.md", front + "工厂位于上海，每批出厂检验。")
    library = Library(tmp_path)
    assert library.get("brands", "bad", "zh") is None
    assert library.get("brands", "good", "zh") is not None
    [findings] = library.blocked.values()
    assert {f.rule for f in findings} == {"breastmilk_claim"}


def test_a_waived_finding_no_longer_blocks_the_document(tmp_path):
    folder = tmp_path / "learn"
    folder.mkdir()
    write(folder / "law.zh.md", "---\ntitle: 法规\nsummary: 介绍\n---\n标签上常见的“预防”一词。")
    assert Library(tmp_path).get("learn", "law", "zh") is None
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules" / "waivers.toml",
          '[[waivers]]\ndocument = "learn/law.zh.md"\nrule = "health_claim"\nphrase = "预防"\n'
          'reason = "Quotes the word to explain it."\nby = "reg@example.gov.cn"\n'
          "date = 2026-12-01\n")
    library = Library(tmp_path)
    assert library.get("learn", "law", "zh") is not None and library.blocked == {}
    assert "rules" not in library.folders


def test_a_malformed_waiver_file_stops_loading_naming_it(tmp_path):
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules" / "waivers.toml", '[[waivers]]\ndocument = "learn/a.zh.md"\n')
    with pytest.raises(ContentError, match=r"waivers.toml: waivers\[0\], field 'rule'"):
        Library(tmp_path)


@pytest.mark.parametrize(("events", "field"), [
    ("events: soon", "'events' must be a list"),
    ("events:\n  - title: 发布会", "'events[0].date'"),
    ("events:\n  - date: 2026-12-01", "'events[0].title'"),
    ("events:\n  - date: 2026-12-01\n    title: t\n    description: [1, 2]",
     "'events[0].description'"),
])
def test_malformed_showcase_events_fail_naming_the_field(tmp_path, events, field):
    path = write(tmp_path / "brand.zh.md", f"---\ntitle: t\nsummary: s\n{events}\n---\nbody")
    with pytest.raises(ContentError, match=field.replace("[", r"\[").replace("]", r"\]")):
        load_page(path)


@pytest.mark.parametrize(("image", "problem"), [
    ("![](/static/favicon.svg)", "no alt text"),
    ("![ ](/static/favicon.svg)", "no alt text"),
    ("![工厂](/static/no-such-photo.svg)", "not in static/"),
])
def test_showcase_photos_need_alt_text_and_their_file(tmp_path, image, problem):
    path = write(tmp_path / "brand.zh.md", f"---\ntitle: t\nsummary: s\n---\n{image}")
    with pytest.raises(ContentError, match=problem):
        load_page(path)


def test_every_showcase_in_the_repository_has_a_photo_or_an_event():
    library = Library(PROJECT_ROOT / "content")
    showcases = [page for versions in library.folders["brands"].values()
                 for page in versions.values()]
    assert showcases and library.blocked == {}
    assert any("<img" in page.html for page in showcases)
    assert any(page.meta.get("events") for page in showcases)
