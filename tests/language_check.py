"""What a reader of one language should never meet on a page of that language.

English pages: no Chinese outside an element whose ``lang`` starts with ``zh`` (names and
values marked as Chinese-only; the language switch). Chinese pages: no bilingual value written
as its two halves joined by " / " ("未检出 / not detected").
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from formulatrust.domain.transliteration import has_chinese

UNSEEN = {"script", "style", "template", "noscript"}
SEEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
CHINESE = r"[\u3400-\u9fff\uf900-\ufaff（）】」]"
JOINED_HALVES = re.compile(rf"{CHINESE}\s+/\s+[A-Za-z]{{2}}|[A-Za-z)]\s+/\s+[\u3400-\u9fff]")


# What an editor is writing, given back in its field: their Markdown may quote Chinese terms
# (marked on the page it makes, never inside the field), and it is not the page's own words.
BEING_EDITED = {"textarea"}


def chinese_outside_zh(html: str) -> list[str]:
    """Return the texts (and seen attributes) holding Chinese outside a ``lang="zh…"`` element."""
    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for text in _texts(soup):
        if text.parent.name in BEING_EDITED:
            continue
        if has_chinese(text) and not _in_chinese(text.parent):
            found.append(_snippet(text, text.parent))
    for tag in soup.find_all(True):
        for name in SEEN_ATTRIBUTES:
            value = tag.get(name)
            if value and has_chinese(value) and not _in_chinese(tag) and not _unseen(tag):
                found.append(f"{name}={_snippet(value, tag)}")
    return found


def bilingual_joins(html: str) -> list[str]:
    """Return the texts where a Chinese and an English half are joined by " / "."""
    soup = BeautifulSoup(html, "html.parser")
    texts = [str(text) for text in _texts(soup)]
    texts += [tag.get(name) for tag in soup.find_all(True) for name in SEEN_ATTRIBUTES
              if tag.get(name)]
    return [_short(text) for text in texts if JOINED_HALVES.search(text)]


def _texts(soup: BeautifulSoup) -> list[NavigableString]:
    return [text for text in soup.find_all(string=True)
            if not isinstance(text, Comment) and text.strip() and not _unseen(text.parent)]


def _unseen(tag: Tag | None) -> bool:
    return any(parent.name in UNSEEN for parent in _self_and_ancestors(tag))


def _in_chinese(tag: Tag | None) -> bool:
    """Tell whether the nearest ``lang`` around ``tag`` is Chinese, or ``tag`` is in the switch."""
    for element in _self_and_ancestors(tag):
        if "lang-switch" in (element.get("class") or []):
            return True
        if element.get("lang") is not None:
            return element["lang"].lower().startswith("zh")
    return False


def _self_and_ancestors(tag: Tag | None) -> list[Tag]:
    return [element for element in [tag, *(tag.parents if tag else [])]
            if isinstance(element, Tag)]


def _snippet(text: str, tag: Tag | None) -> str:
    where = tag.name if tag is not None else "?"
    classes = ".".join(tag.get("class") or []) if tag is not None else ""
    return f"<{where}{'.' + classes if classes else ''}> {_short(text)}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "…"


slash_joined = bilingual_joins  # the name the results pages' tests use
