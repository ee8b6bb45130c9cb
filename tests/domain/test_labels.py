"""Tests for QR codes and printable label sheets: every QR is decoded back with zxing-cpp."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import png
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formulatrust.domain.labels import (
    QUIET_ZONE,
    Label,
    label_sheets_svg,
    qr_matrix,
    qr_png,
    qr_svg,
    write_issue_files,
)
from tests.domain.qr import SVG, decode_qr_png, decode_svg, path_modules, png_grey, read_grey

DIGITAL_LINK = "https://id.example.cn/01/09521234500018/10/LOT2026A/21/A3KX9P2M7Q4T"
URIS = [
    "https://t.example.cn/c/7K3M9QXR2DHV4",
    DIGITAL_LINK,
    "https://id.example.cn/01/09521234500018/10/LOT%2F2026%20A/21/%E5%A5%B6%E7%B2%89?s=1&l=zh",
    "HTTPS://ID.EXAMPLE.CN/01/09521234500018/21/" + "A" * 120,
]
PRODUCT = "A&B <牌> 婴儿配方奶粉"


def labels(n: int) -> list[Label]:
    """Return ``n`` distinct labels whose product names need XML escaping."""
    return [
        Label(
            uri=f"{DIGITAL_LINK}{i:03d}",
            short_code=f"7K3M-9QXR-2D{i:02d}-4",
            product_name=f"{PRODUCT} {i}",
            lot="LOT2026A",
            serial=f"A3KX9P2M7Q4T{i:03d}",
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("uri", URIS)
def test_png_decodes_to_exact_uri(uri):
    assert decode_qr_png(qr_png(uri)) == [uri]


def test_png_uses_error_correction_m():
    (result,) = read_grey(*png_grey(qr_png(DIGITAL_LINK)))
    assert result.ec_level == "M"


@pytest.mark.parametrize("scale", [1, 3, 4])
def test_png_is_greyscale_with_four_module_quiet_zone(scale):
    size = len(qr_matrix(DIGITAL_LINK))
    width, height, rows, info = png.Reader(bytes=qr_png(DIGITAL_LINK, scale=scale)).read()
    rows = [list(row) for row in rows]
    assert info["greyscale"] and not info["alpha"]
    assert width == height == (size + 2 * QUIET_ZONE) * scale
    edge = QUIET_ZONE * scale
    assert all(v == 1 for row in rows[:edge] + rows[-edge:] for v in row)
    assert all(v == 1 for row in rows for v in row[:edge] + row[-edge:])
    assert rows[edge][edge] == 0


def test_png_rejects_scale_below_one():
    with pytest.raises(ValueError):
        qr_png(DIGITAL_LINK, scale=0)


def test_matrix_is_square_without_border():
    matrix = qr_matrix(DIGITAL_LINK)
    assert len(matrix) == 33 and all(len(row) == 33 for row in matrix)
    assert all(matrix[0][:7]) and all(matrix[0][-7:]) and all(matrix[-1][:7])
    assert all(isinstance(cell, bool) for row in matrix for cell in row)


@pytest.mark.parametrize("uri", URIS)
def test_svg_path_decodes_to_exact_uri(uri):
    assert decode_svg(ET.fromstring(qr_svg(uri))) == [uri]


def test_svg_path_draws_exactly_the_matrix_inside_quiet_zone():
    matrix = qr_matrix(DIGITAL_LINK)
    svg = ET.fromstring(qr_svg(DIGITAL_LINK))
    expected = {
        (x + QUIET_ZONE, y + QUIET_ZONE)
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    }
    assert path_modules(svg.find(f"{SVG}path").get("d")) == expected
    side = len(matrix) + 2 * QUIET_ZONE
    assert svg.get("viewBox") == f"0 0 {side} {side}"


def test_svg_is_compact_inline_element_safe_under_csp():
    text = qr_svg(DIGITAL_LINK, size_mm=30, title="Scan <A&B>")
    svg = ET.fromstring(text)
    assert text.startswith("<svg ") and "<?xml" not in text
    assert "style" not in text and "<image" not in text
    assert svg.get("width") == "30mm" and svg.get("height") == "30mm"
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Scan <A&B>"
    assert len(svg.findall(f".//{SVG}path")) == 1
    assert len(text) < 6000  # runs, not one square per module


def test_svg_without_title_has_no_title_element():
    svg = ET.fromstring(qr_svg(DIGITAL_LINK))
    assert svg.find(f"{SVG}title") is None
    assert svg.get("width") == "24mm"


@settings(max_examples=25, deadline=None)
@given(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=90))
def test_any_ascii_uri_round_trips_through_svg(path):
    uri = f"https://id.example.cn/{path}"
    assert decode_svg(ET.fromstring(qr_svg(uri))) == [uri]


def test_sheets_paginate_three_by_eight():
    pages = label_sheets_svg(labels(25))
    assert len(pages) == 2
    counts = [len(ET.fromstring(p.encode()).findall(f"{SVG}g")) for p in pages]
    assert counts == [24, 1]


@pytest.mark.parametrize(
    ("n", "columns", "rows", "pages"), [(0, 3, 8, 0), (24, 3, 8, 1), (5, 2, 2, 2)]
)
def test_sheet_page_count(n, columns, rows, pages):
    assert len(label_sheets_svg(labels(n), columns=columns, rows=rows)) == pages


def test_sheet_rejects_empty_grid():
    with pytest.raises(ValueError):
        label_sheets_svg(labels(1), columns=0)


def test_sheets_are_a4_documents_with_every_code_and_escaped_names():
    items = labels(25)
    pages = label_sheets_svg(items)
    texts = []
    for page in pages:
        assert page.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        root = ET.fromstring(page.encode())
        assert (root.get("width"), root.get("height")) == ("210mm", "297mm")
        assert root.get("viewBox") == "0 0 210 297"
        assert "<image" not in page and "style=" not in page
        assert "A&amp;B &lt;牌&gt;" in page
        texts += ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    for item in items:
        assert item.short_code in texts
        assert item.product_name in texts
        assert f"Lot {item.lot}" in texts and f"No. {item.serial}" in texts


def test_sheet_text_fonts():
    root = ET.fromstring(label_sheets_svg(labels(1))[0].encode())
    fonts = {t.get("font-family") for t in root.iter(f"{SVG}text")}
    assert any("monospace" in f for f in fonts)
    assert any(
        "WenQuanYi Micro Hei" in f and "Noto Sans CJK SC" in f and f.endswith("sans-serif")
        for f in fonts
    )


def test_sheet_qr_codes_decode_and_stay_on_the_page():
    items = labels(25)
    found = []
    for page in label_sheets_svg(items):
        for qr in ET.fromstring(page.encode()).iter(f"{SVG}svg"):
            if qr.get("x") is None:
                continue
            x, y, w, h = (float(qr.get(k)) for k in ("x", "y", "width", "height"))
            assert 0 < x and x + w < 210 and 0 < y and y + h < 297 and w >= 20
            found += decode_svg(qr)
    assert found == [item.uri for item in items]


def test_long_product_name_is_cut_with_ellipsis():
    item = labels(1)[0]
    long = Label(item.uri, item.short_code, "超级金装" * 20, item.lot, item.serial)
    root = ET.fromstring(label_sheets_svg([long])[0].encode())
    (name,) = [t for t in root.iter(f"{SVG}text") if "超" in "".join(t.itertext())]
    lines = [span.text for span in name.iter(f"{SVG}tspan")]
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert "".join(lines)[:-1] == long.product_name[: len("".join(lines)) - 1]


def test_write_issue_files(tmp_path):
    items = labels(25)
    calls = []
    result = write_issue_files(tmp_path / "issue", items, progress=calls.append)
    out = tmp_path / "issue"
    assert result == {
        "csv": out / "codes.csv",
        "sheets": [out / "labels-001.svg", out / "labels-002.svg"],
        "count": 25,
    }
    assert calls == [1] * 25
    assert [p.read_text(encoding="utf-8") for p in result["sheets"]] == label_sheets_svg(items)
    raw = result["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with result["csv"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["uri", "short_code", "product", "lot", "serial"]
    assert rows[1:] == [[i.uri, i.short_code, i.product_name, i.lot, i.serial] for i in items]


def test_write_issue_files_with_no_labels(tmp_path):
    result = write_issue_files(tmp_path, [])
    assert result["sheets"] == [] and result["count"] == 0
    assert result["csv"].read_bytes() == b"\xef\xbb\xbfuri,short_code,product,lot,serial\r\n"
