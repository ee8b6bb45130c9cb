"""The one rule for every address stored from an import, a form or a push: http(s) only."""

from __future__ import annotations

import re

MAX_LENGTH = 500
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def is_web_address(text: str) -> bool:
    """True for an http:// or https:// address a browser opens as a page (never a script)."""
    return len(text) <= MAX_LENGTH and _WEB_ADDRESS.fullmatch(text) is not None


def web_addresses(text: str) -> list[str]:
    """The addresses in a field that may hold several, separated by semicolons (published
    rows cite a notice and its reprints as ``http://a ; https://b``)."""
    return [part.strip() for part in text.split(";") if part.strip()]


def first_non_web_address(text: str) -> str | None:
    """The first part of ``text`` that is not an http(s) address, or None when all are."""
    return next((part for part in web_addresses(text) if not is_web_address(part)), None)
