"""Statistics of sampling results: compliance by year, frequent failed items, results by stage.

Every number is counted by the database (GROUP BY), in SQL that SQLite and PostgreSQL share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, distinct, extract, func, select
from sqlalchemy.orm import Session

from formulatrust.enterprises.models import Product
from formulatrust.results.models import FailedItem, SamplingResult
from formulatrust.results.query import MAX_TEXT, FilterError

FIRST_YEAR, LAST_YEAR = 1990, 2100
TOP_ITEMS = 10


@dataclass(frozen=True)
class StatsFilters:
    """Which results the statistics cover: one enterprise (by name), a range of years."""

    enterprise: str = ""
    from_year: int | None = None
    to_year: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> StatsFilters:
        """Read and validate query parameters; raise FilterError naming the bad one."""
        enterprise = (args.get("enterprise") or "").strip()
        if len(enterprise) > MAX_TEXT:
            raise FilterError("enterprise", "too_long")
        from_year, to_year = _year(args, "from_year"), _year(args, "to_year")
        if from_year is not None and to_year is not None and from_year > to_year:
            raise FilterError("to_year", "order")
        return cls(enterprise=enterprise, from_year=from_year, to_year=to_year)

    def as_args(self) -> dict[str, str]:
        """Return the filters as URL parameters, leaving out those not set."""
        values = {"enterprise": self.enterprise, "from_year": self.from_year,
                  "to_year": self.to_year}
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def conditions(self) -> list[ColumnElement]:
        """Return the SQL conditions on SamplingResult."""
        where: list[ColumnElement] = []
        if self.enterprise:
            where.append(SamplingResult.enterprise_name == self.enterprise)
        if self.from_year:
            where.append(SamplingResult.announced_on >= date(self.from_year, 1, 1))
        if self.to_year:
            where.append(SamplingResult.announced_on <= date(self.to_year, 12, 31))
        return where


def _year(args: Mapping[str, str], name: str) -> int | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise FilterError(name, "year")
    return int(text)


@dataclass(frozen=True)
class Group:
    """Results in one group (a year, a stage): how many, and how many were compliant."""

    key: int | None
    results: int
    compliant: int

    @property
    def not_compliant(self) -> int:
        return self.results - self.compliant

    @property
    def compliance_rate(self) -> float | None:
        """Compliant results as a percentage, one decimal; None for an empty group."""
        return round(100 * self.compliant / self.results, 1) if self.results else None

    @property
    def non_compliance_rate(self) -> float | None:
        """Non-compliant results as a percentage, one decimal; None for an empty group."""
        return round(100 * self.not_compliant / self.results, 1) if self.results else None


@dataclass(frozen=True)
class ItemCount:
    """A failed test item and how many non-compliant results failed on it."""

    item: str
    results: int
    share: float  # of all non-compliant results, percent with one decimal


@dataclass(frozen=True)
class Statistics:
    """The numbers behind the statistics page, its CSV and its JSON."""

    results: int
    not_compliant: int
    undated: int  # results without an announcement date, not in ``years``
    years: list[Group]
    items: list[ItemCount]
    stages: list[Group]  # key None: results not linked to a product

    @property
    def has_stages(self) -> bool:
        """Tell whether any result is linked to a product, so stages are known."""
        return any(group.key is not None for group in self.stages)


def _compliant_count() -> ColumnElement[int]:
    return func.coalesce(func.sum(case((SamplingResult.compliant.is_(True), 1), else_=0)), 0)


def statistics(session: Session, filters: StatsFilters, top: int = TOP_ITEMS) -> Statistics:
    """Count the results that ``filters`` select, by year, by failed item and by stage."""
    where = filters.conditions()
    count = func.count(SamplingResult.id)
    undated = func.coalesce(func.sum(case((SamplingResult.announced_on.is_(None), 1),
                                          else_=0)), 0)
    total, compliant, without_date = session.execute(
        select(count, _compliant_count(), undated).where(*where)).one()
    not_compliant = int(total) - int(compliant)

    year = extract("year", SamplingResult.announced_on)
    years = [Group(int(key), int(n), int(ok)) for key, n, ok in session.execute(
        select(year, count, _compliant_count())
        .where(*where, SamplingResult.announced_on.is_not(None))
        .group_by(year).order_by(year))]

    failing = func.count(distinct(FailedItem.result_id))
    items = [ItemCount(item, int(n), round(100 * n / not_compliant, 1) if not_compliant else 0.0)
             for item, n in session.execute(
                 select(FailedItem.item, failing)
                 .join(SamplingResult, FailedItem.result_id == SamplingResult.id)
                 .where(*where, SamplingResult.compliant.is_(False))
                 .group_by(FailedItem.item).order_by(failing.desc(), FailedItem.item)
                 .limit(top))]

    stages = [Group(key, int(n), int(ok)) for key, n, ok in session.execute(
        select(Product.stage, count, _compliant_count())
        .select_from(SamplingResult)
        .outerjoin(Product, SamplingResult.product_id == Product.id)
        .where(*where).group_by(Product.stage))]
    # The databases sort NULL differently; results without a stage go last on both.
    stages.sort(key=lambda group: (group.key is None, group.key or 0))
    return Statistics(results=int(total), not_compliant=not_compliant,
                      undated=int(without_date), years=years, items=items, stages=stages)


def enterprise_choices(session: Session, current: str = "", limit: int = 200) -> list[str]:
    """Return the enterprise names with the most results (and ``current``), sorted by name."""
    count = func.count(SamplingResult.id)
    names = set(session.scalars(
        select(SamplingResult.enterprise_name).where(SamplingResult.enterprise_name != "")
        .group_by(SamplingResult.enterprise_name)
        .order_by(count.desc(), SamplingResult.enterprise_name).limit(limit)))
    return sorted(names | ({current} if current else set()))


def year_choices(session: Session) -> list[int]:
    """Return every year with a result, oldest first."""
    year = extract("year", SamplingResult.announced_on)
    return [int(y) for y in session.scalars(
        select(year).where(SamplingResult.announced_on.is_not(None))
        .group_by(year).order_by(year))]
