"""Bilingual values in the reader's language: never both halves, a marked Chinese fallback."""

from flask import render_template_string

MACROS = '{% import "components/bilingual.html" as bi %}'


def render(app, language: str, body: str, **values) -> str:
    with app.test_request_context(f"/?lang={language}"):
        return render_template_string(MACROS + body, **values)


def test_english_reader_sees_english_only(app):
    html = render(app, "en", "{{ bi.text(zh, en) }}", zh="未检出", en="not detected")
    assert html == "not detected"


def test_chinese_reader_sees_chinese_only(app):
    assert render(app, "zh", "{{ bi.text(zh, en) }}", zh="未检出", en="not detected") == "未检出"


def test_missing_english_shows_the_chinese_marked_as_chinese_only(app):
    html = render(app, "en", "{{ bi.text(zh, '') }}", zh="召回原因")
    assert '<span lang="zh-Hans">召回原因</span>' in html
    assert "(Chinese only)" in html


def test_vocabulary_terms_are_shown_in_the_readers_language(app):
    assert render(app, "en", "{{ bi.term('阪崎肠杆菌', 'test_items') }}").startswith("Cronobacter")
    assert render(app, "zh", "{{ bi.term('Cronobacter sakazakii', 'test_items') }}") == "阪崎肠杆菌"
    assert render(app, "en", "{{ bi.term('嘉定区', 'places') }}") == "Jiading District"


def test_unknown_chinese_term_falls_back_marked(app):
    html = render(app, "en", "{{ bi.term('某种未知项目', 'test_items') }}")
    assert 'lang="zh-Hans"' in html and "(Chinese only)" in html


def test_a_name_without_english_gets_a_marked_pinyin(app):
    html = render(app, "en", "{{ bi.name(zh, '') }}", zh="示例母婴店")
    assert "Shi Li Mu Ying Dian" in html
    assert 'class="transliteration"' in html and "示例" not in html


def test_lists_are_joined_as_each_language_writes_them(app):
    assert render(app, "zh", "{{ ['甲', '乙']|joined }}") == "甲、乙"
    assert render(app, "en", "{{ ['a', 'b']|joined }}") == "a, b"


def test_chinese_quoted_in_english_text_is_marked(app):
    html = render(app, "en", "{{ text|quoted_chinese }}", text="Announcement number (公告号) <x>")
    assert html == 'Announcement number (<span lang="zh-Hans">公告号</span>) &lt;x&gt;'
    assert render(app, "zh", "{{ text|quoted_chinese }}", text="公告号") == "公告号"


def test_an_option_names_a_term_in_the_readers_language_or_says_it_is_chinese(app):
    known = render(app, "en", "{{ bi.term_option('嘉定区', 'places', True) }}")
    assert known == '<option value="嘉定区" selected>Jiading District</option>'
    unknown = render(app, "en", "{{ bi.term_option('某某区', 'places') }}")
    assert unknown == '<option value="某某区" lang="zh-Hans">某某区</option>'
    assert render(app, "zh", "{{ bi.term_option('嘉定区', 'places') }}") == \
        '<option value="嘉定区">嘉定区</option>'


def test_names_and_terms_listed_as_markup_keep_their_marks(app):
    class Brand:
        def __init__(self, zh: str, en: str) -> None:
            self.name_zh, self.name_en = zh, en

    brands = [Brand("晨曦", "Dawnlight"), Brand("示例母婴店", "")]
    html = render(app, "en", "{{ brands|map('name_of')|joined }}", brands=brands)
    assert html.startswith("Dawnlight, <i class=\"transliteration\"")
    chinese = render(app, "zh", "{{ brands|map('name_of')|joined }}", brands=brands)
    assert chinese == "晨曦、示例母婴店"
    terms = render(app, "en", "{{ items|map('term_of', 'test_items')|joined }}",
                   items=["阪崎肠杆菌", "A & B"])
    assert terms.startswith("Cronobacter") and terms.endswith(", A &amp; B")


def test_a_value_written_without_chinese_is_shown_as_it_is(app):
    assert render(app, "en", "{{ bi.text(zh, '') }}", zh="Okapi Dairy Co., Ltd.") == \
        "Okapi Dairy Co., Ltd."
