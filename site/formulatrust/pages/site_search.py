"""Site search as a reader uses it: every kind of record, how many of each, one kind at a time,
page by page, with the matching words marked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from formulatrust.core import paging
from formulatrust.publishing.bulletins.store import visible_slugs
from formulatrust.results.display import ResultNames, names_of
from formulatrust.results.indexed import rows_in_order
from formulatrust.results.models import SamplingResult
from formulatrust.search import Hit, matching_keys, query_index, search

# Kinds of record in the order a reader meets them; the keys of the index's ``kind`` field.
KINDS = ("result", "recall", "enterprise", "brand", "bulletin", "article")
PER_PAGE = 20
MAX_PAGE = 50  # pages shown; a page beyond shows the last, a reader narrows the query instead


class BadSearch(ValueError):
    """A search request that cannot be answered as asked (its ``code`` says why)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    kind: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, q: str, args: Mapping[str, str]) -> SearchRequest:
        """Read ``type`` and ``page``; raise BadSearch when either is not one of the choices."""
        kind = args.get("type") or None
        if kind is not None and kind not in KINDS:
            raise BadSearch("unknown_type")
        page_text = (args.get("page") or "1").strip()
        if not page_text.isdecimal() or len(page_text) > 6 or \
                not 1 <= int(page_text) <= paging.MAX_PAGE:
            raise BadSearch("bad_page")
        return cls(q, kind, int(page_text))

    def as_args(self, **changes: str | int) -> dict[str, str | int]:
        """Query-string arguments of this search with ``changes`` (defaults left out)."""
        values = {"q": self.q, "type": self.kind, "page": self.page, **changes}
        return {name: value for name, value in values.items()
                if value and not (name == "page" and value == 1)}


@dataclass(frozen=True)
class Found:
    hits: list[Hit]
    counts: dict[str, int] = field(default_factory=dict)  # matches per kind, kinds with any
    page: int = 1
    pages: int = 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def first_number(self) -> int:
        """The number of this page's first hit in the whole list."""
        return (self.page - 1) * PER_PAGE + 1


def find(session: Session, index_dir: str | Path, request: SearchRequest) -> Found:
    """One page of matches of ``request`` and the count of every kind (SearchError when the
    text cannot be searched)."""
    counts = {kind: count for kind in KINDS
              if (count := count_of(session, index_dir, request.q, kind))}
    shown = counts.get(request.kind, 0) if request.kind else sum(counts.values())
    pages = min(MAX_PAGE, paging.page_count(shown, PER_PAGE))
    page = min(request.page, pages)
    hits = query_index(index_dir, request.q, PER_PAGE, request.kind, (page - 1) * PER_PAGE)
    return Found(without_hidden_bulletins(session, hits), counts, page, pages)


def count_of(session: Session, index_dir: str | Path, text: str, kind: str) -> int:
    if kind == "bulletin":  # scheduled bulletins are indexed before they are due
        return len(visible_slugs(session, matching_keys(index_dir, text, kind)))
    return search(index_dir, text, kind=kind, limit=1).total


def without_hidden_bulletins(session: Session, hits: list[Hit]) -> list[Hit]:
    if not any(hit.kind == "bulletin" for hit in hits):
        return hits
    shown = visible_slugs(session, (hit.key for hit in hits if hit.kind == "bulletin"))
    return [hit for hit in hits if hit.kind != "bulletin" or hit.key in shown]


@dataclass(frozen=True)
class ResultSummary:
    """What tells one sampling result from another in a list: its verdict, maker, date, lot."""

    result: SamplingResult
    names: ResultNames


def result_summaries(session: Session, hits: list[Hit]) -> dict[str, ResultSummary]:
    """The summary of each sampling result among ``hits``, by key (shown instead of an excerpt
    of the indexed text, which lists every field of a result and reads as noise)."""
    keys = [int(hit.key) for hit in hits if hit.kind == "result" and hit.key.isdigit()]
    return {str(row.id): ResultSummary(row, names_of(row))
            for row in rows_in_order(session, keys)}
