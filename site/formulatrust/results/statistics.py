"""Statistics of sampling results: charts with their numbers in tables, as CSV and JSON too."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_babel import force_locale, format_decimal, format_percent, gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from formulatrust.core import charts, db
from formulatrust.core.bilingual import Pair, term
from formulatrust.core.i18n import current_language
from formulatrust.open_data.downloads import csv_response
from formulatrust.results import display
from formulatrust.results.query import FilterError
from formulatrust.results.stats import (
    FIRST_YEAR,
    LAST_YEAR,
    Group,
    Statistics,
    StatsFilters,
    enterprise_choices,
    statistics,
    year_choices,
)

bp = Blueprint("statistics", __name__)
FORMATS = ("html", "csv", "json")
FIELDS = {"enterprise": _l("Enterprise"), "from_year": _l("From year"),
          "to_year": _l("To year"), "format": _l("Format")}
MESSAGES = {
    "too_long": _l("Use at most 100 characters in “%(field)s”."),
    "year": _l("“%(field)s” must be a year from %(first)s to %(last)s, such as 2024."),
    "order": _l("“To year” must not be before “From year”."),
    "choice": _l("“%(field)s” has a value this page does not offer."),
}
CSV_COLUMNS = ("section", "key", "results", "compliant", "not_compliant",
               "compliance_rate_percent", "share_of_non_compliant_percent")


def message(error: FilterError) -> str:
    """Return what was wrong, in the active language."""
    return str(MESSAGES[error.code]) % {"field": FIELDS[error.field], "first": FIRST_YEAR,
                                         "last": LAST_YEAR}


@bp.get("/results/statistics")
def index():
    """Compliance by year, frequent failed items and stages: charts, tables, CSV or JSON."""
    session = db.session()
    wanted = request.args.get("format") or "html"
    try:
        if wanted not in FORMATS:
            raise FilterError("format", "choice")
        filters = StatsFilters.from_args(request.args)
    except FilterError as error:
        return bad_filter(error, wanted)
    stats = statistics(session, filters)
    if wanted == "csv":
        return csv_response(CSV_COLUMNS, csv_rows(stats), "sampling-statistics.csv")
    if wanted == "json":
        response = jsonify(as_json(filters, stats))
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    return render_template("statistics/index.html", filters=filters, stats=stats,
                           charts=draw(stats), **choices(filters), **HELPERS)


def choices(filters: StatsFilters) -> dict[str, object]:
    """Return the options of the filter form, labelled in the reader's language, and the
    label of the chosen enterprise."""
    session = db.session()
    names = enterprise_choices(session, filters.enterprise)
    english = (display.enterprise_english_names(session, names)
               if current_language() == "en" else {})

    def label(name: str) -> str:
        return display.plain_name(Pair(name, english.get(name, "")))

    return {"enterprises": [(name, label(name)) for name in names],
            "enterprise_label": label(filters.enterprise),
            "years": year_choices(session)}


def bad_filter(error: FilterError, wanted: str):
    """Answer 400 saying what was wrong: JSON in both languages, or the page with its message."""
    if wanted == "json" or request.accept_mimetypes.best == "application/json":
        messages = {}
        for lang in ("zh", "en"):
            with force_locale(lang):
                messages[lang] = message(error)
        return jsonify(error={"status": 400, "parameter": error.field,
                              "message": message(error), "messages": messages}), 400
    filters = StatsFilters()
    return render_template("statistics/index.html", filters=filters, stats=None, charts={},
                           error=message(error), **choices(filters), **HELPERS), 400


def rate(value: float | None) -> str:
    """Format a percentage with one decimal, in the reader's locale."""
    return "—" if value is None else format_percent(value / 100, "#,##0.0%")


def number(value: int | float) -> str:
    """Format a count in the reader's locale."""
    return format_decimal(value, "#,##0")


def stage_label(group: Group) -> str:
    """Name a stage group for readers."""
    if group.key is None:
        return gettext("Stage not known")
    return gettext("Stage %(stage)s", stage=group.key)


def item_label(item: str) -> str:
    """Name a failed item in plain text (a chart label): in the reader's language when the
    vocabulary knows it, else as published."""
    pair = term(item, "test_items")
    return pair.in_language(current_language()) or pair.zh


def draw(stats: Statistics) -> dict[str, Markup]:
    """Draw the page's charts, with titles and descriptions in the reader's language."""
    drawn = {}
    if stats.years:
        low = min(stats.years, key=lambda g: (g.compliance_rate, g.key))
        high = max(stats.years, key=lambda g: (g.compliance_rate, -(g.key or 0)))  # years
        description = gettext(
            "Share of sampling results that were compliant, by year of announcement, "
            "from %(first)s to %(last)s. Lowest: %(low)s in %(low_year)s; highest: %(high)s "
            "in %(high_year)s. The table gives every number.",
            first=stats.years[0].key, last=stats.years[-1].key, low=rate(low.compliance_rate),
            low_year=low.key, high=rate(high.compliance_rate), high_year=high.key)
        drawn["years"] = charts.column_chart(
            [(str(g.key), g.compliance_rate) for g in stats.years],
            title=gettext("Compliance rate by year"), description=description,
            value_label=rate, max_value=100, chart_id="chart-years")
    if stats.items:
        first = stats.items[0]
        description = gettext(
            "Number of non-compliant results failing on each item, most frequent first. "
            "The most frequent is %(item)s, in %(count)s results. The table gives every number.",
            item=item_label(first.item), count=number(first.results))
        drawn["items"] = charts.bar_chart(
            [(item_label(i.item), i.results) for i in stats.items],
            title=gettext("Most frequent failed items"), description=description,
            value_label=number, chart_id="chart-items")
    if stats.has_stages and stats.not_compliant:
        description = gettext(
            "Number of non-compliant results for each product stage. The table also gives "
            "how many results each stage had and the share that were not compliant.")
        drawn["stages"] = charts.bar_chart(
            [(stage_label(g), g.not_compliant) for g in stats.stages],
            title=gettext("Non-compliant results by stage"), description=description,
            value_label=number, chart_id="chart-stages")
    # The chart module escapes every text it writes.
    return {name: Markup(svg) for name, svg in drawn.items()}


def csv_rows(stats: Statistics) -> list[list[object]]:
    """Return the numbers as rows of CSV_COLUMNS: the total, then each year, item and stage."""
    def group_row(section: str, key: object, group: Group) -> list[object]:
        return [section, "" if key is None else key, group.results, group.compliant,
                group.not_compliant, _blank(group.compliance_rate), ""]

    rows = [group_row("total", None, Group(None, stats.results,
                                           stats.results - stats.not_compliant))]
    rows += [group_row("year", g.key, g) for g in stats.years]
    rows += [["failed_item", i.item, "", "", i.results, "", i.share] for i in stats.items]
    rows += [group_row("stage", g.key, g) for g in stats.stages]
    return rows


def _blank(value: float | None) -> object:
    return "" if value is None else value


def as_json(filters: StatsFilters, stats: Statistics) -> dict:
    """Return the numbers as one JSON object."""
    def group_json(name: str, group: Group) -> dict:
        return {name: group.key, "results": group.results, "compliant": group.compliant,
                "not_compliant": group.not_compliant,
                "compliance_rate_percent": group.compliance_rate}

    total = group_json("key", Group(None, stats.results, stats.results - stats.not_compliant))
    del total["key"]
    return {
        "filters": {"enterprise": filters.enterprise or None, "from_year": filters.from_year,
                    "to_year": filters.to_year},
        "total": total | {"without_announcement_date": stats.undated},
        "years": [group_json("year", g) for g in stats.years],
        "failed_items": [{"item": i.item, "not_compliant_results": i.results,
                          "share_of_non_compliant_percent": i.share} for i in stats.items],
        "stages": [group_json("stage", g) for g in stats.stages],
    }


def summary(stats: Statistics) -> str:
    """Say how many results the statistics cover and how many were not compliant."""
    return ngettext("%(count)s sampling result, %(bad)s of them not compliant.",
                    "%(count)s sampling results, %(bad)s of them not compliant.",
                    stats.results, count=number(stats.results), bad=number(stats.not_compliant))


HELPERS = {"rate": rate, "number": number, "stage_label": stage_label, "summary": summary}
