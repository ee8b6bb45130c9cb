"""Checks on an uploaded file before it is parsed: its name, its type and what it really holds.

The extension says what the sender meant; the first bytes say what the file is. Both must
agree, so a renamed workbook, image or program is refused with a message naming the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NAME = 120
SNIFF_BYTES = 8192
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Leading bytes of formats that are never a text file.
BINARY_SIGNATURES = {
    b"PK\x03\x04": ("ZIP 压缩包或 Excel 工作簿", "a ZIP archive or Excel workbook"),
    b"\xd0\xcf\x11\xe0": ("旧版 Office 文件（.xls/.doc）", "an old Office file (.xls/.doc)"),
    b"%PDF": ("PDF 文件", "a PDF file"),
    b"\x89PNG": ("PNG 图片", "a PNG image"),
    b"\xff\xd8\xff": ("JPEG 图片", "a JPEG image"),
    b"GIF8": ("GIF 图片", "a GIF image"),
    b"\x1f\x8b": ("gzip 压缩文件", "a gzip archive"),
    b"MZ": ("Windows 程序", "a Windows program"),
    b"\x7fELF": ("程序文件", "a program"),
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class UploadProblem:
    """Why a file was refused before reading it, in Chinese and English."""

    message_zh: str
    message_en: str


def clean_name(name: str | None) -> str:
    """Return the file's own name: no folders, no control characters, at most 120 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _CONTROL.sub("", base).strip()
    return base[-MAX_NAME:] or "upload"


def suffix(name: str) -> str:
    """Return the lower-case extension without the dot ("" when there is none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def check(name: str, data: bytes, allowed: tuple[str, ...]) -> UploadProblem | None:
    """Return why the upload ``name`` with content ``data`` is refused, or None.

    ``allowed`` lists the accepted extensions (``xlsx``, ``xlsm``, ``csv``, ``json``).
    """
    ext = suffix(name)
    if ext not in allowed:
        listed = "、".join(f".{a}" for a in allowed)
        listed_en = ", ".join(f".{a}" for a in allowed)
        return UploadProblem(f"文件类型不对：请上传 {listed} 文件",
                             f"wrong file type: upload a {listed_en} file")
    if not data.strip():
        return UploadProblem("文件是空的", "the file is empty")
    head = data[:SNIFF_BYTES]
    if ext in ("xlsx", "xlsm"):
        return _workbook(head)
    return _text(head, ext)


def _workbook(head: bytes) -> UploadProblem | None:
    if head.startswith(b"PK\x03\x04"):
        return None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return UploadProblem("这是旧版 .xls 工作簿：请在 Excel 中另存为 .xlsx 后再上传",
                             "this is an old .xls workbook: save it as .xlsx in Excel and "
                             "upload that")
    return UploadProblem("文件内容不是 Excel 工作簿（.xlsx），尽管扩展名是",
                         "the file's content is not an Excel workbook (.xlsx), whatever its "
                         "name says")


def _text(head: bytes, ext: str) -> UploadProblem | None:
    for signature, (zh, en) in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return UploadProblem(f"文件内容是{zh}，不是 .{ext} 文本文件",
                                 f"the file's content is {en}, not a .{ext} text file")
    utf16 = ext == "csv" and head.startswith(UTF16_BOMS)  # Excel's "Unicode text" CSV
    if b"\x00" in head and not utf16:
        return UploadProblem(f"文件内容不是文本，不像 .{ext} 文件",
                             f"the file's content is not text, so it is not a .{ext} file")
    if ext == "json" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return UploadProblem("文件内容不是 JSON（应以 { 开头）",
                             "the file's content is not JSON (it should start with {)")
    return None
