"""PDF label sheets: a well-formed file whose QR codes decode to the exact URIs."""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from formulatrust.domain.label_pdf import label_sheets_pdf
from formulatrust.domain.labels import Label, issue_zip, write_issue_files
from tests.domain.qr import decode_grey

URI = "https://id.example.cn/01/09521234500018/10/LOT(2026)/21/A3KX9P2M7Q4T"
QR_BLOCK = re.compile(rb"q ([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm 0 g ((?:\d+ \d+ \d+ 1 re ?)*) f Q")
RUN = re.compile(rb"(\d+) (\d+) (\d+) 1 re")


def labels(n: int) -> list[Label]:
    return [Label(uri=f"{URI}{i:03d}", short_code=f"7K3M-9QXR-2D{i:02d}-4",
                  product_name="测试婴儿配方乳粉（1段）𠀀", lot="LOT(2026)", serial=f"A{i:03d}")
            for i in range(n)]


def objects(pdf: bytes) -> dict[int, int]:
    """Return each object's number and offset from the cross-reference table."""
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref\n0 ")
    lines = pdf[start:].split(b"\n")
    size = int(lines[1].split()[1])
    return {number: int(lines[2 + number][:10]) for number in range(1, size)}


def streams(pdf: bytes) -> list[bytes]:
    return [zlib.decompress(body) for body in
            re.findall(rb"/FlateDecode >>\nstream\n(.*?)\nendstream", pdf, re.S)]


def rasterise(runs: bytes, scale: int = 3) -> tuple[bytes, int, int]:
    """Draw one QR block's unit rectangles as grey pixels, with its quiet zone."""
    dark = set()
    for x, y, n in (map(int, m.groups()) for m in RUN.finditer(runs)):
        dark.update((x + i, y) for i in range(n))
    side = max(max(x, y) for x, y in dark) + 1 + 4  # the quiet zone after the last module
    grey = bytearray()
    for y in range(side):
        row = bytes(0 if (x, y) in dark else 255 for x in range(side) for _ in range(scale))
        grey += row * scale
    return bytes(grey), side * scale, side * scale


def test_the_pdf_is_well_formed_with_one_a4_page_per_24_labels():
    pdf = label_sheets_pdf(labels(25))
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    for number, offset in objects(pdf).items():
        assert pdf[offset:].startswith(f"{number} 0 obj\n".encode())
    assert b"/Count 2" in pdf and pdf.count(b"/Type /Page ") == 2
    assert b"/MediaBox [0 0 595.276 841.89]" in pdf


def test_every_qr_code_decodes_to_its_uri_and_the_text_is_printed():
    items = labels(25)
    pages = streams(label_sheets_pdf(items))
    decoded = [decode_grey(*rasterise(m.group(2))) for page in pages
               for m in QR_BLOCK.finditer(page)]
    assert decoded == [[label.uri] for label in items]
    first = pages[0]
    assert b"(7K3M-9QXR-2D00-4) Tj" in first and b"(Lot LOT\\(2026\\)) Tj" in first
    name = "测试婴儿配方乳粉（1段）".encode("utf-16-be").hex().upper().encode()
    assert name in first  # the Chinese font's UCS-2 text; beyond the BMP becomes "?"


def test_issue_files_offer_the_pdf_beside_the_csv(tmp_path):
    written = write_issue_files(tmp_path, labels(3), fmt="pdf")
    assert [path.name for path in written["sheets"]] == ["labels.pdf"]
    archive = zipfile.ZipFile(BytesIO(issue_zip(labels(3), "pdf")))
    assert archive.namelist() == ["codes.csv", "labels.pdf"]
    assert archive.read("labels.pdf") == written["sheets"][0].read_bytes()
