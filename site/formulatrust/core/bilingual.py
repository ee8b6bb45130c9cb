"""Data in the reader's language: vocabulary terms, names and lists, for templates.

Templates show a bilingual value through the macros of ``components/bilingual.html``: the
reader's language, else the Chinese marked ``lang="zh-Hans"`` with a visible "(Chinese only)"
note, never both halves joined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup, escape

from formulatrust.core.i18n import current_language
from formulatrust.domain.transliteration import has_chinese, pinyin
from formulatrust.search.vocabularies import vocabulary

LIST_SEPARATORS = {"zh": "、", "en": ", "}
CHINESE_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff][\u3400-\u9fff\uf900-\ufaffA-Z0-9]*")


@dataclass(frozen=True)
class Pair:
    """A value in both languages; ``en`` is empty when no English is known."""

    zh: str
    en: str = ""

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def term(raw: str | None, kind: str) -> Pair:
    """Return the vocabulary entry of ``kind`` that ``raw`` names, as a pair; text that names
    no entry comes back as it is (Chinese, unless it holds no Chinese at all)."""
    text = (raw or "").strip()
    entry = vocabulary().match(text, kind) if text else None
    if entry is not None:
        return Pair(entry.zh, entry.en)
    return Pair(text, "" if has_chinese(text) else text)


def joined(values: Iterable[Any], language: str | None = None) -> str:
    """Join ``values`` as a list is written in the reader's language (as markup when any value
    is markup, such as a marked name, escaping the others)."""
    items = [value for value in values if value]
    separator = LIST_SEPARATORS[language or current_language()]
    if any(isinstance(value, Markup) for value in items):
        return Markup(separator).join(items)
    return separator.join(str(value) for value in items)


def quoted_chinese(text: str | None) -> Markup:
    """Mark each Chinese word quoted in ``text`` as Chinese on English pages ("公告号")."""
    escaped = escape(text or "")
    if current_language() != "en":
        return escaped
    return Markup(CHINESE_RUN.sub(lambda word: f'<span lang="zh-Hans">{word.group(0)}</span>',
                                  str(escaped)))


def _macros() -> Any:
    return current_app.jinja_env.get_template("components/bilingual.html").module


def name_of(record: object | None, field: str = "name") -> Markup:
    """Show ``record``'s name as ``bi.name`` does: English when known, else a marked pinyin."""
    if record is None:
        return Markup("")
    return _macros().name(getattr(record, f"{field}_zh", "") or "",
                          getattr(record, f"{field}_en", "") or "")


def text_of(record: object, field: str) -> Markup:
    """Show ``record``'s ``field`` pair as ``bi.text`` does (the Chinese marked when alone)."""
    return _macros().text(getattr(record, f"{field}_zh", "") or "",
                          getattr(record, f"{field}_en", "") or "")


def place_of(record: object, field: str = "district") -> Markup:
    """Show a place pair, its English from the places vocabulary when none is stored."""
    chinese = getattr(record, f"{field}_zh", "") or ""
    english = getattr(record, f"{field}_en", "") or term(chinese, "places").en
    return _macros().text(chinese, english)


def term_of(raw: str | None, kind: str) -> Markup:
    """Show a vocabulary term as ``bi.term`` does (for ``map`` over a list)."""
    return _macros().term(raw, kind)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(vocabulary_term=term)
    app.jinja_env.filters.update(pinyin=pinyin, joined=joined, has_chinese=has_chinese,
                                 quoted_chinese=quoted_chinese, name_of=name_of,
                                 term_of=term_of, text_of=text_of, place_of=place_of)
