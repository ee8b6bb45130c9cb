"""Checks every HTML page must pass: valid HTML, one h1, a title that starts with it, lang set,
no duplicate ids, every form with an action, every label pointing at a field."""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

import html5lib
from bs4 import BeautifulSoup

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "site.css"


@cache
def styled_classes() -> frozenset[str]:
    """Return every class the one stylesheet has a rule for."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.DOTALL)
    css = re.sub(r"\{[^{}]*\}", "{}", css)  # selectors only, not declarations (1.5rem …)
    return frozenset(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", css))


def unstyled_classes(soup: BeautifulSoup) -> set[str]:
    """Return the classes used on the page (outside inline SVG) that no rule styles."""
    used = {name for tag in soup.find_all(class_=True) for name in tag["class"]}
    return used - styled_classes()


def check_page(html: str, lang: str | None = None) -> BeautifulSoup:
    """Assert the page checks on ``html`` and return the parsed page for further assertions."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(html)  # raises html5lib.html5parser.ParseError on invalid HTML
    soup = BeautifulSoup(html, "html.parser")

    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"expected one <h1>, found {len(h1s)}"
    heading = " ".join(h1s[0].get_text().split())
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    title = title.removeprefix("Error: ").removeprefix("错误： ")  # GOV.UK error-title prefix
    assert heading and title.startswith(heading), f"title {title!r} must start with {heading!r}"

    page_lang = soup.html.get("lang")
    assert page_lang, "<html> has no lang"
    if lang:
        assert page_lang == HTML_LANG[lang], f"lang is {page_lang!r}, expected {HTML_LANG[lang]!r}"

    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [name for name, count in ids.items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"

    for form in soup.find_all("form"):
        assert form.get("action"), f"form without action: {form.get('class')}"
    for label in soup.find_all("label"):
        target = label.get("for")
        assert target and soup.find(id=target), f"label {label.get_text()!r} points at nothing"

    unstyled = unstyled_classes(soup)
    if os.environ.get("FORMULATRUST_CLASS_LOG"):  # collect instead of failing (see README)
        with open(os.environ["FORMULATRUST_CLASS_LOG"], "a", encoding="utf-8") as log:
            log.write("".join(f"{name}\n" for name in unstyled))
    else:
        assert not unstyled, f"classes without a rule in static/site.css: {sorted(unstyled)}"

    assert soup.find("a", class_="skip-link", href="#main-content"), "skip link missing"
    assert soup.find("main", id="main-content"), "<main id=main-content> missing"
    return soup


def text_of(soup: BeautifulSoup, selector: str) -> str:
    """Return the whitespace-normalised text of the first element matching ``selector``."""
    element = soup.select_one(selector)
    assert element is not None, f"nothing matches {selector!r}"
    return " ".join(element.get_text().split())
