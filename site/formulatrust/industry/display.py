"""How industry figures are shown: labels, numbers in the reader's locale, charts."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from formulatrust.core import charts
from formulatrust.core.i18n import current_language
from formulatrust.industry import query
from formulatrust.industry.query import Group

MEASURE_LABELS = {"production_volume": _l("Production volume (tonnes)"),
                  "sales_volume": _l("Sales volume (tonnes)"),
                  "sales_value": _l("Sales value (yuan)")}
KIND_LABELS = {"month": _l("monthly"), "quarter": _l("quarterly")}


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
        series=("、" if current_language() == "zh" else ", ").join(name for name, _v in lines))
    # The chart module escapes every text it writes.
    return Markup(charts.line_chart(lines, group.periods, title=group_title(group),
                                    description=description,
                                    value_label=lambda v: format_decimal(v, "#,##0.#"),
                                    chart_id=ident))


HELPERS = {"value_text": value_text, "series_name": series_name, "group_title": group_title,
           "measure_label": measure_label, "pick": pick, "series_key": query.series_key}
