"""A4 label sheets as one PDF, laid out like the SVG sheets, written without a PDF library.

QR modules are filled rectangles, so they stay sharp at any printer resolution. The short code,
lot and serial use PDF standard fonts; product names use STSong-Light, a Chinese font every PDF
reader provides (Adobe-GB1), so no font file is embedded and the file stays small.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

from formulatrust.domain import labels as sheet

MM = 72 / 25.4  # PDF points per millimetre
FONTS = {"text": "F1", "code": "F2", "cjk": "F3"}
_FONT_OBJECTS = [
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>",
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    b"/DescendantFonts [6 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
    b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
    b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
    b"/CapHeight 880 /StemV 93 >>",
]
FIRST_PAGE_OBJECT = 3 + len(_FONT_OBJECTS)


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _latin(text: str) -> str:
    """Return ``text`` as a PDF literal string (characters outside Latin-1 become ``?``)."""
    raw = text.encode("latin-1", "replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _ucs2(text: str) -> str:
    """Return ``text`` as a hex string for the UCS-2 Chinese font (beyond the BMP: ``?``)."""
    safe = "".join(ch if ord(ch) <= 0xFFFF else "?" for ch in text)
    return "<" + safe.encode("utf-16-be").hex().upper() + ">"


def _text(x: float, y: float, size: float, font: str, body: str) -> str:
    # The page is drawn in millimetres with y pointing down; the text matrix flips glyphs upright.
    shown = _ucs2(body) if font == "cjk" else _latin(body)
    return f"BT /{FONTS[font]} {_n(size)} Tf 1 0 0 -1 {_n(x)} {_n(y)} Tm {shown} Tj ET"


def _qr(uri: str, x: float, y: float, size: float) -> str:
    """Draw the QR code for ``uri`` with its quiet zone in a ``size`` mm square at (x, y)."""
    matrix = sheet.qr_matrix(uri)
    module = size / (len(matrix) + 2 * sheet.QUIET_ZONE)
    runs = " ".join(f"{rx + sheet.QUIET_ZONE} {ry + sheet.QUIET_ZONE} {n} 1 re"
                    for ry, row in enumerate(matrix) for rx, n in sheet._runs(row))
    return (f"q {_n(module)} 0 0 {_n(module)} {_n(x)} {_n(y)} cm 0 g {runs} f Q")


def _label(label: sheet.Label, x: float, y: float, w: float, h: float) -> list[str]:
    """Return the drawing operators for one label cell, as in the SVG sheets."""
    pad = sheet.PAD
    qr_side = min(sheet.QR_MM, h - 2 * pad, w / 2)
    tx = x + 2 * pad + qr_side
    tw = w - 3 * pad - qr_side
    code_size = min(3.6, tw / (0.6 * max(len(label.short_code), 1)))
    parts = [f"0.8 G 0.1 w {_n(x)} {_n(y)} {_n(w)} {_n(h)} re S",
             _qr(label.uri, x + pad, y + (h - qr_side) / 2, qr_side),
             _text(tx, y + pad + 5, code_size, "code", label.short_code)]
    for number, line in enumerate(sheet._wrap(label.product_name, tw, 2.8)):
        parts.append(_text(tx, y + pad + 11 + number * 2.8 * 1.3, 2.8, "cjk", line))
    parts.append(_text(tx, y + h - pad - 4, 2.2, "text", f"Lot {label.lot}"))
    parts.append(_text(tx, y + h - pad - 1, 2.2, "text", f"No. {label.serial}"))
    return parts


def _page(labels: Sequence[sheet.Label], columns: int, rows: int) -> bytes:
    w = (sheet.PAGE_W - 2 * sheet.MARGIN_X) / columns
    h = (sheet.PAGE_H - 2 * sheet.MARGIN_Y) / rows
    parts = [f"q {_n(MM)} 0 0 {_n(-MM)} 0 {_n(sheet.PAGE_H * MM)} cm"]
    for i, label in enumerate(labels):
        parts += _label(label, sheet.MARGIN_X + (i % columns) * w,
                        sheet.MARGIN_Y + (i // columns) * h, w, h)
    parts.append("Q")
    return "\n".join(parts).encode("ascii")


def label_sheets_pdf(labels: Sequence[sheet.Label], columns: int = 3, rows: int = 8,
                     progress: Callable[[int], None] = lambda n: None) -> bytes:
    """Return one A4 PDF with ``columns`` × ``rows`` labels a page."""
    streams = []
    for page in sheet._pages(labels, columns, rows):
        streams.append(zlib.compress(_page(page, columns, rows), 6))
        for _ in page:
            progress(1)
    return _document(streams)


def _document(streams: list[bytes]) -> bytes:
    """Assemble the catalogue, page tree, fonts and one page per content stream."""
    box = f"[0 0 {_n(sheet.PAGE_W * MM)} {_n(sheet.PAGE_H * MM)}]"
    fonts = " ".join(f"/{name} {3 + i} 0 R" for i, name in enumerate(FONTS.values()))
    kids = [FIRST_PAGE_OBJECT + 2 * i for i in range(len(streams))]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
        f"/Count {len(kids)} >>".encode(),
        *_FONT_OBJECTS,
    ]
    for kid, stream in zip(kids, streams, strict=True):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox {box} /Resources "
                       f"<< /Font << {fonts} >> >> /Contents {kid + 1} 0 R >>".encode())
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
                       + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)
