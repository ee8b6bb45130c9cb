"""The ``page`` parameter of list pages: a whole number from 1 (else a bilingual 400); a page
past the last shows the last page, as the results, search and API lists do."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formulatrust.core.errors import render_error

MAX_PAGE = 100_000  # the highest page number a list accepts


def page_message() -> str:
    """Explain a bad page number."""
    return _("“page” must be a whole number from 1 to %(max)s.", max=MAX_PAGE)


def requested_page(args: Mapping[str, str]) -> int:
    """Return the requested page number; answer a bilingual 400 when it is not one."""
    text = (args.get("page") or "1").strip()
    if not text.isdecimal() or len(text) > 6 or not 1 <= int(text) <= MAX_PAGE:
        # lazy, so the error page says it in both languages
        abort(render_error(400, _l("“page” must be a whole number from 1 to %(max)s.",
                                   max=MAX_PAGE)))
    return int(text)
