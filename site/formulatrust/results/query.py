"""Filtering, faceting and paging sampling results (used by the pages, downloads and API)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from formulatrust.core.paging import Page, page_count
from formulatrust.enterprises.models import Product
from formulatrust.results.models import FailedItem, SamplingResult

PAGE_SIZE = 25
MAX_DOWNLOAD = 10_000
CHUNK = 500  # results read from the database at once by downloads
MAX_TEXT = 100
TEXT_FILTERS = {"enterprise": SamplingResult.enterprise_name,
                "category": SamplingResult.category, "province": SamplingResult.province,
                "lab": SamplingResult.lab}
# The facets of the page, in the order shown.
FACETS = ("year", "compliant", "enterprise", "category", "item", "province", "lab")
# Searched by the plain-text fallback used while the search index cannot answer.
TEXT_COLUMNS = (SamplingResult.product_name, SamplingResult.enterprise_name,
                SamplingResult.trademark, SamplingResult.sampled_unit, SamplingResult.province,
                SamplingResult.lab, SamplingResult.announcement_no, SamplingResult.task_source,
                SamplingResult.lot, SamplingResult.sample_no, SamplingResult.category)


def with_names() -> tuple[ORMOption, ...]:
    """What a list of results shows besides the row: its failed items and the English names of
    what it links to, each loaded in one query for the whole page. (Built when asked for: at
    import time the mappers may not all be known yet.)"""
    return (selectinload(SamplingResult.failed_items),
            selectinload(SamplingResult.product).selectinload(Product.brand),
            selectinload(SamplingResult.enterprise))


class FilterError(ValueError):
    """A filter value that cannot be used; ``field`` names the parameter."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field, self.code = field, code


# Undated results last on every database (PostgreSQL would put them first).
NEWEST_FIRST = (SamplingResult.announced_on.desc().nulls_last(), SamplingResult.id.desc())


NARROWING_FILTERS = ("year", "compliant", "enterprise", "category", "item", "province", "lab")


@dataclass(frozen=True)
class Filters:
    """What the reader asked for, validated."""

    q: str = ""
    year: int | None = None
    compliant: bool | None = None
    enterprise: str = ""
    category: str = ""
    item: str = ""
    province: str = ""
    lab: str = ""
    sort: str = "date"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read and validate query parameters; raise FilterError naming the bad one."""
        values: dict[str, Any] = {}
        for name in ("q", "enterprise", "category", "item", "province", "lab"):
            sent = args.get(name) or ""
            if len(sent) > MAX_TEXT:  # as sent, so the limit is the one the API documents
                raise FilterError(name, "too_long")
            values[name] = sent.strip()
        values["year"] = _int(args, "year", 1990, 2100)
        try:
            values["page"] = _int(args, "page", 1, 100_000) or 1
        except FilterError:
            raise FilterError("page", "page") from None
        compliant = args.get("compliant") or ""
        if compliant not in ("", "yes", "no"):
            raise FilterError("compliant", "choice")
        values["compliant"] = {"yes": True, "no": False}.get(compliant)
        sort = args.get("sort") or ("relevance" if values["q"] else "date")
        if sort not in ("date", "relevance"):
            raise FilterError("sort", "choice")
        values["sort"] = sort
        return cls(**values)

    @property
    def active_count(self) -> int:
        """How many filters narrow the list (the search words and the order do not count)."""
        return sum(getattr(self, name) not in (None, "") for name in NARROWING_FILTERS)

    def as_args(self, **changes: object) -> dict[str, str]:
        """Return the filters as URL parameters, without defaults, with ``changes`` applied."""
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes
        if values["compliant"] is not None:
            values["compliant"] = "yes" if values["compliant"] else "no"
        if values["sort"] == ("relevance" if values["q"] else "date"):
            values["sort"] = None
        if values["page"] == 1:
            values["page"] = None
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _int(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    # isdigit() admits "²"; int() refuses numbers of thousands of digits
    if not text.isdecimal() or len(text) > len(str(high)) or not low <= int(text) <= high:
        raise FilterError(name, "number")
    return int(text)


def conditions(filters: Filters, matching_ids: list[int] | None) -> list[ColumnElement]:
    """Return the SQL conditions for ``filters`` and the full-text matches (``None`` with a
    query: the index cannot answer, so every word of it must appear in some text column)."""
    where: list[ColumnElement] = []
    if matching_ids is not None:
        where.append(SamplingResult.id.in_(matching_ids))
    elif filters.q:
        where.append(plain_text_match(filters.q))
    if filters.year:
        where.append(SamplingResult.announced_on.between(date(filters.year, 1, 1),
                                                         date(filters.year, 12, 31)))
    if filters.compliant is not None:
        where.append(SamplingResult.compliant.is_(filters.compliant))
    for name, column in TEXT_FILTERS.items():
        if getattr(filters, name):
            where.append(column == getattr(filters, name))
    if filters.item:
        where.append(SamplingResult.failed_items.any(FailedItem.item == filters.item))
    return where


def plain_text_match(text: str) -> ColumnElement:
    """Return a condition keeping results that contain every word of ``text``."""
    def contains(word: str) -> ColumnElement:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return or_(*(column.ilike(pattern, escape="\\") for column in TEXT_COLUMNS))

    return and_(*(contains(word) for word in text.split()))


def page_of(session: Session, filters: Filters, matching_ids: list[int] | None,
            size: int = PAGE_SIZE) -> Page[SamplingResult]:
    """Return the requested page, by date or by relevance (the order of ``matching_ids``)."""
    where = conditions(filters, matching_ids)
    total = count_matching(session, filters, matching_ids)
    pages = page_count(total, size)
    page = min(filters.page, pages)
    query = select(SamplingResult).where(*where).options(*with_names())
    if filters.sort == "relevance" and matching_ids is not None:
        kept = set(session.scalars(select(SamplingResult.id).where(*where)))
        wanted = [i for i in matching_ids if i in kept][(page - 1) * size:page * size]
        found = {r.id: r for r in session.scalars(
            query.where(SamplingResult.id.in_(wanted)))}
        results = [found[i] for i in wanted if i in found]
    else:
        results = list(session.scalars(
            query.order_by(*NEWEST_FIRST).offset((page - 1) * size).limit(size)))
    return Page(items=results, total=total, page=page, pages=pages)


def count_matching(session: Session, filters: Filters, matching_ids: list[int] | None) -> int:
    """How many results the filters (and full-text matches) keep."""
    where = conditions(filters, matching_ids)
    return session.scalar(select(func.count(SamplingResult.id)).where(*where)) or 0


COUNTED = FACETS


def facets(session: Session, filters: Filters, matching_ids: list[int] | None,
           limit: int = 25) -> dict[str, list[tuple[object, int]]]:
    """Count the filtered results by year, compliance, enterprise, stage, item, province, lab."""
    return {name: count_by(session, filters, matching_ids, name, limit) for name in COUNTED}


def count_by(session: Session, filters: Filters, matching_ids: list[int] | None, name: str,
             limit: int = 25) -> list[tuple[object, int]]:
    """Count the filtered results per value of ``name`` (one of ``COUNTED``), most first (the
    newest first for years); each failed item of a result counts once."""
    where = conditions(filters, matching_ids)
    if name == "item":
        # Results, not items: a result failing one item twice counts once, as its filter finds it.
        count = func.count(FailedItem.result_id.distinct())
        return [(row[0], row[1]) for row in session.execute(
            select(FailedItem.item, count).join(SamplingResult)
            .where(*where, FailedItem.item != "")
            .group_by(FailedItem.item).order_by(count.desc(), FailedItem.item).limit(limit))]
    year = extract("year", SamplingResult.announced_on)
    column = {"year": year, "compliant": SamplingResult.compliant, **TEXT_FILTERS}[name]
    count = func.count(SamplingResult.id)
    order = column.desc() if name == "year" else count.desc()
    present = [column.is_not(None)] + ([column != ""] if name in TEXT_FILTERS else [])
    return [(row[0], row[1]) for row in session.execute(
        select(column, count).where(*where, *present)
        .group_by(column).order_by(order, column).limit(limit))]


def download(session: Session, filters: Filters,
             matching_ids: list[int] | None) -> list[SamplingResult]:
    """Return every filtered result (up to MAX_DOWNLOAD), newest first."""
    return list(stream(session, filters, matching_ids))


def stream(session: Session, filters: Filters, matching_ids: list[int] | None,
           limit: int | None = MAX_DOWNLOAD) -> Iterator[SamplingResult]:
    """Yield the filtered results (up to ``limit``), newest first, read ``CHUNK`` at a time,
    so a download never holds every result in memory."""
    query = (select(SamplingResult).where(*conditions(filters, matching_ids))
             .options(selectinload(SamplingResult.failed_items))
             .order_by(*NEWEST_FIRST)
             .execution_options(yield_per=CHUNK))
    yield from session.scalars(query if limit is None else query.limit(limit))
