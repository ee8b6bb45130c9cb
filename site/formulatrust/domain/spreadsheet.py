"""Cells that are safe to open in a spreadsheet: text that a spreadsheet would run as a
formula (OWASP's CSV-injection rule: a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
return) is written with a leading apostrophe, so it shows as the text it is."""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return ``value`` ready for a CSV cell; numbers and other non-text pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    """Return a row of safe cells."""
    return [safe_cell(value) for value in row]
