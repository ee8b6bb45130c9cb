"""Reading published figures: filters, series and the tables the page, the downloads, the API,
the feed and embedded bulletin tables all show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from flask import url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from formulatrust.core.clock import rfc3339
from formulatrust.domain.industry_figures import MEASURES, normalise_period, period_kind
from formulatrust.industry.models import IndustryFigure
from formulatrust.publishing.models import Organisation

FILTER_NAMES = ("measure", "series", "from", "to")
MAX_FILTER = 300


class BadFilter(ValueError):
    """A filter the page cannot use: ``name`` is the parameter, ``code`` what is wrong."""

    def __init__(self, name: str, code: str) -> None:
        super().__init__(f"{name}: {code}")
        self.name, self.code = name, code


@dataclass(frozen=True)
class Filters:
    """What the reader asked for: a measure, one series, a span of periods."""

    measure: str = ""
    series: str = ""
    first: str = ""
    last: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read and check the query parameters; BadFilter names the first wrong one."""
        texts = {name: (args.get(name) or "").strip() for name in FILTER_NAMES}
        for name, text in texts.items():
            if len(text) > MAX_FILTER:
                raise BadFilter(name, "too_long")
        if texts["measure"] and texts["measure"] not in MEASURES:
            raise BadFilter("measure", "choice")
        if texts["series"] and texts["series"].count("|") != 3:
            raise BadFilter("series", "choice")
        periods: dict[str, str | None] = {}
        for name in ("from", "to"):
            periods[name] = normalise_period(texts[name]) if texts[name] else ""
            if periods[name] is None:
                raise BadFilter(name, "period")
        return cls(texts["measure"], texts["series"], periods["from"] or "", periods["to"] or "")

    def as_args(self) -> dict[str, str]:
        """Return the filters as query parameters (only those set)."""
        pairs = {"measure": self.measure, "series": self.series, "from": self.first,
                 "to": self.last}
        return {name: value for name, value in pairs.items() if value}

    def embed_code(self) -> str:
        """Return the line that embeds this selection's table in a bulletin."""
        query = "&".join(f"{name}={value}" for name, value in self.as_args().items())
        return f"[[industry-statistics{'?' + query if query else ''}]]"


def series_key(figure: IndustryFigure) -> str:
    """Name a series in URLs: organisation, measure, category and stage."""
    return "|".join((figure.organisation.slug, figure.measure, figure.category_zh,
                     figure.stage_zh))


def figures_query(filters: Filters) -> Select:
    """Select the figures the filters allow, in a stable order."""
    return (filtered(filters).options(joinedload(IndustryFigure.organisation))
            .order_by(IndustryFigure.measure, Organisation.slug, IndustryFigure.category_zh,
                      IndustryFigure.stage_zh, IndustryFigure.period, IndustryFigure.id))


def filtered(filters: Filters) -> Select:
    """Select the figures the filters allow, unordered."""
    query = select(IndustryFigure).join(Organisation)
    if filters.measure:
        query = query.where(IndustryFigure.measure == filters.measure)
    if filters.series:
        slug, measure, category, stage = filters.series.split("|")
        query = query.where(Organisation.slug == slug, IndustryFigure.measure == measure,
                            IndustryFigure.category_zh == category,
                            IndustryFigure.stage_zh == stage)
    if filters.first:
        query = query.where(IndustryFigure.period >= filters.first)
    if filters.last:
        query = query.where(IndustryFigure.period <= filters.last)
    return query


def figures(session: Session, filters: Filters) -> list[IndustryFigure]:
    """Return the figures the filters allow."""
    return list(session.scalars(figures_query(filters)))


def number(value: str) -> int | float:
    """Return a stored value as a JSON number."""
    exact = Decimal(value)
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def figure_json(figure: IndustryFigure) -> dict:
    """Return one figure as the API, the JSON download and the data file give it."""
    organisation = figure.organisation
    measure_zh, measure_en, _unit = MEASURES[figure.measure]
    return {"id": figure.id, "organisation_slug": organisation.slug,
            "organisation_zh": organisation.name_zh, "organisation_en": organisation.name_en,
            "period": figure.period, "period_kind": period_kind(figure.period),
            "category_zh": figure.category_zh, "category_en": figure.category_en,
            "stage_zh": figure.stage_zh, "stage_en": figure.stage_en,
            "measure": figure.measure, "measure_zh": measure_zh, "measure_en": measure_en,
            "unit": figure.unit, "value": number(figure.value),
            "source_zh": figure.source_zh, "source_en": figure.source_en,
            "version": figure.version, "updated_at": rfc3339(figure.updated_at),
            "permalink": url_for("industry.figure", figure_id=figure.id, _external=True)}


@dataclass
class Series:
    """One line of a chart and one column of a table."""

    key: str
    figure: IndustryFigure  # any of its figures, for the names
    values: dict[str, IndustryFigure] = field(default_factory=dict)


@dataclass
class Group:
    """Figures of one measure and one kind of period, as a chart and a table."""

    measure: str
    kind: str
    periods: list[str]
    series: list[Series]

    @property
    def notes(self) -> list[tuple[str, str]]:
        """Return the distinct source notes (Chinese, English) of the group's figures."""
        seen = {(f.source_zh, f.source_en): None for s in self.series for f in s.values.values()}
        return list(seen)


def groups(found: list[IndustryFigure]) -> list[Group]:
    """Arrange figures by measure and kind of period, then by series."""
    by_group: dict[tuple[str, str], dict[str, Series]] = {}
    for figure in found:
        kind = period_kind(figure.period)
        series = by_group.setdefault((figure.measure, kind), {})
        key = series_key(figure)
        series.setdefault(key, Series(key, figure)).values[figure.period] = figure
    order = list(MEASURES)
    result = []
    for (measure, kind), series in sorted(by_group.items(),
                                          key=lambda item: (order.index(item[0][0]), item[0][1])):
        periods = sorted({period for s in series.values() for period in s.values})
        result.append(Group(measure, kind, periods, list(series.values())))
    return result


def series_choices(session: Session) -> list[IndustryFigure]:
    """Return one figure of every series, to name the choices of the series filter."""
    seen: dict[str, IndustryFigure] = {}
    for figure in session.scalars(figures_query(Filters())):
        seen.setdefault(series_key(figure), figure)
    order = list(MEASURES)
    return sorted(seen.values(), key=lambda figure: order.index(figure.measure))


def count_query(filters: Filters) -> Select:
    """Count the figures the filters allow."""
    return select(func.count()).select_from(filtered(filters).subquery())
