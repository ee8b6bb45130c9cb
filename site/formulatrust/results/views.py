"""Sampling results: search with filters, permalinks, downloads (``?format=csv|json``), API
and feeds."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from decimal import Decimal

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from formulatrust.core import chrome, db
from formulatrust.core.clock import rfc3339
from formulatrust.core.demo_banner import demo_data_shown
from formulatrust.core.i18n import atom_feed, current_language
from formulatrust.core.paging import Page
from formulatrust.enterprises import appeals, replies
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import (
    API_PAGE_SIZE,
    FEED_SIZE,
    atom_response,
    filter_message,
    json_response,
    page_links,
)
from formulatrust.open_data.fields import RESULTS
from formulatrust.open_data.heavy import download_limit
from formulatrust.results import display, feeds, finding
from formulatrust.results.filters import read_filters, requested_filters
from formulatrust.results.models import ResultRevision, SamplingResult
from formulatrust.results.query import (
    PAGE_SIZE,
    FilterError,
    Filters,
    count_by,
    count_matching,
)
from formulatrust.results.records import full_json
from formulatrust.results.store import differences

bp = Blueprint("results", __name__)
api = downloads.open_api_blueprint(Blueprint("results_api", __name__, url_prefix="/api/v1"))


@bp.errorhandler(FilterError)
@api.errorhandler(FilterError)
def bad_filter(error: FilterError):
    """Answer a bad filter with 400: the page with its message, or JSON for data clients."""
    if downloads.data_requested():
        return downloads.bad_filter(error)
    page: Page[SamplingResult] = Page(items=[], total=0, page=1, pages=1)
    return render_template("results/index.html", filters=Filters(), page=page, facets={},
                           error=str(filter_message(error))), 400


def results_page(filters: Filters, size: int,
                 counts: bool) -> tuple[Page, dict[str, list[tuple[object, int]]]]:
    """Return the page of ``filters`` and, when ``counts``, its facets."""
    return finding.results_page(db.session(), current_app.config["SEARCH_INDEX_DIR"], filters,
                                size, counts)


@bp.get("/results")
@download_limit
def index():
    """Search and filter results; every search has a shareable URL (and ``?format=``)."""
    fmt = downloads.requested_format()
    if fmt != "html":
        return results_download(fmt, requested_filters())
    filters = requested_filters()
    if not filters.q:
        return render_results(filters)
    # A search is the same page for every reader until a published record changes, when the
    # change feed empties this cache; popular searches are then rendered once per worker.
    key = ("results", current_language(), demo_data_shown(), *sorted(filters.as_args().items()))
    return chrome.cached_page(key, lambda: render_results(filters))


def render_results(filters: Filters) -> str:
    page, counted = results_page(filters, PAGE_SIZE, counts=True)
    return render_template("results/index.html", filters=filters, page=page,
                           facets=display.facet_options(db.session(), counted))


def results_download(fmt: str, filters: Filters) -> Response:
    """Every filtered result (up to the download limit) as CSV or JSON, streamed."""
    return downloads.download(
        RESULTS, lambda: (full_json(r) for r in download_rows(filters)), fmt,
        "sampling-results")


def download_rows(filters: Filters) -> Iterable[SamplingResult]:
    """Every filtered result, newest first, up to the download limit."""
    return finding.download_rows(db.session(), current_app.config["SEARCH_INDEX_DIR"], filters)


# The names of a result's fields in the reader's language, for its correction history.
FIELD_LABELS = {
    "sample_no": _l("Sample number"), "enterprise_name": _l("Enterprise (as labelled)"),
    "enterprise_address": _l("Enterprise address"), "sampled_unit": _l("Sampled at"),
    "sampled_unit_address": _l("Sampled unit address"), "province": _l("Province"),
    "product_name": _l("Product"), "specification": _l("Specification"),
    "trademark": _l("Trademark"), "production_date_or_lot": _l("Production date / lot"),
    "produced_on": _l("Produced on"), "lot": _l("Lot"), "category": _l("Category"),
    "announcement_no": _l("Announcement"), "announced_on": _l("Announced on"),
    "task_source": _l("Task"), "lab": _l("Laboratory"), "note": _l("Note"),
    "source_url": _l("Original announcement"), "shelf_life": _l("Shelf life"),
    "subcategory": _l("Subcategory"), "compliant": _l("Compliant"),
    "failed_items": _l("Failed items"),
}


@bp.get("/results/<int:result_id>")
def detail(result_id: int):
    """Show one result with every field, its history and its links."""
    session = db.session()
    result = finding.with_history(session, result_id)
    if result is None:
        abort(404)
    history = [(revision, corrections(revision, result)) for revision in result.revisions]
    return render_template("results/detail.html", result=result,
                           batch=finding.batch_of(session, result),
                           history=list(reversed(history)),
                           replies={("result", result.id): replies.replies_to(
                               session, "result", result.id)},
                           appeals=appeals.for_targets(db.session(), "result", [result.id]))


def corrections(revision: ResultRevision, result: SamplingResult) -> list[tuple[str, str, str]]:
    """What a correction changed: (field in the reader's language, before, now)."""
    rows = []
    for name, before, after in differences(revision.data, result):
        if name == "failed_items":
            before = display.failed_items_text(revision.data.get("failed_items") or [])
            after = display.failed_items_text([f.item, f.measured, f.limit, f.label_requirement]
                                              for f in result.failed_items)
        rows.append((str(FIELD_LABELS.get(name, name)), before, after))
    return rows


@bp.get("/results.csv")
@download_limit
def as_csv():
    """Permalink for ``/results?format=csv`` (UTF-8 with BOM, so spreadsheets read Chinese)."""
    return results_download("csv", requested_filters())


@bp.get("/results.json")
@download_limit
def as_json():
    """Permalink for ``/results?format=json``."""
    return results_download("json", requested_filters())


@bp.get("/results/feed.atom")
@atom_feed
def feed():
    """Atom feed of the newest results; filters apply (``?compliant=no``: failures only)."""
    filters = requested_filters()
    newest_first = dataclasses.replace(filters, sort="date", page=1)
    results = results_page(newest_first, FEED_SIZE, counts=False)[0].items
    return atom_response("results/feed.atom", filters=filters,
                         **feeds.feed(feeds.result_entries(db.session(), results)))


@api.get("/results")
def api_results():
    """Paged JSON API with the same filters as the pages."""
    filters = requested_filters()
    page, _ = results_page(filters, API_PAGE_SIZE, counts=False)
    return json_response({
        "total": page.total, "page": page.page, "pages": page.pages,
        "links": page_links("results_api.api_results", page.page, page.pages,
                            lambda number: filters.as_args(page=number)),
        "licence": downloads.licence_url(),
        "results": [full_json(r) for r in page.items]})


# The counts endpoint's field names (openFDA-like) and the filters they count by.
COUNT_FIELDS = {"year": "year", "compliant": "compliant", "enterprise": "enterprise",
                "category": "category", "failed_item": "item", "province": "province",
                "lab": "lab"}
MAX_COUNT_VALUES = 1000


@api.get("/results/counts")
def api_result_counts():
    """How many of the filtered results have each value of one field, most first."""
    name = request.args.get("field") or ""
    if name not in COUNT_FIELDS:
        raise FilterError("field", "choice")
    limit = _count_limit(request.args.get("limit"))
    filters, ids = read_filters()
    session = db.session()
    counted = count_by(session, filters, ids, COUNT_FIELDS[name], limit)
    return json_response({
        "field": name, "total": count_matching(session, filters, ids),
        "counts": [{"value": _count_value(value), "count": count} for value, count in counted],
        "licence": downloads.licence_url()})


def _count_limit(text: str | None) -> int:
    if not text:
        return 100
    if not text.isdecimal() or not 1 <= int(text) <= MAX_COUNT_VALUES:
        raise FilterError("limit", "number")
    return int(text)


def _count_value(value: object) -> object:
    """Years as numbers, compliance as the filter's own yes/no, names as they are."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return int(value) if isinstance(value, int | float | Decimal) else value  # PostgreSQL: Decimal


@api.get("/results/<int:result_id>")
def api_result(result_id: int):
    """One result by its stable id."""
    result = finding.with_items(db.session(), result_id)
    if result is None:
        abort(404)
    return json_response(full_json(result))


bp.add_app_template_global(display.names_of, "result_names")
bp.add_app_template_global(display.plain_name, "plain_name")


@bp.app_template_filter("highlight")
def highlight(text: str, query: str) -> Markup:
    """Escape ``text`` and mark each word of ``query`` in it."""
    words = sorted({w for w in query.split() if w}, key=len, reverse=True)
    if not words or not text:
        return escape(text or "")
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last:match.start()]), Markup("<mark>"),
                escape(match.group()), Markup("</mark>")]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


bp.add_app_template_filter(rfc3339, "rfc3339")
