"""Industry statistics for readers: charts beside tables, filters, CSV and JSON downloads, a
figure's versions, the Atom feed and the API."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from formulatrust.core import charts, db
from formulatrust.core.config import site_origin
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import atom_feed, current_language
from formulatrust.domain.industry_figures import MEASURES, template_csv
from formulatrust.industry import query, services
from formulatrust.industry.dataset import INDUSTRY_STATISTICS
from formulatrust.industry.query import BadFilter, Filters, Group
from formulatrust.open_data import downloads
from formulatrust.results.views import atom_response

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
MEASURE_LABELS = {"production_volume": _l("Production volume (tonnes)"),
                  "sales_volume": _l("Sales volume (tonnes)"),
                  "sales_value": _l("Sales value (yuan)")}
KIND_LABELS = {"month": _l("monthly"), "quarter": _l("quarterly")}


def filter_message(error: BadFilter) -> str:
    """Say what is wrong with a filter, in the active language."""
    return str(FILTER_MESSAGES[error.code]) % {"field": FILTER_LABELS[error.name]}


def value_text(value: str | None) -> str:
    """Format a stored value for the reader."""
    return "—" if value is None else format_decimal(Decimal(value), "#,##0.###")


def pick(zh: str, en: str) -> str:
    """The reader's language where it is given, else the Chinese (charts are plain text)."""
    return en if current_language() == "en" and en else zh


def series_name(series: query.Series) -> str:
    """Name a series for a chart's legend: category and stage."""
    figure = series.figure
    stage = pick(figure.stage_zh, figure.stage_en) or gettext("all stages")
    return f"{pick(figure.category_zh, figure.category_en)} · {stage}"


def measure_label(measure: str) -> str:
    return str(MEASURE_LABELS[measure])


def group_title(group: Group) -> str:
    return f"{measure_label(group.measure)} · {KIND_LABELS[group.kind]}"


def draw(group: Group, ident: str) -> Markup:
    """Draw a group's series as lines over its periods (the table beside gives the numbers)."""
    lines = [(series_name(s), [float(s.values[p].value) if p in s.values else None
                               for p in group.periods]) for s in group.series]
    description = gettext(
        "Line chart of %(measure)s from %(first)s to %(last)s, one line for each of: "
        "%(series)s. The table beside it gives every figure.",
        measure=measure_label(group.measure), first=group.periods[0], last=group.periods[-1],
        series=", ".join(name for name, _values in lines))
    # The chart module escapes every text it writes.
    return Markup(charts.line_chart(lines, short_periods(group.periods), title=group_title(group),
                                    description=description,
                                    value_label=lambda v: format_decimal(v, "#,##0.#"),
                                    chart_id=ident))


def short_periods(periods: list[str]) -> list[str]:
    """Label periods briefly on a chart: the year only where it changes."""
    labels, year = [], ""
    for period in periods:
        labels.append(period if period[:4] != year else period[5:])
        year = period[:4]
    return labels


def read_filters() -> Filters | Response:
    try:
        return Filters.from_args(downloads.clean_args(request.args))
    except BadFilter as error:
        message = downloads.lazy(lambda error=error: filter_message(error))
        if downloads.data_requested():
            return downloads.api_error(400, message, parameter=error.name)
        return render_error(400, message)


HELPERS = {"value_text": value_text, "series_name": series_name, "group_title": group_title,
           "measure_label": measure_label, "pick": pick, "series_key": query.series_key}


@bp.get("/industry-statistics")
def index():
    """Every published figure: a chart beside a table for each measure, filters, downloads."""
    fmt = downloads.requested_format()
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
    if not number.isdecimal() or not 1 <= int(number) <= downloads.MAX_PAGE:
        return downloads.api_error(400, downloads.lazy(downloads.page_message), parameter="page")
    session = db.session()
    total = session.scalar(query.count_query(filters)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
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
