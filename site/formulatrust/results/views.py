"""Sampling results: search with filters, permalinks, downloads (``?format=csv|json``), API
and feeds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.core import db
from formulatrust.enterprises import appeals
from formulatrust.enterprises.models import Reply
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import clean_args, filter_message, json_response
from formulatrust.open_data.fields import RESULTS
from formulatrust.pages import search_follower
from formulatrust.results.models import SamplingResult
from formulatrust.results.query import (
    FilterError,
    Filters,
    Page,
    count_by,
    count_matching,
    download,
    facets,
    page_of,
)
from formulatrust.results.store import differences
from formulatrust.scan.models import Batch
from formulatrust.search import SearchError, matching_keys

bp = Blueprint("results", __name__)
api = downloads.open_api_blueprint(Blueprint("results_api", __name__, url_prefix="/api/v1"))
API_PAGE_SIZE = 100
FEED_SIZE = 50
# Fields read straight from the model; the rest are formatted in ``full_json``.
FORMATTED = {"announced_on", "updated_at", "failed_items", "permalink"}
PLAIN_FIELDS = [f.key for f in RESULTS.fields if "[" not in f.key and f.key not in FORMATTED]


@bp.errorhandler(FilterError)
@api.errorhandler(FilterError)
def bad_filter(error: FilterError):
    """Answer a bad filter with 400: the page with its message, or JSON for data clients."""
    if downloads.data_requested():
        return downloads.bad_filter(error)
    page = Page(results=[], total=0, page=1, pages=1)
    return render_template("results/index.html", filters=Filters(), page=page, facets={},
                           error=str(filter_message(error))), 400


def read_filters() -> tuple[Filters, list[int] | None]:
    """Return the validated filters and the full-text matches (None without a query)."""
    filters = Filters.from_args(clean_args(request.args))
    if not filters.q:
        return filters, None
    try:
        search_follower.follow()
        keys = matching_keys(current_app.config["SEARCH_INDEX_DIR"], filters.q, "result")
    except SearchError:
        return filters, []
    return filters, [int(key) for key in keys]


@bp.get("/results")
def index():
    """Search and filter results; every search has a shareable URL (and ``?format=``)."""
    fmt = downloads.requested_format()
    filters, ids = read_filters()
    if fmt != "html":
        return results_download(fmt, filters, ids)
    session = db.session()
    page = page_of(session, filters, ids)
    return render_template("results/index.html", filters=filters, page=page,
                           facets=facets(session, filters, ids))


def results_download(fmt: str, filters: Filters, ids: list[int] | None) -> Response:
    """Every filtered result (up to the download limit) as CSV or JSON."""
    records = [full_json(r) for r in download(db.session(), filters, ids)]
    return downloads.download(RESULTS, records, fmt, "sampling-results")


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
    result = db.session().scalars(
        select(SamplingResult).where(SamplingResult.id == result_id).options(
            selectinload(SamplingResult.failed_items), selectinload(SamplingResult.revisions))
    ).first()
    if result is None:
        abort(404)
    batch = None
    if result.product_id and result.lot:
        batch = db.session().scalar(select(Batch).where(Batch.product_id == result.product_id,
                                                        Batch.lot == result.lot))
    history = [(revision, [(str(FIELD_LABELS.get(name, name)), before, after)
                           for name, before, after in differences(revision.data, result)])
               for revision in result.revisions]
    replies = db.session().scalars(select(Reply).where(
        Reply.target == "result", Reply.target_id == result.id).order_by(Reply.replied_on)).all()
    return render_template("results/detail.html", result=result, batch=batch,
                           history=list(reversed(history)),
                           replies={("result", result.id): list(replies)},
                           appeals=appeals.for_targets(db.session(), "result", [result.id]))


@bp.get("/results.csv")
def as_csv():
    """Permalink for ``/results?format=csv`` (UTF-8 with BOM, so spreadsheets read Chinese)."""
    return results_download("csv", *read_filters())


@bp.get("/results.json")
def as_json():
    """Permalink for ``/results?format=json``."""
    return results_download("json", *read_filters())


def full_json(result: SamplingResult) -> dict:
    """Return every published field of a result (the fields of ``RESULTS``)."""
    body = {name: getattr(result, name) for name in PLAIN_FIELDS}
    body.update(
        announced_on=result.announced_on.isoformat() if result.announced_on else None,
        updated_at=rfc3339(result.updated_at) if result.updated_at else None,
        failed_items=[{"item": f.item, "measured": f.measured, "limit": f.limit,
                       "label_requirement": f.label_requirement}
                      for f in result.failed_items],
        permalink=url_for("results.detail", result_id=result.id, _external=True),
        source_url=result.source_url or None)
    return body


@bp.get("/results/feed.atom")
def feed():
    """Atom feed of the newest results; filters apply (``?compliant=no``: failures only)."""
    filters, ids = read_filters()
    results = download(db.session(), filters, ids)[:FEED_SIZE]
    return atom_response("results/feed.atom", results=results, filters=filters,
                         updated=newest(results))


def newest(results: list[SamplingResult]) -> datetime:
    """Return the feed's ``updated`` time: the newest change among ``results``."""
    return max((r.updated_at for r in results), default=datetime(2026, 1, 1, tzinfo=UTC))


def atom_response(template: str, **context) -> Response:
    """Render an Atom feed."""
    return downloads.open_response(Response(render_template(template, **context),
                                            mimetype="application/atom+xml"))


@api.get("/results")
def api_results():
    """Paged JSON API with the same filters as the pages."""
    filters, ids = read_filters()
    page = page_of(db.session(), filters, ids, size=API_PAGE_SIZE)
    return json_response({
        "total": page.total, "page": page.page, "pages": page.pages,
        "links": page_links("results_api.api_results", page.page, page.pages,
                            lambda number: filters.as_args(page=number)),
        "licence": downloads.licence_url(),
        "results": [full_json(r) for r in page.results]})


def page_links(endpoint: str, page: int, pages: int, args) -> dict[str, str]:
    """Return absolute ``self``, ``first``, ``last`` and (where they exist) ``prev``/``next``."""
    def link(number: int) -> str:
        return url_for(endpoint, _external=True, **args(number))

    links = {"self": link(page), "first": link(1), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    return links


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
    return int(value) if isinstance(value, float | int) else value


@api.get("/results/<int:result_id>")
def api_result(result_id: int):
    """One result by its stable id."""
    result = db.session().scalars(
        select(SamplingResult).where(SamplingResult.id == result_id)
        .options(selectinload(SamplingResult.failed_items))).first()
    if result is None:
        abort(404)
    return json_response(full_json(result))


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


@bp.app_template_filter("rfc3339")
def rfc3339(moment: datetime) -> str:
    """Format a time for Atom and ``<time datetime>`` (whole seconds, as both allow);
    naive times from SQLite are UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")
