"""A bulletin as readers see it: its text in their language (or the Chinese fallback) and its
statistics tables with their charts."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from formulatrust.core import charts
from formulatrust.core.bilingual import Pair, term
from formulatrust.core.i18n import current_language
from formulatrust.industry.embed import render_with_statistics
from formulatrust.publishing.bulletins.models import Bulletin, BulletinRevision


@dataclass(frozen=True)
class ShownTable:
    """A statistics table ready for the page: caption, headings, formatted rows, charts."""

    caption: str
    period: Pair
    series: list[Pair]
    rows: list[tuple[Pair, list[str]]]
    charts: list[Markup]


@dataclass(frozen=True)
class Shown:
    """A bulletin (or an earlier version) in the reader's language, or the Chinese fallback."""

    lang: str
    is_fallback: bool
    organisation: str
    title: str
    summary: str
    html: Markup
    tables: list[ShownTable]


def number_text(value: float | None) -> str:
    """Format a figure for the reader's language."""
    return format_decimal(value) if value is not None else "—"


def headline(record: Bulletin | BulletinRevision, lang: str | None = None) -> Shown:
    """Return ``record``'s title, summary and organisation only, for lists and feeds."""
    return present(record, lang, full=False)


def present(record: Bulletin | BulletinRevision, lang: str | None = None, chart_prefix: str = "b",
            full: bool = True) -> Shown:
    """Return ``record``'s text in ``lang`` (the reader's by default), falling back to Chinese."""
    wanted = lang or current_language()
    use = "en" if wanted == "en" and record.title_en else "zh"
    other = "zh" if use == "en" else "en"

    def pick(name: str) -> str:
        return getattr(record, f"{name}_{use}") or getattr(record, f"{name}_{other}")

    return Shown(lang=use, is_fallback=use != wanted, organisation=pick("organisation"),
                 title=pick("title"), summary=pick("summary"),
                 html=render_with_statistics(getattr(record, f"body_{use}")) if full
                 else Markup(""),
                 tables=[shown_table(table, use, f"{chart_prefix}-{use}-{number}")
                         for number, table in enumerate(record.statistics or [], 1)]
                 if full else [])


def heading(raw: str, kind: str = "phrases") -> Pair:
    """Return a table heading as written, with its English from the vocabulary when known."""
    return Pair(raw, term(raw, kind).en)


def in_language(pair: Pair, lang: str, label: bool = True) -> str:
    """Return ``pair`` in ``lang`` (a ``label`` starts with a capital), else the Chinese."""
    text = pair.in_language(lang) or pair.zh
    return text[:1].upper() + text[1:] if label else text


def shown_table(table: dict, lang: str, ident: str) -> ShownTable:
    """Prepare a stored table and draw its charts; headings in ``lang`` where known."""
    caption = (table.get("title_en") if lang == "en" else "") or table.get("title_zh", "")
    period_pairs = [heading(row["period"], "stages") for row in table["rows"]]
    series_pairs = [heading(name) for name in table["series"]]
    period_heading = heading(table["period"])
    periods = [in_language(pair, lang) for pair in period_pairs]
    series = [in_language(pair, lang) for pair in series_pairs]
    values = [[row["values"][index] for row in table["rows"]] for index in range(len(series))]
    span = {"period": in_language(period_heading, lang, label=False), "first": periods[0],
            "last": periods[-1]}
    drawn: list[Markup] = []
    if table.get("chart") == "column":
        for index, name in enumerate(series):
            drawn.append(Markup(charts.column_chart(
                list(zip(periods, values[index], strict=True)), title=f"{caption}: {name}",
                description=_("Column chart of %(series)s for each %(period)s, %(first)s to "
                              "%(last)s. The same figures are in the table.",
                              series=in_language(series_pairs[index], lang, label=False),
                              **span),
                value_label=number_text, chart_id=f"chart-{ident}-{index}")))
    else:
        drawn.append(Markup(charts.line_chart(
            list(zip(series, values, strict=True)), periods, title=caption,
            description=_("Line chart of %(series)s by %(period)s, %(first)s to %(last)s. The "
                          "same figures are in the table.", series=", ".join(
                in_language(pair, lang, label=False) for pair in series_pairs), **span),
            value_label=number_text, chart_id=f"chart-{ident}")))
    rows = [(pair, [number_text(value) for value in row["values"]])
            for pair, row in zip(period_pairs, table["rows"], strict=True)]
    return ShownTable(caption=caption, period=period_heading, series=series_pairs, rows=rows,
                      charts=drawn)
