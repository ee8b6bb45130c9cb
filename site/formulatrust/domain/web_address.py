"""The one rule for every address stored from an import, a form or a push: http(s) only."""

from __future__ import annotations

import re

MAX_LENGTH = 500
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def is_web_address(text: str) -> bool:
    """True for an http:// or https:// address a browser opens as a page (never a script)."""
    return len(text) <= MAX_LENGTH and _WEB_ADDRESS.fullmatch(text) is not None
