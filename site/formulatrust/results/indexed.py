"""Full-text /results from the search index: one call gives the page's ids in order, the total
and every facet's counts; SQL then loads only the rows of that page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.paging import Page, page_count
from formulatrust.results.models import SamplingResult
from formulatrust.results.query import FACETS, Filters, with_names
from formulatrust.search import MAX_LIMIT, Matches, SearchError, search

INDEX_SORTS = {"relevance": "relevance", "date": "newest"}


def index_filters(filters: Filters) -> dict[str, str]:
    """Return the filters as the index holds them (see ``pages.search_documents``)."""
    values = {name: getattr(filters, name) for name in FACETS if name not in ("year",
                                                                               "compliant")}
    values["year"] = str(filters.year) if filters.year else ""
    if filters.compliant is not None:
        values["compliant"] = "yes" if filters.compliant else "no"
    return {name: value for name, value in values.items() if value}


def searched_page(session: Session, index_dir: str, filters: Filters, size: int,
                  counts: bool) -> tuple[Page, dict[str, list[tuple[object, int]]]]:
    """Return the page of ``filters`` (which has a query) and, when ``counts``, its facets.

    Raise SearchError ``unavailable`` when the index is missing or predates its format.
    """
    names = FACETS if counts else ()
    try:
        found = _search(index_dir, filters, names, size, filters.page)
    except SearchError as error:
        if error.code not in ("no_terms", "too_many_terms"):
            raise
        return Page([], 0, 1, 1), {name: [] for name in names}
    pages = page_count(found.total, size)
    page = min(filters.page, pages)
    keys = found.keys if page == filters.page else _search(index_dir, filters, (), size,
                                                           page).keys
    facets = {name: [(_value(name, value), count) for value, count in found.counts[name]]
              for name in names}
    return Page(rows_in_order(session, [int(key) for key in keys]), found.total, page,
                pages), facets


def searched_download(session: Session, index_dir: str, filters: Filters,
                      limit: int) -> Iterator[SamplingResult]:
    """Return every result of ``filters`` (which has a query), newest first, up to ``limit``.

    Raise SearchError ``unavailable`` when the index is missing or predates its format.
    """
    ids: list[int] = []
    newest_first = replace(filters, sort="date")
    try:
        while len(ids) < limit:
            wanted = min(MAX_LIMIT, limit - len(ids))
            keys = search(index_dir, filters.q, "result", index_filters(newest_first), (),
                          limit=wanted, offset=len(ids), sort="newest", required=True).keys
            ids += [int(key) for key in keys]
            if len(keys) < wanted:
                break
    except SearchError as error:
        if error.code not in ("no_terms", "too_many_terms"):
            raise
    # Rows are loaded a page of ids at a time, as the download is written.
    return (row for start in range(0, len(ids), MAX_LIMIT)
            for row in rows_in_order(session, ids[start:start + MAX_LIMIT]))


def _search(index_dir: str, filters: Filters, names: tuple[str, ...], size: int,
            page: int) -> Matches:
    return search(index_dir, filters.q, "result", index_filters(filters), names, limit=size,
                  offset=(page - 1) * size, sort=INDEX_SORTS[filters.sort], required=True)


def _value(name: str, value: str) -> object:
    """Return a counted value as the SQL facets give it (years as numbers, compliance as
    booleans)."""
    if name == "year":
        return int(value)
    if name == "compliant":
        return value == "yes"
    return value


def rows_in_order(session: Session, ids: list[int]) -> list[SamplingResult]:
    """Load the results ``ids`` with their failed items, in the order of ``ids``."""
    if not ids:
        return []
    found = {row.id: row for row in session.scalars(
        select(SamplingResult).where(SamplingResult.id.in_(ids))
        .options(*with_names()))}
    return [found[number] for number in ids if number in found]
