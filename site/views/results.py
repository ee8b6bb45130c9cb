"""Sampling results: search with filters, permalinks, CSV/JSON downloads, API and feed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust import db
from formulatrust.models import Batch, SamplingResult
from formulatrust.models_integrity import Reply
from formulatrust.results_query import (
    FilterError,
    Filters,
    Page,
    download,
    facets,
    page_of,
)
from formulatrust.results_store import differences
from formulatrust.search import SearchError, matching_keys
from formulatrust.views.downloads import csv_response
from formulatrust.views.provenance_json import result_json

bp = Blueprint("results", __name__)
api = Blueprint("results_api", __name__, url_prefix="/api/v1")
CSV_COLUMNS = ("id", "sample_no", "announced_on", "announcement_no", "compliant",
               "enterprise_name", "product_name", "trademark", "specification",
               "production_date_or_lot", "category", "sampled_unit", "province",
               "failed_items", "lab", "task_source", "source_url", "permalink")


FILTER_MESSAGES = {
    "too_long": _l("Use at most 100 characters in “%(field)s”."),
    "number": _l("“%(field)s” must be a number, such as a year like 2024."),
    "choice": _l("“%(field)s” has a value this page does not offer."),
}


def filter_message(error: FilterError) -> str:
    """Return the reader-facing message for a bad filter."""
    return str(FILTER_MESSAGES[error.code]) % {"field": error.field}


@bp.errorhandler(FilterError)
@api.errorhandler(FilterError)
def bad_filter(error: FilterError):
    """Answer a bad filter with 400: the page with its message, or JSON for the API."""
    if request.blueprint == "results_api" or request.path.endswith(".json"):
        return jsonify(error={"status": 400, "parameter": error.field,
                              "message": filter_message(error)}), 400
    page = Page(results=[], total=0, page=1, pages=1)
    return render_template("results/index.html", filters=Filters(), page=page, facets={},
                           error=filter_message(error)), 400


def read_filters() -> tuple[Filters, list[int] | None]:
    """Return the validated filters and the full-text matches (None without a query)."""
    filters = Filters.from_args(request.args)
    if not filters.q:
        return filters, None
    try:
        keys = matching_keys(current_app.config["SEARCH_INDEX_DIR"], filters.q, "result")
    except SearchError:
        return filters, []
    return filters, [int(key) for key in keys]


@bp.get("/results")
def index():
    """Search and filter results; every search has a shareable URL."""
    filters, ids = read_filters()
    session = db.session()
    page = page_of(session, filters, ids)
    return render_template("results/index.html", filters=filters, page=page,
                           facets=facets(session, filters, ids))


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
    history = [(revision, differences(revision.data, result)) for revision in result.revisions]
    replies = db.session().scalars(select(Reply).where(
        Reply.target == "result", Reply.target_id == result.id).order_by(Reply.replied_on)).all()
    return render_template("results/detail.html", result=result, batch=batch,
                           history=list(reversed(history)),
                           replies={("result", result.id): list(replies)})


@bp.get("/results.csv")
def as_csv():
    """Download the filtered results as CSV (UTF-8 with BOM, so spreadsheets read Chinese)."""
    filters, ids = read_filters()
    rows = (csv_row(result) for result in download(db.session(), filters, ids))
    return csv_response(CSV_COLUMNS, rows, "sampling-results.csv")


def csv_row(result: SamplingResult) -> list[str]:
    """Return one CSV row; failed items as ``item║measured║limit`` joined by ``；``."""
    items = "；".join(f"{f.item}║{f.measured}║{f.limit}" for f in result.failed_items)
    values = {"failed_items": items, "compliant": "yes" if result.compliant else "no",
              "announced_on": result.announced_on.isoformat() if result.announced_on else "",
              "permalink": url_for("results.detail", result_id=result.id, _external=True)}
    return [values[c] if c in values else str(getattr(result, c) or "") for c in CSV_COLUMNS]


@bp.get("/results.json")
def as_json():
    """Download the filtered results as JSON."""
    filters, ids = read_filters()
    return jsonify(results=[full_json(r) for r in download(db.session(), filters, ids)])


def full_json(result: SamplingResult) -> dict:
    """Return every published field of a result, with its permalink."""
    body = result_json(result)
    body.update({name: getattr(result, name) for name in (
        "enterprise_name", "enterprise_address", "sampled_unit", "sampled_unit_address",
        "province", "product_name", "specification", "trademark", "production_date_or_lot",
        "category", "task_source", "note", "source_url")})
    body["permalink"] = url_for("results.detail", result_id=result.id, _external=True)
    return body


@bp.get("/results/feed.atom")
def feed():
    """Atom feed of the newest results (filters apply)."""
    filters, ids = read_filters()
    results = download(db.session(), filters, ids)[:50]
    updated = max((r.updated_at for r in results), default=datetime(2026, 1, 1, tzinfo=UTC))
    xml = render_template("results/feed.atom", results=results, filters=filters,
                          updated=updated)
    return Response(xml, mimetype="application/atom+xml")


@api.get("/results")
def api_results():
    """Paged JSON API with the same filters as the pages."""
    filters, ids = read_filters()
    page = page_of(db.session(), filters, ids, size=100)
    links = {"self": url_for("results_api.api_results", **filters.as_args(page=page.page))}
    if page.page < page.pages:
        links["next"] = url_for("results_api.api_results", **filters.as_args(page=page.page + 1))
    response = jsonify(total=page.total, page=page.page, pages=page.pages, links=links,
                       results=[full_json(r) for r in page.results])
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


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
    """Format a time for Atom; naive times from SQLite are UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
