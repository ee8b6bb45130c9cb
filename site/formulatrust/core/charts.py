"""Accessible charts drawn on the server as SVG strings (no Flask, no language of their own).

Every chart is an ``<svg role="img">`` whose ``<title>`` names it (``aria-labelledby``) and
whose ``<desc>`` describes it (``aria-describedby``). The caller passes text already translated
and shows the same numbers in a table beside the chart. The title is not drawn inside the chart:
the caller's heading shows it.

Sizes: the ``viewBox`` is 320 units wide and text is 13 units, so a chart drawn across a 360 px
phone (328 px inside the page margins) shows text at 13 px or more. Colours have at least 3:1
contrast against the chart's own white background (WCAG 1.4.11), and nothing relies on colour
alone: bars and columns carry their values as text, lines differ by dash pattern and marker and
are named in a legend. No ``style`` attribute or element is written (strict CSP); presentation
attributes and ``chart-*`` classes are used instead.

``value_label`` formats each value for display (whole numbers reach it as ints).
Values may be ints or floats; ``None`` (or a value that is not finite) means "no value": a bar
or column is left out and its value written as "—"; a line has a gap. Negative values are drawn
from a zero baseline. Values above a caller-given ``max_value`` are drawn at full length, with
their true value written.

Empty input draws a small chart that writes the ``description`` as its text, so a caller that
charts no rows should pass a description saying there is no data (or not draw the chart).
Output is deterministic: the same arguments give the same string, ids included.
"""

from __future__ import annotations

import hashlib
import html
import math
import unicodedata
from collections.abc import Callable, Sequence

WIDTH = 320
PAD = 8
FONT = 13
LINE = 17  # height of one line of text
BAR = 16  # thickness of a horizontal bar
GAP = 12  # space between the rows of a bar chart
PLOT = 150  # height of the plot area of column and line charts
BACKGROUND = "#fff"
INK = "#1b1f23"
AXIS = "#4a5560"
GRID = "#c9d1d8"  # gridlines are decoration: values are written as text
FILL = "#0b5c7a"
MISSING = "—"
# (colour, dash pattern, marker): each line differs from the others in all three.
SERIES = (
    ("#0b5c7a", "", "circle"),
    ("#b00020", "7 4", "square"),
    ("#1d6b35", "2 3", "triangle"),
    ("#6a3d9a", "10 3 2 3", "diamond"),
    ("#8a4b08", "4 2", "cross"),
    ("#1b1f23", "1 3", "down"),
)

Value = int | float | None
Formatter = Callable[[float], str]


def bar_chart(rows: Sequence[tuple[str, Value]], *, title: str, description: str,
              value_label: Formatter = str, max_value: float | None = None,
              chart_id: str | None = None) -> str:
    """Draw horizontal bars, each label above its bar and the value written after it."""
    rows = [(str(label), _number(value)) for label, value in rows]
    ident = chart_id or _ident("bar", title, description, rows, max_value)
    if not rows:
        return _empty(ident, title, description)
    lo, hi = _domain([v for _, v in rows], max_value)
    texts = [_value_text(value_label, v) for _, v in rows]
    room = max(_width(t) for t in texts) + 4
    left = PAD + (room if lo < 0 else 0)
    right = max(WIDTH - PAD - room, left + 80)
    zero = _scale(0, lo, hi, left, right)
    parts, y = [], PAD
    for (label, value), text in zip(rows, texts, strict=True):
        lines = _wrap(label, WIDTH - 2 * PAD)
        parts.append(_text_lines(PAD, y + FONT, lines, "chart-label"))
        y += len(lines) * LINE + 2
        end = zero if value is None else _scale(_clamp(value, lo, hi), lo, hi, left, right)
        if value is not None:
            parts.append(_tag("rect", cls="chart-bar", x=min(zero, end), y=y,
                              width=abs(end - zero), height=BAR, fill=FILL))
        negative = value is not None and value < 0
        parts.append(_text(end - 4 if negative else end + 4, y + BAR - 3, text, "chart-value",
                           anchor="end" if negative else "start"))
        y += BAR + GAP
    height = y - GAP + PAD
    parts.append(_tag("line", cls="chart-axis", x1=zero, y1=PAD, x2=zero, y2=height - PAD,
                      stroke=AXIS, **{"stroke-width": 1}))
    return _svg(ident, title, description, height, parts)


def column_chart(rows: Sequence[tuple[str, Value]], *, title: str, description: str,
                 value_label: Formatter = str, max_value: float | None = None,
                 chart_id: str | None = None) -> str:
    """Draw vertical columns (such as one per year), values written on top of each column."""
    rows = [(str(label), _number(value)) for label, value in rows]
    ident = chart_id or _ident("column", title, description, rows, max_value)
    if not rows:
        return _empty(ident, title, description)
    lo, hi = _domain([v for _, v in rows], max_value)
    slot = (WIDTH - 2 * PAD) / len(rows)
    labels = [label for label, _ in rows]
    texts = [_value_text(value_label, v) for _, v in rows]
    label_turn = _crowded(labels, slot)
    value_turn = _crowded(texts, slot)
    value_room = (max(_width(t) for t in texts) if value_turn else FONT) + 6
    top = PAD + value_room
    plot_bottom = top + PLOT
    zero = _scale(0, lo, hi, plot_bottom, top)
    parts = [_tag("line", cls="chart-axis", x1=PAD, y1=zero, x2=WIDTH - PAD, y2=zero,
                  stroke=AXIS, **{"stroke-width": 1})]
    column = max(min(slot * 0.7, 48), 2)
    for index, ((_label, value), text) in enumerate(zip(rows, texts, strict=True)):
        middle = PAD + slot * (index + 0.5)
        end = zero if value is None else _scale(_clamp(value, lo, hi), lo, hi, plot_bottom, top)
        if value is not None:
            parts.append(_tag("rect", cls="chart-bar", x=middle - column / 2, y=min(zero, end),
                              width=column, height=abs(end - zero), fill=FILL))
        below = value is not None and value < 0
        parts.append(_edge_text(middle, end + 4 if below else end - 4, text, value_turn,
                                "chart-value", below))
    label_top = plot_bottom + (value_room if lo < 0 else 0) + 6
    for index, label in enumerate(labels):
        middle = PAD + slot * (index + 0.5)
        parts.append(_edge_text(middle, label_top, label, label_turn, "chart-label", True))
    label_room = max(_width(t) for t in labels) if label_turn else FONT
    return _svg(ident, title, description, label_top + label_room + PAD, parts)


def line_chart(series: Sequence[tuple[str, Sequence[Value]]], labels: Sequence[str], *,
               title: str, description: str, value_label: Formatter = str,
               chart_id: str | None = None) -> str:
    """Draw one line per series over ``labels``, with markers, dash patterns and a legend.

    Each series' values line up with ``labels`` (a ValueError otherwise); ``None`` is a gap.
    More series than ``SERIES`` styles reuse them, told apart by the legend's order only.
    """
    labels = [str(label) for label in labels]
    series = [(str(name), [_number(v) for v in values]) for name, values in series]
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    ident = chart_id or _ident("line", title, description, series, labels)
    present = [v for _, values in series for v in values if v is not None]
    if not labels or not present:
        return _empty(ident, title, description)
    lo, hi = _domain(present, None)
    ticks = _ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    tick_texts = [value_label(t) for t in ticks]
    left = PAD + max(_width(t) for t in tick_texts) + 6
    right = WIDTH - PAD - FONT
    top, bottom = PAD + FONT, PAD + FONT + PLOT
    step = (right - left) / max(len(labels) - 1, 1)

    def x_of(index: int) -> float:
        return (left + right) / 2 if len(labels) == 1 else left + step * index

    parts = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = _scale(tick, lo, hi, bottom, top)
        parts.append(_tag("line", cls="chart-grid", x1=left, y1=y, x2=right, y2=y,
                          stroke=AXIS if tick == 0 else GRID, **{"stroke-width": 1}))
        parts.append(_text(left - 4, y + 4, text, "chart-tick", anchor="end"))
    turn = _crowded(labels, step if len(labels) > 1 else right - left)
    for index, label in enumerate(labels):
        half = 0 if turn else _width(label) / 2
        x = min(max(x_of(index), PAD + half), WIDTH - PAD - half)  # keep end labels inside
        parts.append(_edge_text(x, bottom + 8, label, turn, "chart-label", True))
    y = bottom + 8 + (max(_width(t) for t in labels) if turn else FONT) + LINE
    for number, (name, values) in enumerate(series):
        colour, dash, marker = SERIES[number % len(SERIES)]
        points = [(x_of(i), _scale(v, lo, hi, bottom, top)) if v is not None else None
                  for i, v in enumerate(values)]
        for run in _runs(points):
            if len(run) > 1:
                parts.append(_tag("polyline", cls=f"chart-line chart-series-{number + 1}",
                                  points=" ".join(f"{_n(a)},{_n(b)}" for a, b in run),
                                  fill="none", stroke=colour, **_dash(dash)))
        for index, point in enumerate(points):
            if point is not None:
                tip = f"{name}, {labels[index]}: {_value_text(value_label, values[index])}"
                parts.append(_marker(marker, *point, colour, tip))
        lines = _wrap(name, WIDTH - 2 * PAD - 44)
        parts.append(_tag("line", cls="chart-key", x1=PAD, y1=y + 7, x2=PAD + 36, y2=y + 7,
                          stroke=colour, **_dash(dash)))
        parts.append(_marker(marker, PAD + 18, y + 7, colour, ""))
        parts.append(_text_lines(PAD + 44, y + FONT - 1, lines, "chart-legend"))
        y += len(lines) * LINE + 4
    return _svg(ident, title, description, y + PAD, parts)


# Layout ----------------------------------------------------------------------------------------

def _number(value: Value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _domain(values: Sequence[float | None], max_value: float | None) -> tuple[float, float]:
    """Return the drawn range: always including zero, up to ``max_value`` when given."""
    present = [v for v in values if v is not None]
    hi = max(present, default=0.0) if max_value is None else float(max_value)
    hi, lo = max(hi, 0.0), min(min(present, default=0.0), 0.0)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def _clamp(value: float, lo: float, hi: float) -> float:
    return min(max(value, lo), hi)


def _scale(value: float, lo: float, hi: float, start: float, end: float) -> float:
    return start + (value - lo) / (hi - lo) * (end - start)


def _ticks(lo: float, hi: float) -> list[float]:
    """Return three to six round gridline values covering lo..hi."""
    raw = (hi - lo) / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    count = math.ceil((hi - first) / step - 1e-9)
    return [_tidy(first + step * i) for i in range(count + 1)]


def _tidy(number: float) -> float | int:
    rounded = round(number, 10)
    return int(rounded) if rounded == int(rounded) else rounded


def _runs(points: list) -> list[list[tuple[float, float]]]:
    """Split points into runs without gaps."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _crowded(texts: Sequence[str], slot: float) -> bool:
    """Tell whether texts side by side in slots this wide must be turned upright."""
    return max(_width(t) for t in texts) > slot - 4


def _width(text: str, size: float = FONT) -> float:
    """Estimate drawn width: wide (CJK) characters one em, others a generous 0.62 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.62 for ch in text)


def _wrap(text: str, width: float) -> list[str]:
    """Break text into lines no wider than ``width``: between words, or between CJK characters."""
    lines, line = [], ""
    for token in _tokens(text):
        if line and _width((line + token).rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
        while _width(line.rstrip()) > width and len(line.rstrip()) > 1:
            cut = max(1, next(i for i in range(len(line), 0, -1) if _width(line[:i]) <= width))
            lines.append(line[:cut])
            line = line[cut:]
    return lines + [line.rstrip()] if line.strip() or not lines else lines


def _tokens(text: str) -> list[str]:
    tokens, word = [], ""
    for ch in " ".join(text.split()):
        if unicodedata.east_asian_width(ch) in "WF":
            tokens += [word, ch] if word else [ch]
            word = ""
        else:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
    return tokens + [word] if word else tokens


# SVG writing -----------------------------------------------------------------------------------

def _clean(text: str) -> str:
    """Drop characters XML cannot carry (control characters, lone surrogates)."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text)


def _esc(text: object) -> str:
    return html.escape(_clean(str(text)), quote=True)


def _n(number: float) -> str:
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else ("0" if text == "-0.0" else text)


def _attrs(attributes: dict[str, object]) -> str:
    out = []
    for name, value in attributes.items():
        name = "class" if name == "cls" else name
        if value is not None and value != "":
            out.append(f' {name}="{_n(value) if isinstance(value, float | int) else _esc(value)}"')
    return "".join(out)


def _tag(name: str, **attributes: object) -> str:
    return f"<{name}{_attrs(attributes)}/>"


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start",
          rotate: bool = False) -> str:
    turn = f"rotate(-90 {_n(x)} {_n(y)})" if rotate else None
    attrs = _attrs({"cls": cls, "x": x, "y": y, "fill": INK, "font-size": FONT,
                    "text-anchor": None if anchor == "start" else anchor, "transform": turn})
    return f"<text{attrs}>{_esc(text)}</text>"


def _text_lines(x: float, y: float, lines: list[str], cls: str) -> str:
    spans = "".join(f'<tspan x="{_n(x)}" dy="{0 if i == 0 else LINE}">{_esc(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f"<text{_attrs({'cls': cls, 'x': x, 'y': y, 'fill': INK, 'font-size': FONT})}>" \
           f"{spans}</text>"


def _edge_text(x: float, y: float, text: str, upright: bool, cls: str, below: bool) -> str:
    """Write text centred on x, just below (or above) y; upright text reads bottom to top."""
    if upright:
        # Rotated -90°: "end" anchors the text's end at the edge, so it runs away from it.
        return _text(x + 4, y, text, cls, anchor="end" if below else "start", rotate=True)
    return _text(x, y + FONT - 2 if below else y, text, cls, anchor="middle")


def _value_text(value_label: Formatter, value: float | None) -> str:
    if value is None:
        return MISSING
    return value_label(int(value) if value == int(value) else value)


def _dash(pattern: str) -> dict[str, object]:
    return {"stroke-width": 2.5, "stroke-dasharray": pattern or None}


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    r = 4.5
    paths = {
        "square": f"M{_n(x - r)} {_n(y - r)}h{_n(2 * r)}v{_n(2 * r)}h{_n(-2 * r)}Z",
        "triangle": f"M{_n(x)} {_n(y - r - 1)}L{_n(x + r + 1)} {_n(y + r)}"
                    f"L{_n(x - r - 1)} {_n(y + r)}Z",
        "down": f"M{_n(x)} {_n(y + r + 1)}L{_n(x + r + 1)} {_n(y - r)}"
                f"L{_n(x - r - 1)} {_n(y - r)}Z",
        "diamond": f"M{_n(x)} {_n(y - r - 1)}L{_n(x + r + 1)} {_n(y)}L{_n(x)} {_n(y + r + 1)}"
                   f"L{_n(x - r - 1)} {_n(y)}Z",
        "cross": f"M{_n(x - r)} {_n(y - r)}L{_n(x + r)} {_n(y + r)}"
                 f"M{_n(x - r)} {_n(y + r)}L{_n(x + r)} {_n(y - r)}",
    }
    inner = f"<title>{_esc(tip)}</title>" if tip else ""
    if shape == "circle":
        attrs = _attrs({"cls": "chart-marker", "cx": x, "cy": y, "r": r, "fill": colour})
        return f"<circle{attrs}>{inner}</circle>"
    hollow = shape == "cross"
    attrs = _attrs({"cls": "chart-marker", "d": paths[shape],
                    "fill": "none" if hollow else colour,
                    "stroke": colour if hollow else None, "stroke-width": 2.5 if hollow else None})
    return f"<path{attrs}>{inner}</path>"


def _ident(*parts: object) -> str:
    return "chart-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:10]


def _svg(ident: str, title: str, description: str, height: float, parts: list[str]) -> str:
    height = math.ceil(height)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{ident}-title" '
            f'aria-describedby="{ident}-desc">'
            f'<title id="{ident}-title">{_esc(title)}</title>'
            f'<desc id="{ident}-desc">{_esc(description)}</desc>'
            f'<rect class="chart-background" width="{WIDTH}" height="{height}" '
            f'fill="{BACKGROUND}"/>' + "".join(parts) + "</svg>")


def _empty(ident: str, title: str, description: str) -> str:
    lines = _wrap(description, WIDTH - 2 * PAD)
    frame = _tag("rect", cls="chart-frame", x=0.5, y=0.5, width=WIDTH - 1,
                 height=len(lines) * LINE + 2 * PAD - 1, fill="none", stroke=AXIS)
    return _svg(ident, title, description, len(lines) * LINE + 2 * PAD,
                [frame, _text_lines(PAD, PAD + FONT, lines, "chart-empty")])
