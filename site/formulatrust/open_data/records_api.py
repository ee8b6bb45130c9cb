"""The whole record in the API, paged like ``/api/v1/recalls``: the key-supervision list, the
enterprises' records and the industry statistics from the same sources as the complete data
files; ratings history, bulletins, products, batches, appeals and replies paged in SQL."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from flask import Blueprint, Response, request

from formulatrust.core import db
from formulatrust.core.paging import page_count, page_number
from formulatrust.open_data import downloads, record_sets
from formulatrust.open_data.dump_sources import BY_SLUG

PAGE_SIZE = 100
# The record sets served here (results, recalls and enterprises have endpoints of their own).
RECORD_SETS = ("supervision", "licences", "certifications", "penalties", "inspections",
               "statistics")


def requested_page() -> int | None:
    """The page number asked for (1 when none), or None when it is not one."""
    number = request.args.get("page") or "1"
    if page_number(number) is None:
        return None
    return int(number)


def answer(slug: str, total: int, page: int, records: Callable[[int], list[dict]]) -> Response:
    """The envelope of page ``page`` (at most the last) of ``total`` records."""
    pages = page_count(total, PAGE_SIZE)
    page = min(page, pages)
    return downloads.json_response({
        "total": total, "page": page, "pages": pages,
        "links": downloads.page_links(f"open_data_api.api_{slug}", page, pages,
                                      lambda n: {"page": str(n)} if n > 1 else {}),
        "licence": downloads.licence_url(),
        slug: records((page - 1) * PAGE_SIZE)})


def bad_page() -> Response:
    return downloads.api_error(400, downloads.lazy(downloads.page_message), parameter="page")


def records_page(slug: str) -> Response:
    """One page of the record set ``slug``, in the order of its complete file."""
    page = requested_page()
    if page is None:
        return bad_page()
    records = list(BY_SLUG[slug].records(db.session()))  # small sets: counted as they are read
    return answer(slug, len(records), page,
                  lambda start: list(islice(records, start, start + PAGE_SIZE)))


def sql_page(slug: str) -> Response:
    """One page of the record set ``slug`` of :mod:`record_sets`, read with offset and limit."""
    page = requested_page()
    if page is None:
        return bad_page()
    session, record_set = db.session(), record_sets.RECORD_SETS[slug]
    return answer(slug, record_set.count(session), page,
                  lambda start: record_set.page(session, start, PAGE_SIZE))


def register(api: Blueprint) -> None:
    """Add ``GET /api/v1/<set>`` for every record set to ``api``."""
    for slug in RECORD_SETS:
        def view(slug: str = slug) -> Response:
            return records_page(slug)
        view.__doc__ = f"{BY_SLUG[slug].dataset.title}, 100 a page."
        api.add_url_rule(f"/{slug}", endpoint=f"api_{slug}", view_func=view)
    for slug, record_set in record_sets.RECORD_SETS.items():
        def sql_view(slug: str = slug) -> Response:
            return sql_page(slug)
        sql_view.__doc__ = f"{record_set.dataset.title}, 100 a page."
        api.add_url_rule(f"/{slug}", endpoint=f"api_{slug}", view_func=sql_view)
