"""How an open day reads on pages: its time in Shanghai, the language of its tour."""

from __future__ import annotations

from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l

from formulatrust.core.clock import SHANGHAI
from formulatrust.open_days.models import OpenDay

LANGUAGE_NAMES = {"zh": _l("Chinese"), "en": _l("English"), "zh+en": _l("Chinese and English")}


def when(visit: OpenDay) -> str:
    """Return the visit's date and time in Shanghai, like "2026年12月5日星期六 09:30–11:00"."""
    start, end = visit.starts.astimezone(SHANGHAI), visit.ends.astimezone(SHANGHAI)
    day = format_date(start, "full", rebase=False)
    times = [format_time(moment, "HH:mm", rebase=False) for moment in (start, end)]
    return f"{day} {times[0]}–{times[1]}"


def language_name(code: str) -> str:
    """Return the name of a tour language in the reader's language."""
    return str(LANGUAGE_NAMES.get(code, code))
