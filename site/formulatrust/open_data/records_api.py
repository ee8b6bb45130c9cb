"""The key-supervision list, the enterprises' records and the industry statistics in the API,
paged like ``/api/v1/recalls``, from the same sources as the complete data files."""

from __future__ import annotations

from itertools import islice

from flask import Blueprint, request

from formulatrust.core import db
from formulatrust.open_data import downloads
from formulatrust.open_data.dump_sources import BY_SLUG

PAGE_SIZE = 100
# The record sets served here (results, recalls and enterprises have endpoints of their own).
RECORD_SETS = ("supervision", "licences", "certifications", "penalties", "inspections",
               "statistics")


def records_page(slug: str):
    """One page of the record set ``slug``, in the order of its complete file."""
    number = request.args.get("page") or "1"
    if not number.isdecimal() or not 1 <= int(number) <= downloads.MAX_PAGE:
        return downloads.api_error(400, downloads.lazy(downloads.page_message),
                                   parameter="page")
    records = list(BY_SLUG[slug].records(db.session()))  # small sets: counted as they are read
    pages = max(1, -(-len(records) // PAGE_SIZE))
    page = min(int(number), pages)
    return downloads.json_response({
        "total": len(records), "page": page, "pages": pages,
        "links": downloads.page_links(f"open_data_api.api_{slug}", page, pages,
                                      lambda n: {"page": str(n)} if n > 1 else {}),
        "licence": downloads.licence_url(),
        slug: list(islice(records, (page - 1) * PAGE_SIZE, page * PAGE_SIZE))})


def register(api: Blueprint) -> None:
    """Add ``GET /api/v1/<set>`` for every record set to ``api``."""
    for slug in RECORD_SETS:
        def view(slug: str = slug):
            return records_page(slug)
        view.__doc__ = f"{BY_SLUG[slug].dataset.title}, 100 a page."
        api.add_url_rule(f"/{slug}", endpoint=f"api_{slug}", view_func=view)
