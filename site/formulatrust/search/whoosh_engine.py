"""The Whoosh engine: pure Python, designed to stay usable at 100,000 documents.

Every searched field goes into one unstored ``text`` field (CJK unigrams and bigrams, words),
so a term is one posting list; what excerpts need is stored apart. Filter values are indexed
as exact terms; the documents of each value are read once per reader and kept as sets, so
filtering and counting are set operations; the date order is a numeric column. One scored
pass, rarest term first, gives the page, the total and the counts. Still, Whoosh decodes
postings in Python: at 10,000 results its p95 is several times the 50 ms goal
(``bench/search.py``), so tantivy is the default.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, Term

from formulatrust.search import FILTERS, Document, Matches, Query, Retired
from formulatrust.search.analysis import analyzer

SEPARATOR = "\x1f"  # between the values of one filter name


def schema() -> Schema:
    """Return the index schema."""
    values = {}
    for name in FILTERS:
        values[f"f_{name}"] = KEYWORD(scorable=False)
        values[f"f_{name}"].analyzer = RegexTokenizer(f"[^{SEPARATOR}]+")
    return Schema(uid=ID(unique=True), kind=ID(stored=True), key=ID(stored=True, sortable=True),
                  order=NUMERIC(numtype=int, bits=64, signed=False, sortable=True),
                  title_zh=STORED, title_en=STORED, body=STORED,
                  text=TEXT(analyzer=analyzer(), phrase=False), **values)


def build(folder: Path, documents: Iterable[Document]) -> int:
    """Write every document into a new index in ``folder``; return how many."""
    index = FileStorage(str(folder)).create_index(schema())
    count = 0
    with index.writer(limitmb=256) as writer:
        for document in documents:
            writer.add_document(**_fields(document))
            count += 1
    return count


def update(folder: Path, documents: Iterable[Document], removed: Iterable[str]) -> None:
    """Replace ``documents`` and delete the ``removed`` uids (the caller holds the lock)."""
    with _storage(folder).open_index().writer() as writer:
        for uid in removed:
            writer.delete_by_term("uid", uid)
        for document in documents:
            writer.update_document(**_fields(document))


def _fields(document: Document) -> dict[str, str | int]:
    grouped: dict[str, list[str]] = {}
    for name, value in document.filters:
        if value:
            grouped.setdefault(name, []).append(value.replace(SEPARATOR, " "))
    return {"uid": document.uid, "kind": document.kind, "key": document.key,
            "title_zh": document.title_zh, "title_en": document.title_en,
            "body": document.body, "text": document.text, "order": max(0, document.order),
            **{f"f_{name}": SEPARATOR.join(values) for name, values in grouped.items()}}


def _storage(folder: Path) -> FileStorage:
    # Without mmap, opening a searcher takes well under a millisecond instead of ~40 ms.
    return FileStorage(str(folder), supports_mmap=False)


class Reader:
    """A searcher over one index generation; Whoosh searchers serve one thread at a time."""

    def __init__(self, folder: Path) -> None:
        self.searcher = _storage(folder).open_index().searcher()
        self.lock = threading.Lock()
        self.value_sets: dict[str, dict[str, set[int]]] = {}
        self.keys: Any = None  # Whoosh's column readers, read when first needed
        self.orders: Any = None
        self.closed = False

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.searcher.close()

    @contextmanager
    def _using(self) -> Iterator[None]:
        with self.lock:
            if self.closed:
                raise Retired
            yield

    def search(self, query: Query, counts: tuple[str, ...], limit: int,
               offset: int) -> Matches:
        with self._using():
            ranked = self._ranked(query)
            if query.sort == "newest":
                ranked = self._newest_first(ranked)
            matched = set(ranked) if counts else set()
            counted = {name: self._count(name, matched) for name in counts}
            return Matches(self._keys(ranked[offset:offset + limit]), len(ranked), counted)

    def all_keys(self, query: Query) -> list[str]:
        with self._using():
            return self._keys(self._ranked(query))

    def top(self, query: Query, limit: int) -> list[dict[str, str]]:
        with self._using():
            if not self._all_terms_exist(query):
                return []
            results = self.searcher.search(self._whoosh(query), limit=limit, terms=False)
            return [dict(hit.fields()) for hit in results]

    def _whoosh(self, query: Query) -> And:
        # Rarest term first: the intersection then skips through the longer posting lists.
        terms = sorted(query.terms, key=lambda term: self.searcher.doc_frequency("text", term))
        clauses = [Term("text", term) for term in terms]
        return And(clauses + ([Term("kind", query.kind)] if query.kind else []))

    def _all_terms_exist(self, query: Query) -> bool:
        return all(self.searcher.doc_frequency("text", term) for term in query.terms)

    def _ranked(self, query: Query) -> list[int]:
        """Return every matching document number, filters applied, best first (one pass)."""
        if not self._all_terms_exist(query):
            return []
        allowed = None
        for name, value in query.filters:
            docs = self._values(name).get(value, set())
            allowed = docs if allowed is None else allowed & docs
            if not allowed:
                return []
        results = self.searcher.search(self._whoosh(query), limit=None, filter=allowed,
                                       terms=False, optimize=False)
        return [docnum for _, docnum in results.top_n]

    def _values(self, name: str) -> dict[str, set[int]]:
        """Return each value of filter ``name`` with its documents (read once per reader)."""
        if name not in self.value_sets:
            field = f"f_{name}"
            self.value_sets[name] = {
                value.decode("utf-8") if isinstance(value, bytes) else value:
                set(self.searcher.docs_for_query(Term(field, value)))
                for value in self.searcher.lexicon(field)}
        return self.value_sets[name]

    def _count(self, name: str, matched: set[int]) -> list[tuple[str, int]]:
        # Set intersection walks the smaller set, so each value costs at most its own size.
        counted = [(value, len(docs & matched)) for value, docs in self._values(name).items()]
        return [(value, count) for value, count in counted if count]  # the adapter sorts

    def _newest_first(self, docnums: list[int]) -> list[int]:
        if self.orders is None:
            self.orders = self.searcher.reader().column_reader("order")
        return sorted(docnums, key=lambda docnum: self.orders[docnum], reverse=True)

    def _keys(self, docnums: list[int]) -> list[str]:
        if not docnums:
            return []
        if self.keys is None:
            self.keys = self.searcher.reader().column_reader("key")
        return [_text(self.keys[docnum]) for docnum in docnums]


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
