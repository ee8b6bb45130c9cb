"""Industry statistics for readers: charts beside tables, filters, CSV and JSON downloads, a
figure's versions, the Atom feed and the API."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.config import site_origin
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import atom_feed
from formulatrust.core.paging import page_count, page_number
from formulatrust.domain.industry_figures import MEASURES, template_csv
from formulatrust.industry import query, services
from formulatrust.industry.display import HELPERS, draw, pick
from formulatrust.industry.query import BadFilter, Filters
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import atom_response
from formulatrust.open_data.fields import INDUSTRY_STATISTICS

bp = Blueprint("industry", __name__)
api = downloads.open_api_blueprint(Blueprint("industry_api", __name__, url_prefix="/api/v1"))
PAGE_SIZE = 100
FILTER_LABELS = {"measure": _l("Measure"), "series": _l("Series"), "from": _l("From period"),
                 "to": _l("To period"), "page": _l("Page")}
FILTER_MESSAGES = {
    "too_long": _l("Use at most 300 characters in “%(field)s”."),
    "choice": _l("“%(field)s” has a value this page does not offer."),
    "period": _l("“%(field)s” must be a month such as 2026-03 or a quarter such as 2026-Q1."),
}


def filter_message(error: BadFilter) -> str:
    """Say what is wrong with a filter, in the active language."""
    return str(FILTER_MESSAGES[error.code]) % {"field": FILTER_LABELS[error.name]}


def read_filters() -> Filters | Response:
    try:
        return Filters.from_args(downloads.clean_args(request.args))
    except BadFilter as error:
        message = downloads.lazy(partial(filter_message, error))
        if downloads.data_requested():
            return downloads.api_error(400, message, parameter=error.name)
        return render_error(400, message)


@bp.get("/industry-statistics")
def index():
    """Every published figure: a chart beside a table for each measure, filters, downloads."""
    fmt = downloads.one_page_format()
    filters = read_filters()
    if isinstance(filters, Response):
        return filters
    session = db.session()
    found = query.figures(session, filters)
    if fmt == "csv":
        return downloads.csv_response(
            INDUSTRY_STATISTICS.columns,
            (INDUSTRY_STATISTICS.row(query.figure_json(f)) for f in found),
            "industry-statistics.csv")
    if fmt == "json":
        return downloads.json_response({"filters": filters.as_args(),
                                        "figures": [query.figure_json(f) for f in found],
                                        "licence": downloads.licence_url()})
    groups = query.groups(found)
    drawn = [draw(group, f"chart-industry-{number}") for number, group in enumerate(groups, 1)]
    return render_template("industry/index.html", filters=filters, groups=groups, charts=drawn,
                           choices=query.series_choices(session), measures=MEASURES,
                           args=filters.as_args(), **HELPERS)


@bp.get("/industry-statistics/figures/<int:figure_id>")
def figure(figure_id: int):
    """One figure with every value it had, newest first."""
    found = services.figure_with_versions(db.session(), figure_id)
    if found is None:
        abort(404)
    return render_template("industry/figure.html", figure=found,
                           versions=list(reversed(found.versions)), **HELPERS)


@bp.get("/industry-statistics/template.csv")
def template():
    """An empty figures file with one example row, for publishers."""
    return Response(downloads.BOM + template_csv(), mimetype="text/csv",
                    headers=downloads.attachment("industry-statistics-template.csv"))


@bp.get("/industry-statistics/feed.atom")
@atom_feed
def feed():
    """Each release of figures, newest first, as Atom."""
    releases = services.latest_releases(db.session())
    return atom_response("industry/feed.atom", releases=releases,
                         self_href=url_for("industry.feed", _external=True),
                         page_href=url_for("industry.index", _external=True),
                         site_origin=site_origin(current_app.config),
                         fallback_updated=datetime(2026, 1, 1, tzinfo=UTC), pick=pick)


@api.get("/industry-statistics")
def api_figures():
    """The figures, filtered like the page, 100 a page."""
    filters = read_filters()
    if isinstance(filters, Response):
        return filters
    number = request.args.get("page") or "1"
    if page_number(number) is None:
        return downloads.api_error(400, downloads.lazy(downloads.page_message), parameter="page")
    session = db.session()
    total = session.scalar(query.count_query(filters)) or 0
    pages = page_count(total, PAGE_SIZE)
    page = min(int(number), pages)
    found = session.scalars(query.figures_query(filters).offset((page - 1) * PAGE_SIZE)
                            .limit(PAGE_SIZE))
    return downloads.json_response({
        "total": total, "page": page, "pages": pages,
        "links": downloads.page_links("industry_api.api_figures", page, pages,
                                      lambda n: {**filters.as_args(),
                                                 **({"page": str(n)} if n > 1 else {})}),
        "licence": downloads.licence_url(),
        "figures": [query.figure_json(f) for f in found]})
