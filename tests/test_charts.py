"""Server-drawn SVG charts: proportions, text, escaping, accessibility and contrast."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from formulatrust.core.charts import FONT, bar_chart, column_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
PHONE_WIDTH = 360 - 2 * 16  # a 360 px phone less the page margins


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def of_class(root: ElementTree.Element, tag: str, name: str) -> list[ElementTree.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if name in e.get("class", "").split()]


def texts(root: ElementTree.Element, name: str) -> list[str]:
    return ["".join(e.itertext()) for e in of_class(root, "text", name)]


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)] if len(colour) == 7 else \
        [int(c * 2, 16) / 255 for c in colour[1:]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


ROWS = [("阪崎肠杆菌", 8), ("维生素A", 4), ("Selenium", 2), ("菌落总数", 1)]
CHARTS = {
    "bar": lambda **kw: bar_chart(ROWS, **kw),
    "column": lambda **kw: column_chart(ROWS, **kw),
    "line": lambda **kw: line_chart([("2025", [8, 4, None, 1]), ("2026", [3, 5, 2, 2])],
                                    [label for label, _ in ROWS], **kw),
}


def test_bar_lengths_are_proportional_to_values_with_labels_and_values_written():
    root = parse(bar_chart(ROWS, title="Failed items", description="Counts",
                           value_label=lambda v: f"{v} results"))
    widths = [float(bar.get("width")) for bar in of_class(root, "rect", "chart-bar")]
    assert [round(w / widths[0], 2) for w in widths] == [1, 0.5, 0.25, 0.12]
    assert texts(root, "chart-label") == ["阪崎肠杆菌", "维生素A", "Selenium", "菌落总数"]
    assert texts(root, "chart-value") == ["8 results", "4 results", "2 results", "1 results"]
    # each value is written just past the end of its own bar
    for bar, value in zip(of_class(root, "rect", "chart-bar"), of_class(root, "text",
                                                                        "chart-value"),
                          strict=True):
        assert float(value.get("x")) == pytest.approx(
            float(bar.get("x")) + float(bar.get("width")) + 4, abs=0.2)


def test_max_value_sets_the_full_length_and_larger_values_are_capped_but_written():
    root = parse(bar_chart([("a", 50), ("b", 100), ("c", 300)], title="t", description="d",
                           max_value=200))
    a, b, c = (float(bar.get("width")) for bar in of_class(root, "rect", "chart-bar"))
    assert b == pytest.approx(2 * a, abs=0.1)
    assert c == pytest.approx(4 * a, abs=0.3)  # 300 is drawn at the 200 mark...
    assert texts(root, "chart-value")[2] == "300"  # ...and its true value is written


def test_column_heights_are_proportional_and_labels_are_in_order():
    years = [("2022", 99.0), ("2023", 49.5), ("2024", 0)]
    root = parse(column_chart(years, title="Compliance", description="d",
                              value_label=lambda v: f"{v:.1f}%", max_value=100))
    heights = [float(bar.get("height")) for bar in of_class(root, "rect", "chart-bar")]
    assert heights[1] == pytest.approx(heights[0] / 2, abs=0.1) and heights[2] == 0
    assert texts(root, "chart-label") == ["2022", "2023", "2024"]
    assert texts(root, "chart-value") == ["99.0%", "49.5%", "0.0%"]
    xs = [float(bar.get("x")) for bar in of_class(root, "rect", "chart-bar")]
    assert xs == sorted(xs)


def test_negative_and_missing_values_are_drawn_honestly():
    root = parse(column_chart([("up", 10), ("down", -5), ("none", None)], title="t",
                              description="d"))
    up, down = of_class(root, "rect", "chart-bar")
    assert float(up.get("y")) + float(up.get("height")) == pytest.approx(float(down.get("y")))
    assert float(down.get("height")) == pytest.approx(float(up.get("height")) / 2, abs=0.1)
    assert texts(root, "chart-value") == ["10", "-5", "—"]


def test_lines_differ_by_dash_and_marker_have_gaps_and_a_legend():
    root = parse(CHARTS["line"](title="Failures", description="d"))
    lines = of_class(root, "polyline", "chart-line")
    # the first series has a gap: two points, then one point alone (no line)
    assert len(lines) == 2 and len(lines[0].get("points").split()) == 2
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
    markers = of_class(root, "circle", "chart-marker") + of_class(root, "path", "chart-marker")
    assert len(markers) == 3 + 4 + 2  # every value, plus one in each legend key
    assert texts(root, "chart-legend") == ["2025", "2026"]
    assert "2025, 维生素A: 4" in [t.text for t in root.iter(f"{SVG}title")]


def test_line_chart_rejects_misaligned_series():
    with pytest.raises(ValueError, match="3 values for 2 labels"):
        line_chart([("a", [1, 2, 3])], ["x", "y"], title="t", description="d")


@pytest.mark.parametrize("kind", CHARTS)
def test_every_chart_is_a_named_described_image(kind):
    root = parse(CHARTS[kind](title="The title", description="The description"))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == title.get("id") and title.text == "The title"
    assert root.get("aria-describedby") == desc.get("id") and desc.text == "The description"


@pytest.mark.parametrize("kind", CHARTS)
def test_text_is_readable_on_a_phone_and_nothing_uses_inline_styles(kind):
    svg = CHARTS[kind](title="t", description="d")
    root = parse(svg)
    width = float(root.get("viewBox").split()[2])
    sizes = {float(t.get("font-size")) for t in root.iter(f"{SVG}text")}
    assert sizes == {FONT} and FONT * PHONE_WIDTH / width >= 12
    assert root.get("width") is None  # scales with its container
    assert "style" not in svg and "<script" not in svg


@pytest.mark.parametrize("kind", CHARTS)
def test_colours_have_3_to_1_contrast_against_the_background(kind):
    root = parse(CHARTS[kind](title="t", description="d"))
    background = of_class(root, "rect", "chart-background")[0].get("fill")
    drawn = {e.get(attr) for e in root.iter() for attr in ("fill", "stroke")
             if "chart-background" not in e.get("class", "") and "chart-grid" not in
             e.get("class", "") and e.get(attr) not in (None, "none")}
    assert drawn and all(contrast(c, background) >= 3 for c in drawn), drawn


def test_text_is_escaped_and_control_characters_dropped():
    hostile = '<script>alert("x")</script> & Co\x00\x1b'
    svg = bar_chart([(hostile, 1)], title="A & B <i>", description='"quoted" & <b>',
                    value_label=lambda v: f"<{v}>")
    root = parse(svg)  # would raise on unescaped markup or control characters
    assert "<script>" not in svg
    assert " ".join(texts(root, "chart-label")).startswith('<script>alert("x")</script> & Co')
    assert root.find(f"{SVG}title").text == "A & B <i>"
    assert texts(root, "chart-value") == ["<1>"]
    assert parse(line_chart([(hostile, [1])], [hostile], title="t", description="d"))


def test_long_labels_wrap_within_the_chart_between_words_or_characters():
    chinese = "婴幼儿配方食品中阪崎肠杆菌检出，不符合食品安全国家标准的规定，应当停止销售"
    english = "Vitamin A content below the lower limit stated in the national standard"
    root = parse(bar_chart([(chinese, 3), (english, 2)], title="t", description="d"))
    wrapped = [[span.text for span in text.iter(f"{SVG}tspan")]
               for text in of_class(root, "text", "chart-label")]
    assert "".join(wrapped[0]) == chinese and " ".join(wrapped[1]) == english
    assert len(wrapped[0]) > 1 and all(len(line) <= 23 for line in wrapped[0])  # 13 units each
    assert len(wrapped[1]) > 1 and set(" ".join(wrapped[1]).split()) == set(english.split())


def test_crowded_column_labels_turn_upright_instead_of_overlapping():
    years = [(str(year), 97.5) for year in range(2012, 2027)]
    root = parse(column_chart(years, title="t", description="d", max_value=100,
                              value_label=lambda v: f"{v:.1f}%"))
    turned = [t for t in root.iter(f"{SVG}text") if (t.get("transform") or "").startswith(
        "rotate(-90")]
    assert len(turned) == 2 * len(years)
    height = float(root.get("viewBox").split()[3])
    assert all(0 <= float(t.get("y")) <= height for t in turned)


def test_output_is_deterministic_and_ids_differ_between_charts():
    first = bar_chart(ROWS, title="t", description="d")
    assert first == bar_chart(ROWS, title="t", description="d")
    other = bar_chart(ROWS[:2], title="t", description="d")
    ids = {re.search(r'aria-labelledby="([^"]+)"', svg).group(1) for svg in (first, other)}
    assert len(ids) == 2
    assert 'id="mine-title"' in bar_chart(ROWS, title="t", description="d", chart_id="mine")


@pytest.mark.parametrize("empty", [
    lambda: bar_chart([], title="t", description="No results yet"),
    lambda: column_chart([], title="t", description="No results yet"),
    lambda: line_chart([("a", [None, None])], ["x", "y"], title="t", description="No results yet"),
])
def test_empty_input_draws_a_small_chart_that_says_so(empty):
    root = parse(empty())
    assert texts(root, "chart-empty") == ["No results yet"]
    assert not of_class(root, "rect", "chart-bar")
    assert float(root.get("viewBox").split()[3]) < 60
