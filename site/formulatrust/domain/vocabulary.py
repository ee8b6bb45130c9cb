"""Controlled vocabularies: test items, places, categories, stages and report phrases, each
entry with its Chinese and English form, the other names it is written as, and its source.

The entries are data kept under version control (``search/vocabulary/*.csv`` at the top of
the checkout); this module reads them and maps raw text to entries. Raw text is matched after
Unicode compatibility normalisation (full-width letters), case folding and removing spaces, so
"维生素 A", "维生素Ａ" and "vitamin a" are the same entry.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("key", "zh", "en", "synonyms", "source")


@dataclass(frozen=True)
class Entry:
    vocabulary: str  # the file it comes from: test_items, places, categories …
    key: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()
    source: str = ""
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)  # group, unit …

    def name(self, language: str) -> str:
        return self.en if language == "en" else self.zh

    @property
    def terms(self) -> tuple[str, ...]:
        """Every way the entry is written: Chinese, English, then the synonyms."""
        return (self.zh, self.en, *self.synonyms)


def normalised(text: str) -> str:
    """The form raw text is compared in."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class Vocabulary:
    """Every entry of every vocabulary, looked up by any of its terms."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(entries)
        self._by_term: dict[tuple[str, str], Entry] = {}
        for entry in self.entries:
            for term in entry.terms:
                self._by_term.setdefault((entry.vocabulary, normalised(term)), entry)

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        return cls(entry for path in sorted(folder.glob("*.csv")) for entry in _read(path))

    def match(self, raw: str, vocabulary: str) -> Entry | None:
        """The entry of ``vocabulary`` that ``raw`` names, or None."""
        return self._by_term.get((vocabulary, normalised(raw)))

    def of(self, vocabulary: str) -> Iterator[Entry]:
        return (entry for entry in self.entries if entry.vocabulary == vocabulary)

    def unknown(self, raws: Iterable[str], vocabulary: str) -> list[str]:
        """The distinct raw terms (in first-seen order) that name no entry of ``vocabulary``."""
        seen: dict[str, None] = {}
        for raw in raws:
            if raw.strip() and self.match(raw, vocabulary) is None:
                seen.setdefault(raw.strip(), None)
        return list(seen)

    def ambiguous_terms(self) -> list[tuple[str, str]]:
        """(vocabulary, term) pairs that name more than one entry: a mistake in the data."""
        owners: dict[tuple[str, str], set[str]] = {}
        for entry in self.entries:
            for term in entry.terms:
                owners.setdefault((entry.vocabulary, normalised(term)), set()).add(entry.key)
        return sorted(pair for pair, keys in owners.items() if len(keys) > 1)


def _read(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            synonyms = tuple(s.strip() for s in (row.get("synonyms") or "").split(";")
                             if s.strip())
            yield Entry(path.stem, row["key"].strip(), row["zh"].strip(), row["en"].strip(),
                        synonyms, (row.get("source") or "").strip(),
                        {name: (value or "").strip() for name, value in row.items()
                         if name not in COLUMNS and name is not None})
