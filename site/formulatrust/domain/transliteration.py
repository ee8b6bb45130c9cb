"""Pinyin for names that have no known English form (shops, labs, enterprises from imports).

A transliteration is marked as such wherever it is shown: it helps a reader say and compare a
name, it is not the name's English.
"""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin


def pinyin(text: str) -> str:
    """Return ``text`` with every Chinese character written in toneless pinyin, each syllable
    capitalised; other characters (digits, Latin letters, punctuation) are kept, full-width
    forms as their ASCII equivalents."""
    plain = unicodedata.normalize("NFKC", text)
    pieces = lazy_pinyin(plain, style=Style.NORMAL, errors=lambda chars: chars)
    words: list[str] = []
    for piece in pieces:
        if piece and piece[0].isascii() and piece[0].isalpha() and _is_syllable(piece):
            words.append(piece.capitalize())
        else:
            words.append(piece)
    return _spaced(words)


def has_chinese(text: str) -> bool:
    """Tell whether ``text`` holds a CJK ideograph."""
    return any("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in text)


def _is_syllable(piece: str) -> bool:
    return piece.isalpha() and piece.islower()


def _spaced(words: list[str]) -> str:
    """Join syllables with spaces, but keep punctuation and digits against their neighbours."""
    out = ""
    for word in words:
        if out and word[:1].isalnum() and (out[-1].isalnum() or out[-1] in ")]"):
            out += " "
        elif out and word[:1] in "([" and not out.endswith(" "):
            out += " "
        out += word
    return out.strip()
