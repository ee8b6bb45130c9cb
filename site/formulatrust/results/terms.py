"""Vocabulary terms of stored sampling results: every write path of results maps raw text here.

Imports (command line and web upload) go through :func:`set_field` and :func:`failed_item`;
:func:`remap` maps the results already stored again after the vocabulary has grown.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.domain.result_terms import FIELD_VOCABULARIES, mapped_field, mapped_item
from formulatrust.results.models import FailedItem, SamplingResult
from formulatrust.search.vocabularies import vocabulary


def set_field(result: SamplingResult, name: str, raw: str) -> None:
    """Store the published ``raw`` value of a mapped field: the entry's Chinese form in the
    field, the published text in ``<name>_raw`` when it differs."""
    term = mapped_field(vocabulary(), name, raw)
    setattr(result, name, term.value)
    setattr(result, f"{name}_raw", term.raw)


def failed_item(raw: str, **values: str) -> FailedItem:
    """A failed item named by the entry's Chinese form, keeping the published name."""
    term = mapped_item(vocabulary(), raw)
    return FailedItem(item=term.value, item_raw=term.raw, **values)


class KnownEnglish:
    """The English names of labs and sampled units already on record, by Chinese name."""

    def __init__(self, session: Session) -> None:
        self.labs = dict(session.execute(
            select(SamplingResult.lab, SamplingResult.lab_en)
            .where(SamplingResult.lab_en != "").distinct()).all())
        self.units = dict(session.execute(
            select(SamplingResult.sampled_unit, SamplingResult.sampled_unit_en)
            .where(SamplingResult.sampled_unit_en != "").distinct()).all())

    def name(self, result: SamplingResult, stated: dict) -> None:
        """Give a result whose file names its lab or sampled unit the known English names (an
        English name belongs to the name it was given for, so a new name without one clears it).
        """
        if "lab" in stated:
            result.lab_en = self.labs.get(result.lab, "")
        if "sampled_unit" in stated:
            result.sampled_unit_en = self.units.get(result.sampled_unit, "")


def remap(results: list[SamplingResult],
          progress: Callable[[int], object] = lambda _n: None) -> list[SamplingResult]:
    """Map the terms of ``results`` again from the text as published; return the results that
    changed. The caller commits."""
    changed = []
    for result in results:
        fields = _remap_fields(result)
        items = [_remap_item(item) for item in result.failed_items]
        if fields or any(items):
            changed.append(result)
        progress(1)
    return changed


def _remap_fields(result: SamplingResult) -> bool:
    before = _stored_terms(result)
    for name in FIELD_VOCABULARIES:
        published = getattr(result, f"{name}_raw") or getattr(result, name)
        if published:
            set_field(result, name, published)
    return _stored_terms(result) != before


def _stored_terms(result: SamplingResult) -> list[tuple[str, str]]:
    return [(getattr(result, name), getattr(result, f"{name}_raw")) for name in FIELD_VOCABULARIES]


def _remap_item(item: FailedItem) -> bool:
    term = mapped_item(vocabulary(), item.item_raw or item.item)
    if (item.item, item.item_raw) == (term.value, term.raw):
        return False
    item.item, item.item_raw = term.value, term.raw
    return True
