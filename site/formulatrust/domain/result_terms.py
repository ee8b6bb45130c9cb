"""Map the raw text of sampling results to vocabulary entries.

A published term that names an entry is stored in the entry's Chinese form (so filters, facets
and counts group one entry under one value) and the text as published is kept beside it when it
differs; a term that names no entry is stored as published and listed, so that a person can add
it to the vocabulary. Nothing here ever refuses a value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from formulatrust.domain.results_import import ResultRecord
from formulatrust.domain.vocabulary import Vocabulary

# Each mapped field of a result and the vocabularies it is looked up in, in order: a food
# subcategory (食品细类) is a category in the regulator's workbooks and a stage (1段, 2段 …)
# in tables that split results by stage.
FIELD_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "category": ("categories",),
    "subcategory": ("categories", "stages"),
    "province": ("places",),
}
FAILED_ITEM_VOCABULARIES = ("test_items",)
FAILED_ITEM = "failed_item"
LISTED = ("failed_item", "category", "subcategory", "province")  # the order of the listing


@dataclass(frozen=True)
class Term:
    """A raw term mapped: the value to store, the published text when it differs, and whether
    the term names an entry."""

    value: str
    raw: str
    known: bool


def mapped(vocabulary: Vocabulary, raw: str, vocabularies: Iterable[str]) -> Term:
    """Map one raw term; a term that names no entry stays as it was published."""
    text = raw.strip()
    for kind in vocabularies:
        entry = vocabulary.match(text, kind)
        if entry is not None:
            return Term(entry.zh, "" if text == entry.zh else text, True)
    return Term(text, "", not text)


def mapped_field(vocabulary: Vocabulary, name: str, raw: str) -> Term:
    """Map the raw value of result field ``name`` (see ``FIELD_VOCABULARIES``)."""
    return mapped(vocabulary, raw, FIELD_VOCABULARIES[name])


def mapped_item(vocabulary: Vocabulary, raw: str) -> Term:
    """Map the raw name of a failed test item."""
    return mapped(vocabulary, raw, FAILED_ITEM_VOCABULARIES)


class UnknownTerms:
    """Terms that named no entry, per field, each listed once in the order first seen."""

    def __init__(self) -> None:
        self._by_field: dict[str, dict[str, None]] = {name: {} for name in LISTED}

    def note(self, field: str, term: Term) -> None:
        """Remember ``term`` when it names no entry."""
        if not term.known:
            self._by_field[field].setdefault(term.value, None)

    def listing(self) -> dict[str, list[str]]:
        """The unknown terms of each field that has any, fields in ``LISTED`` order."""
        return {name: list(terms) for name, terms in self._by_field.items() if terms}

    def __bool__(self) -> bool:
        return any(self._by_field.values())


def unknown_in(vocabulary: Vocabulary, records: Iterable[ResultRecord]) -> dict[str, list[str]]:
    """List the terms of parsed result records that name no entry (see ``UnknownTerms``)."""
    unknown = UnknownTerms()
    for record in records:
        for name in FIELD_VOCABULARIES:
            unknown.note(name, mapped_field(vocabulary, name, getattr(record, name)))
        for item in record.failed_items:
            unknown.note(FAILED_ITEM, mapped_item(vocabulary, item.item))
    return unknown.listing()
