"""The language checks of the crawl find what a reader would notice, and only that."""

from .language_check import bilingual_joins, chinese_outside_zh


def page(body: str, lang: str = "en") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><title>T</title></head>'
            f"<body>{body}</body></html>")


def test_chinese_on_an_english_page_is_found_with_its_element():
    found = chinese_outside_zh(page("<p>Tested by 示例检测研究院</p>"))
    assert found == ["<p> Tested by 示例检测研究院"]


def test_chinese_marked_as_chinese_is_allowed_also_in_descendants():
    assert chinese_outside_zh(page('<p lang="zh-Hans">检出 <b>阪崎<i>肠杆菌</i></b></p>')) == []


def test_english_inside_chinese_inside_english_resets_the_language():
    found = chinese_outside_zh(page('<div lang="zh-Hans"><p lang="en">检出</p></div>'))
    assert found == ["<p> 检出"]


def test_seen_attributes_count_and_scripts_do_not():
    html = page('<img alt="罐" src="x.png"><script>var a = "中文";</script>'
                '<nav class="lang-switch"><a href="?lang=zh">中文</a></nav>')
    assert chinese_outside_zh(html) == ["alt=<img> 罐"]


def test_both_halves_joined_are_found_on_a_chinese_page():
    html = page("<td>未检出 / not detected</td><td>示例研究院（虚构） / Demo (fictional)</td>"
                "<td>CSV / JSON</td><td>2026-07 / 2026-09</td><td>检出</td>", "zh-Hans")
    assert bilingual_joins(html) == ["未检出 / not detected",
                                     "示例研究院（虚构） / Demo (fictional)"]
