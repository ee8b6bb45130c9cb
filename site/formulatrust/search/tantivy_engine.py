"""The tantivy engine: the Rust search library through its official Python bindings.

Text is split in Python by the same analyser as Whoosh and indexed pre-split (tantivy's
whitespace tokenizer), and queries are built term by term, never parsed from user text, so
both engines find the same documents. Filter values are raw fast fields: filtering is a term
clause and counting a terms aggregation; the date order is a numeric fast field. Excerpt
fields are stored as one JSON value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import tantivy

from formulatrust.search import FILTERS, Document, Matches, Query
from formulatrust.search.analysis import index_tokens

BUILD_HEAP = 256_000_000
UPDATE_HEAP = 32_000_000
AGGREGATION_SIZE = 10_000  # distinct values read per filter name before keeping the top ones
MAX_KEY_NUMBER = 2**63
COUNTS_KEPT = 256  # searches whose counts one reader keeps, for their other pages and orders


def schema() -> tantivy.Schema:
    """Return the index schema."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("uid", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("kind", tokenizer_name="raw", index_option="basic")
    # Numeric keys (result ids) are also kept in a column, read without touching the store.
    builder.add_unsigned_field("key_number", fast=True, indexed=False)
    builder.add_unsigned_field("order", fast=True, indexed=False)
    builder.add_text_field("text", tokenizer_name="whitespace", index_option="freq")
    builder.add_bytes_field("stored", stored=True, indexed=False)
    for name in FILTERS:
        builder.add_text_field(f"f_{name}", fast=True, tokenizer_name="raw",
                               index_option="basic")
    return builder.build()


def build(folder: Path, documents: Iterable[Document]) -> int:
    """Write every document into a new index in ``folder``; return how many."""
    index = tantivy.Index(schema(), path=str(folder))
    writer = index.writer(BUILD_HEAP, 1)
    count = 0
    try:
        for document in documents:
            writer.add_document(_document(document))
            count += 1
        writer.commit()
    except BaseException:
        writer.rollback()  # and stop writing, so that the caller can remove the folder
        raise
    finally:
        writer.wait_merging_threads()
    return count


def update(folder: Path, documents: Iterable[Document], removed: Iterable[str]) -> None:
    """Replace ``documents`` and delete the ``removed`` uids (the caller holds the lock)."""
    writer = tantivy.Index.open(str(folder)).writer(UPDATE_HEAP, 1)
    try:
        for uid in removed:
            writer.delete_documents_by_term("uid", uid)
        for document in documents:
            writer.delete_documents_by_term("uid", document.uid)
            writer.add_document(_document(document))
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.wait_merging_threads()


def _key_number(key: str) -> int | None:
    """Return ``key`` as a number when it round-trips exactly (no sign, no leading zero)."""
    if key.isascii() and key.isdigit() and str(int(key)) == key and int(key) < MAX_KEY_NUMBER:
        return int(key)
    return None


def _document(document: Document) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("uid", document.uid)
    doc.add_text("kind", document.kind)
    if _key_number(document.key) is not None:
        doc.add_unsigned("key_number", int(document.key))
    doc.add_unsigned("order", max(0, document.order))
    doc.add_text("text", " ".join(index_tokens(document.text)))
    doc.add_bytes("stored", json.dumps(
        {"kind": document.kind, "key": document.key, "title_zh": document.title_zh,
         "title_en": document.title_en, "body": document.body},
        ensure_ascii=False).encode("utf-8"))
    for name, value in document.filters:
        if value:
            doc.add_text(f"f_{name}", value)
    return doc


class Reader:
    """One opened index; tantivy searchers are safe to share between threads."""

    def __init__(self, folder: Path) -> None:
        self.index = tantivy.Index.open(str(folder))
        self.index.config_reader("Manual", 0)
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        # Counting reads every match, the page only the best ones. Counts depend on the
        # terms, kind and filters, not on the page or the order, and a changed index is read
        # by a new reader: kept counts are never stale.
        self._kept_counts = lru_cache(COUNTS_KEPT)(self._count_matches)

    def close(self) -> None:
        """Nothing to release: the index files are freed with the last reference."""

    def search(self, query: Query, counts: tuple[str, ...], limit: int,
               offset: int) -> Matches:
        compiled = self._compile(query)
        order = "order" if query.sort == "newest" else None
        found = self.searcher.search(compiled, limit=limit, offset=offset, count=True,
                                     order_by_field=order)
        total: int = found.count  # type: ignore[attr-defined]  # tantivy's stub omits count
        counted: dict[str, list[tuple[str, int]]] = {name: [] for name in counts}
        if counts and total:
            kept = self._kept_counts(replace(query, sort="relevance"), counts)
            counted = {name: list(pairs) for name, pairs in kept.items()}
        return Matches(self._keys([address for _, address in found.hits]), total, counted)

    def _count_matches(self, query: Query, counts: tuple[str, ...]
                       ) -> dict[str, tuple[tuple[str, int], ...]]:
        return {name: tuple(pairs) for name, pairs in self._count(self._compile(query),
                                                                   counts).items()}

    def all_keys(self, query: Query) -> list[str]:
        compiled = self._compile(query)
        found = self.searcher.search(compiled, limit=1, count=True)
        total: int = found.count  # type: ignore[attr-defined]  # tantivy's stub omits count
        if not total:
            return []
        hits = self.searcher.search(compiled, limit=total, count=False).hits
        return self._keys([address for _, address in hits])

    def top(self, query: Query, limit: int) -> list[dict[str, str]]:
        compiled = self._compile(query)
        return [self._stored(address) for _, address in
                self.searcher.search(compiled, limit=limit, count=False).hits]

    def _compile(self, query: Query) -> tantivy.Query:
        term = tantivy.Query.term_query
        clauses = [(tantivy.Occur.Must, term(self.schema, "text", text)) for text in query.terms]
        # Kind and filters narrow the matches without changing their scores.
        exact = ([("kind", query.kind)] if query.kind else []) + [
            (f"f_{name}", value) for name, value in query.filters]
        clauses += [(tantivy.Occur.Must,
                     tantivy.Query.const_score_query(term(self.schema, name, value), 0.0))
                    for name, value in exact]
        return tantivy.Query.boolean_query(clauses)

    def _count(self, compiled: tantivy.Query, counts: tuple[str, ...]
               ) -> dict[str, list[tuple[str, int]]]:
        request = {name: {"terms": {"field": f"f_{name}", "size": AGGREGATION_SIZE,
                                    "segment_size": AGGREGATION_SIZE}} for name in counts}
        answer = self.searcher.aggregate(compiled, request)
        counted: dict[str, list[tuple[str, int]]] = {}
        for name in counts:
            pairs = [(str(bucket["key"]), int(bucket["doc_count"]))
                     for bucket in answer.get(name, {}).get("buckets", [])]
            counted[name] = pairs  # the adapter keeps the ones shown
        return counted

    def _keys(self, addresses: list[tantivy.DocAddress]) -> list[str]:
        numbers = self.searcher.fast_field_values("key_number", addresses) if addresses else []
        return [str(number) if number is not None else self._stored(address)["key"]
                for number, address in zip(numbers, addresses, strict=True)]

    def _stored(self, address: tantivy.DocAddress) -> dict[str, str]:
        return json.loads(self.searcher.doc(address)["stored"][0])
