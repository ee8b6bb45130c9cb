"""Test helpers: decode QR codes from PNG bytes and from the run-length SVG paths we emit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import png
import zxingcpp

SVG = "{http://www.w3.org/2000/svg}"
RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z")
PATH = re.compile(rf"(?:{RUN.pattern})+")


def read_grey(grey: bytes, width: int, height: int) -> list[zxingcpp.Result]:
    """Return zxing-cpp's results for all QR codes in 8-bit grey pixels."""
    image = memoryview(bytes(grey)).cast("B", (height, width))
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def decode_grey(grey: bytes, width: int, height: int) -> list[str]:
    """Return the texts of all QR codes zxing-cpp finds in 8-bit grey pixels."""
    return [r.text for r in read_grey(grey, width, height)]


def png_grey(data: bytes) -> tuple[bytes, int, int]:
    """Return PNG ``data`` as 8-bit grey pixels composited on white, with width and height."""
    width, height, rows, _ = png.Reader(bytes=data).asRGBA8()
    grey = bytearray()
    for row in rows:
        for i in range(0, len(row), 4):
            r, g, b, a = row[i : i + 4]
            v = (r * 299 + g * 587 + b * 114) // 1000
            grey.append((v * a + 255 * (255 - a)) // 255)
    return bytes(grey), width, height


def decode_qr_png(data: bytes) -> list[str]:
    """Return the texts of all QR codes in PNG ``data``."""
    return decode_grey(*png_grey(data))


def path_modules(d: str) -> set[tuple[int, int]]:
    """Return the dark (x, y) unit squares drawn by path data made only of our runs."""
    assert PATH.fullmatch(d), f"unexpected path syntax: {d[:80]!r}"
    dark = set()
    for m in RUN.finditer(d):
        x, y, n, back = map(int, m.groups())
        assert n == back and n > 0
        dark.update((x + i, y) for i in range(n))
    return dark


def rasterise_svg(svg: ET.Element, scale: int = 4) -> tuple[bytes, int, int]:
    """Rasterise a QR ``<svg>`` (square viewBox, one path) to grey pixels; return (grey, w, h)."""
    x0, y0, w, h = (int(v) for v in svg.get("viewBox").split())
    assert (x0, y0) == (0, 0) and w == h
    paths = svg.findall(f"{SVG}path")
    assert len(paths) == 1 and paths[0].get("fill") == "#000"
    dark = path_modules(paths[0].get("d"))
    assert all(0 <= x < w and 0 <= y < h for x, y in dark)
    grey = bytearray()
    for y in range(h):
        row = bytearray(0 if (x, y) in dark else 255 for x in range(w) for _ in range(scale))
        grey += bytes(row) * scale
    return bytes(grey), w * scale, h * scale


def decode_svg(svg: ET.Element) -> list[str]:
    """Return the texts decoded from a QR ``<svg>`` element drawn with our path format."""
    return decode_grey(*rasterise_svg(svg))
