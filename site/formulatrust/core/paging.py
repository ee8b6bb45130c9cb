"""The ``page`` parameter of list pages: a whole number from 1 (else a bilingual 400); a page
past the last shows the last page, as the results, search and API lists do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formulatrust.core.errors import render_error

MAX_PAGE = 100_000  # the highest page number a list accepts
Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list and what is needed to show the rest."""

    items: list[Item]
    total: int
    page: int
    pages: int


def page_count(total: int, size: int) -> int:
    """Return how many pages of ``size`` hold ``total`` items (one, when there are none)."""
    return max(1, -(-total // size))


def page_message() -> str:
    """Explain a bad page number."""
    return _("“page” must be a whole number from 1 to %(max)s.", max=MAX_PAGE)


def page_number(text: str) -> int | None:
    """Return ``text`` as a page number, or None when it is not a whole number from 1 to
    MAX_PAGE (checked by length first: int() refuses numbers of thousands of digits)."""
    text = text.strip()
    if not text.isdecimal() or len(text) > len(str(MAX_PAGE)) or not 1 <= int(text) <= MAX_PAGE:
        return None
    return int(text)


def requested_page(args: Mapping[str, str]) -> int:
    """Return the requested page number; answer a bilingual 400 when it is not one."""
    number = page_number(args.get("page") or "1")
    if number is None:
        # lazy, so the error page says it in both languages
        abort(render_error(400, _l("“page” must be a whole number from 1 to %(max)s.",
                                   max=MAX_PAGE)))
    return number
