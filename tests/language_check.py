"""What an English reader would see in Chinese, and Chinese pages joining both languages.

Reads HTML with the standard library's parser, so the checks do not depend on how a page
is styled or laid out: text inside an element whose ``lang`` starts with ``zh`` (a value
marked as Chinese only) and the language switch are allowed to hold Chinese; nothing else is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Attributes a reader sees or hears; values and addresses are what filters compare, not text.
READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
NOT_TEXT = {"script", "style"}


class _Reader(HTMLParser):
    """Collect the text of a page with, for each piece, whether a reader may see Chinese."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, Chinese allowed inside)
        self.pieces: list[tuple[str, bool]] = []  # (text, Chinese allowed)

    def allowed(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        allowed = (self.allowed() or (values.get("lang") or "").lower().startswith("zh")
                   or "lang-switch" in classes)
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.pieces.append((values[name] or "", allowed))
        if tag not in VOID:
            self.stack.append((tag, allowed))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed <p>, <li>
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] in NOT_TEXT:
            return
        if data.strip():
            self.pieces.append((data.strip(), self.allowed()))


def _pieces(html: str) -> list[tuple[str, bool]]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.pieces


def chinese_outside_zh(html: str) -> list[str]:
    """Return each piece of text (or read attribute) holding Chinese characters outside an
    element whose ``lang`` starts with ``zh`` and outside the language switch."""
    return [text for text, allowed in _pieces(html) if not allowed and CHINESE.search(text)]


def slash_joined(html: str) -> list[str]:
    """Return each piece of text joining a Chinese and an English half with " / "
    (e.g. "未检出 / not detected"), in either order."""
    found = []
    for text, _allowed in _pieces(html):
        halves = text.split(" / ")
        for left, right in zip(halves, halves[1:], strict=False):
            if _mixed(left, right):
                found.append(text)
                break
    return found


def _mixed(left: str, right: str) -> bool:
    chinese_left = HAN.search(left) and not LATIN_WORD.search(left[-40:])
    chinese_right = HAN.search(right) and not LATIN_WORD.search(right[:40])
    english_left = LATIN_WORD.search(left) and not HAN.search(left[-40:])
    english_right = LATIN_WORD.search(right) and not HAN.search(right[:40])
    return bool((chinese_left and english_right) or (english_left and chinese_right))
