"""The result filters of a request, shared by every list that filters sampling results."""

from __future__ import annotations

from flask import current_app, request

from formulatrust.open_data.downloads import clean_args
from formulatrust.results import finding
from formulatrust.results.query import Filters


def requested_filters() -> Filters:
    """Return the validated filters of this request (FilterError names a bad one)."""
    return Filters.from_args(clean_args(request.args))


def read_filters() -> tuple[Filters, list[int] | None]:
    """Return the validated filters and every full-text match (None without a query), for
    lists that combine them with conditions of their own."""
    filters = requested_filters()
    if not filters.q:
        return filters, None
    return filters, finding.matching_ids(current_app.config["SEARCH_INDEX_DIR"], filters.q)
