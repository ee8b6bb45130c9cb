"""Write parsed sampling results to the database: new rows, corrections kept with history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.domain.result_terms import FIELD_VOCABULARIES, unknown_in
from formulatrust.domain.results_import import ParsedFile, ResultRecord
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.results import review, terms
from formulatrust.results.models import ResultRevision, SamplingResult
from formulatrust.search.vocabularies import vocabulary

COPIED = ("sample_no", "enterprise_name", "enterprise_address", "sampled_unit",
          "sampled_unit_address", "province", "product_name", "specification", "trademark",
          "production_date_or_lot", "produced_on", "lot", "category", "announcement_no",
          "announced_on", "task_source", "lab", "note", "source_url", "shelf_life",
          "subcategory", "compliant")


@dataclass
class Summary:
    """What an import did."""

    created: list[SamplingResult] = field(default_factory=list)
    corrected: list[SamplingResult] = field(default_factory=list)
    unchanged: int = 0
    # Terms of the file that name no vocabulary entry, per field: stored as published and
    # listed so that a person can add them to the vocabulary.
    unknown_terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def changed(self) -> list[SamplingResult]:
        """Results whose search entry must be refreshed."""
        return self.created + self.corrected


def snapshot(result: SamplingResult | ResultRecord) -> dict:
    """Return a result's published fields as JSON-ready data, failed items included.

    Stored results and parsed records share the field names, so both compare this way; terms
    mapped to the vocabulary are compared (and kept in revisions) as they were published.
    """
    data = {name: _plain(_published(result, name)) for name in COPIED}
    data["failed_items"] = [[_published(f, "item"), f.measured, f.limit, f.label_requirement]
                            for f in result.failed_items]
    return data


def _published(thing: object, name: str) -> Any:
    return getattr(thing, f"{name}_raw", "") or getattr(thing, name)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _key(result: SamplingResult) -> str | tuple:
    if result.sample_no:
        return result.sample_no
    return (result.announcement_no, result.enterprise_name, result.product_name,
            result.production_date_or_lot, result.sampled_unit)


def _existing(session: Session, records: list[ResultRecord]) -> dict:
    samples = {r.sample_no for r in records if r.sample_no}
    announcements = {r.announcement_no for r in records if not r.sample_no}
    query = select(SamplingResult).options(selectinload(SamplingResult.failed_items))
    found = list(session.scalars(query.where(SamplingResult.sample_no.in_(samples)))) if samples \
        else []
    if announcements:
        found += session.scalars(query.where(SamplingResult.sample_no == "",
                                             SamplingResult.announcement_no.in_(announcements)))
    return {_key(result): result for result in found}


def all_results(session: Session) -> list[SamplingResult]:
    """Every stored result with its failed items."""
    return list(session.scalars(
        select(SamplingResult).options(selectinload(SamplingResult.failed_items))))


class Matcher:
    """Link results to enterprises and products on record by their published names."""

    def __init__(self, session: Session) -> None:
        self.enterprises = {e.name_zh: e for e in session.scalars(select(Enterprise))}
        self.products: dict[tuple[int | None, str], Product] = {
            (p.brand.enterprise_id, p.name_zh): p
            for p in session.scalars(select(Product).join(Brand)
                                     .options(selectinload(Product.brand)))
        }
        self.english = terms.KnownEnglish(session)  # lab and shop names in English

    def link(self, result: SamplingResult) -> None:
        enterprise = self.enterprises.get(result.enterprise_name)
        result.enterprise_id = enterprise.id if enterprise else None
        product = self.products.get((result.enterprise_id, result.product_name))
        result.product_id = product.id if product else None


def apply(session: Session, parsed: ParsedFile, source: str,
          progress: Callable[[int], object] = lambda _n: None) -> Summary:
    """Create or correct one result per record; the caller commits (or rolls back)."""
    if parsed.problems:
        raise ValueError("refusing to write a file with problems")
    existing = _existing(session, parsed.records)
    matcher = Matcher(session)
    summary = Summary(unknown_terms=unknown_in(vocabulary(), parsed.records))
    for record in parsed.records:
        result = existing.get(record.key())
        if result is None:
            result = SamplingResult(source_file=source)
            session.add(result)
            summary.created.append(result)
        elif _unchanged_by(result, record):
            summary.unchanged += 1
            progress(1)
            continue
        else:
            session.add(ResultRevision(result_id=result.id, data=snapshot(result), source=source))
            summary.corrected.append(result)
        _fill(result, record, source)
        matcher.link(result)
        matcher.english.name(result, stated(record))
        progress(1)
    session.flush()
    review.propose(session, summary.changed)  # failures go to the regulators' review queue
    return summary


def stated(record: ResultRecord) -> dict:
    """Return the fields the file states for a record: a column the layout lacks, or a blank
    cell, states nothing, so it never erases a stored value."""
    values = {name: getattr(record, name) for name in COPIED}
    return {name: value for name, value in values.items() if value not in (None, "")}


def _states_failed_items(record: ResultRecord) -> bool:
    # A compliant result has no failed items, so saying "compliant" clears them.
    return bool(record.failed_items) or record.compliant


def _unchanged_by(result: SamplingResult, record: ResultRecord) -> bool:
    before = snapshot(result)
    after = {**before, **{name: _plain(value) for name, value in stated(record).items()}}
    if _states_failed_items(record):
        after["failed_items"] = [[f.item, f.measured, f.limit, f.label_requirement]
                                 for f in record.failed_items]
    return before == after


def _fill(result: SamplingResult, record: ResultRecord, source: str) -> None:
    for name, value in stated(record).items():
        if name in FIELD_VOCABULARIES:
            terms.set_field(result, name, value)
        else:
            setattr(result, name, value)
    result.source_file = source
    if _states_failed_items(record):
        result.failed_items = [terms.failed_item(f.item, measured=f.measured, limit=f.limit,
                                                 label_requirement=f.label_requirement)
                               for f in record.failed_items]


def differences(before: dict, result: SamplingResult) -> list[tuple[str, str, str]]:
    """List the fields a correction changed: (field, value before, value after)."""
    after = snapshot(result)
    changes = []
    for name, old in before.items():
        new = after.get(name)
        if old != new:
            changes.append((name, _shown(old), _shown(new)))
    return changes


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "；".join("║".join(part for part in item if part) for item in value)
    return "" if value is None else str(value)
