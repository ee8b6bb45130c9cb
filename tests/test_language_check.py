"""The language checks used by the page tests find what a reader would notice, and only that."""

from .language_check import chinese_outside_zh, slash_joined


def test_chinese_text_outside_a_chinese_element_is_found():
    html = '<p>Failed item: 阪崎肠杆菌</p><p title="维生素A">vitamin A</p>'
    assert chinese_outside_zh(html) == ["Failed item: 阪崎肠杆菌", "维生素A"]


def test_chinese_marked_as_chinese_and_the_language_switch_are_allowed():
    html = ('<nav class="lang-switch"><a href="?lang=zh">中文</a></nav>'
            '<p><span lang="zh-Hans">示例公告<b>第3号</b></span> (Chinese only)</p>'
            '<option value="上海">Shanghai</option><script>var a = "中文";</script>')
    assert chinese_outside_zh(html) == []


def test_the_element_after_a_chinese_one_is_checked_again():
    html = '<p><span lang="zh-Hans">检出</span><br>维生素C</p>'
    assert chinese_outside_zh(html) == ["维生素C"]


def test_fullwidth_punctuation_counts_as_chinese():
    assert chinese_outside_zh("<p>Demo（fictional）</p>") == ["Demo（fictional）"]


def test_a_chinese_and_an_english_half_joined_by_a_slash_are_found():
    html = ("<p>检出 / detected</p><p>示例检测研究院（虚构） / Demo Testing Institute</p>"
            "<p>n=5 / m=0</p><p>生产日期 / 批号</p><p>0.41 μg/100kJ</p>")
    assert slash_joined(html) == ["检出 / detected",
                                  "示例检测研究院（虚构） / Demo Testing Institute"]
