"""QR codes and printable A4 label sheets for issued cans, as SVG, PNG and CSV (PDF sheets:
:mod:`formulatrust.domain.label_pdf`).

Pure Python: ``qrcode`` builds the module matrix and ``png`` (pypng) writes PNG bytes, so
neither Pillow nor Flask is needed. Every SVG draws the dark modules as one ``<path>`` made of
horizontal runs ``M{x} {y}h{n}v1h-{n}z`` in module units, with colours given as ``fill``
attributes (never ``style``) so the markup is safe inline under a strict CSP.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import png
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from formulatrust.domain.spreadsheet import safe_row

QUIET_ZONE = 4
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_X, MARGIN_Y = 8.0, 10.0
PAD = 2.0
QR_MM = 24.0
CODE_FONT = "'DejaVu Sans Mono', 'Liberation Mono', monospace"
TEXT_FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"
CSV_COLUMNS = ("uri", "short_code", "product", "lot", "serial")
SVG_NS = "http://www.w3.org/2000/svg"
FORMATS = ("svg", "pdf")


@dataclass(frozen=True)
class Label:
    """One can's label: its URI, grouped short code, product name, lot and serial."""

    uri: str
    short_code: str
    product_name: str
    lot: str
    serial: str


def qr_matrix(uri: str) -> list[list[bool]]:
    """Return the QR module matrix for ``uri`` (level M, no border); True is dark."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(uri)
    qr.make(fit=True)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


def _runs(row: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """Yield (start, length) for each run of dark modules in ``row``."""
    start = None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            yield start, x - start
            start = None


def _path_data(matrix: Sequence[Sequence[bool]], offset: int = QUIET_ZONE) -> str:
    """Return path data drawing each horizontal dark run as a rectangle, shifted by ``offset``."""
    return "".join(
        f"M{x + offset} {y + offset}h{n}v1h-{n}z"
        for y, row in enumerate(matrix)
        for x, n in _runs(row)
    )


def _qr_inner(matrix: Sequence[Sequence[bool]]) -> str:
    """Return a white background and the dark-module path, in module units with quiet zone."""
    side = len(matrix) + 2 * QUIET_ZONE
    return (
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{_path_data(matrix)}"/>'
    )


def _fmt(value: float) -> str:
    """Format a length in mm without trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def qr_svg(uri: str, size_mm: float = 24, title: str = "") -> str:
    """Return an inline ``<svg>`` element of the QR code for ``uri``, ``size_mm`` wide."""
    matrix = qr_matrix(uri)
    side = len(matrix) + 2 * QUIET_ZONE
    size = _fmt(size_mm)
    label = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {side} {side}" width="{size}mm" '
        f'height="{size}mm" role="img" shape-rendering="crispEdges">'
        f"{label}{_qr_inner(matrix)}</svg>"
    )


def qr_png(uri: str, scale: int = 4) -> bytes:
    """Return a 1-bit greyscale PNG of the QR code for ``uri``, ``scale`` pixels per module."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    matrix = qr_matrix(uri)
    pad = [[False] * len(matrix)] * QUIET_ZONE
    edge = [False] * QUIET_ZONE
    rows = []
    for line in pad + matrix + pad:
        pixels = [0 if dark else 1 for dark in edge + line + edge for _ in range(scale)]
        rows.extend([pixels] * scale)
    buf = io.BytesIO()
    png.Writer(len(rows[0]), len(rows), greyscale=True, bitdepth=1).write(buf, rows)
    return buf.getvalue()


def _text_width(text: str, size: float) -> float:
    """Estimate the printed width in mm of ``text``: CJK is 1 em, everything else 0.55 em."""
    return sum(size if ord(ch) > 0x2E7F else 0.55 * size for ch in text)


def _wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """Split ``text`` into at most ``lines`` lines fitting ``width``, ending with … if cut."""
    out, line = [], ""
    for ch in text:
        if _text_width(line + ch, size) > width and line:
            out.append(line)
            line = ""
            if len(out) == lines:
                out[-1] = out[-1][:-1] + "…"
                return out
        line += ch
    return [*out, line] if line else out


def _text(x: float, y: float, size: float, body: str | list[str], font: str,
          bold: bool = False) -> str:
    """Return one escaped ``<text>``; a list ``body`` becomes one ``<tspan>`` per line."""
    weight = ' font-weight="bold"' if bold else ""
    if isinstance(body, list):
        dy = [0.0] + [size * 1.3] * (len(body) - 1)
        body = "".join(
            f'<tspan x="{_fmt(x)}" dy="{_fmt(d)}">{escape(line)}</tspan>'
            for d, line in zip(dy, body, strict=True)
        )
    else:
        body = escape(body)
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{_fmt(size)}" '
        f"font-family={quoteattr(font)}{weight}>{body}</text>"
    )


def _label_svg(label: Label, x: float, y: float, w: float, h: float) -> str:
    """Return the SVG group for one label cell at (x, y) of size w × h mm."""
    qr_side = min(QR_MM, h - 2 * PAD, w / 2)
    qy = y + (h - qr_side) / 2
    tx = x + 2 * PAD + qr_side
    tw = w - 3 * PAD - qr_side
    code_size = min(3.6, tw / (0.6 * max(len(label.short_code), 1)))
    matrix = qr_matrix(label.uri)
    side = len(matrix) + 2 * QUIET_ZONE
    parts = [
        f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(w)}" height="{_fmt(h)}" '
        'fill="none" stroke="#ccc" stroke-width="0.1"/>',
        f'<svg x="{_fmt(x + PAD)}" y="{_fmt(qy)}" width="{_fmt(qr_side)}" '
        f'height="{_fmt(qr_side)}" viewBox="0 0 {side} {side}">{_qr_inner(matrix)}</svg>',
        _text(tx, y + PAD + 5, code_size, label.short_code, CODE_FONT, bold=True),
    ]
    parts.append(_text(tx, y + PAD + 11, 2.8, _wrap(label.product_name, tw, 2.8), TEXT_FONT))
    parts.append(_text(tx, y + h - PAD - 4, 2.2, f"Lot {label.lot}", TEXT_FONT))
    parts.append(_text(tx, y + h - PAD - 1, 2.2, f"No. {label.serial}", TEXT_FONT))
    return f"<g>{''.join(parts)}</g>"


def _sheet_svg(labels: Sequence[Label], columns: int, rows: int) -> str:
    """Return one complete A4 SVG document laying out ``labels`` in a columns × rows grid."""
    w = (PAGE_W - 2 * MARGIN_X) / columns
    h = (PAGE_H - 2 * MARGIN_Y) / rows
    cells = [
        _label_svg(label, MARGIN_X + (i % columns) * w, MARGIN_Y + (i // columns) * h, w, h)
        for i, label in enumerate(labels)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="{SVG_NS}" width="{_fmt(PAGE_W)}mm" height="{_fmt(PAGE_H)}mm" '
        f'viewBox="0 0 {_fmt(PAGE_W)} {_fmt(PAGE_H)}" shape-rendering="crispEdges">\n'
        + "\n".join(cells)
        + "\n</svg>\n"
    )


def _pages(labels: Sequence[Label], columns: int, rows: int) -> Iterator[Sequence[Label]]:
    """Yield successive page-sized slices of ``labels``."""
    if columns < 1 or rows < 1:
        raise ValueError("columns and rows must be at least 1")
    per_page = columns * rows
    for start in range(0, len(labels), per_page):
        yield labels[start : start + per_page]


def label_sheets_svg(labels: Sequence[Label], columns: int = 3, rows: int = 8) -> list[str]:
    """Return one A4 SVG document per ``columns`` × ``rows`` labels."""
    return [_sheet_svg(page, columns, rows) for page in _pages(labels, columns, rows)]


def codes_csv(labels: Sequence[Label]) -> bytes:
    """Return ``labels`` as UTF-8 CSV with a BOM, so Excel reads Chinese correctly."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for lb in labels:
        writer.writerow(safe_row([lb.uri, lb.short_code, lb.product_name, lb.lot, lb.serial]))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def issue_files(
    labels: Sequence[Label],
    fmt: str = "svg",
    progress: Callable[[int], None] = lambda n: None,
    columns: int = 3,
    rows: int = 8,
) -> Iterator[tuple[str, bytes]]:
    """Yield (file name, content): ``codes.csv``, then ``labels-NNN.svg`` sheets or one
    ``labels.pdf``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    yield "codes.csv", codes_csv(labels)
    if fmt == "pdf":
        from formulatrust.domain.label_pdf import label_sheets_pdf

        yield "labels.pdf", label_sheets_pdf(labels, columns, rows, progress)
        return
    for number, page in enumerate(_pages(labels, columns, rows), start=1):
        yield f"labels-{number:03d}.svg", _sheet_svg(page, columns, rows).encode("utf-8")
        for _ in page:
            progress(1)


def issue_zip(labels: Sequence[Label], fmt: str = "svg", columns: int = 3,
              rows: int = 8) -> bytes:
    """Return a ZIP archive of :func:`issue_files`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in issue_files(labels, fmt, columns=columns, rows=rows):
            archive.writestr(name, content)
    return buf.getvalue()


def write_issue_files(
    out_dir: Path,
    labels: Sequence[Label],
    progress: Callable[[int], None] = lambda n: None,
    columns: int = 3,
    rows: int = 8,
    fmt: str = "svg",
) -> dict:
    """Write ``codes.csv`` and the label sheets into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in issue_files(labels, fmt, progress, columns, rows):
        path = out_dir / name
        path.write_bytes(content)
        paths.append(path)
    return {"csv": paths[0], "sheets": paths[1:], "count": len(labels)}
