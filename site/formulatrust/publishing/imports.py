"""Imports of sampling results, enterprise records and trace data, shared by the upload pages,
the push API and ``flask --app wsgi results import``.

Each import is checked whole and written all or nothing: committed with one audit entry
(``import``, the kind, who sent it and what it did) or, on a dry run or a problem, rolled back.
The change feed records the written rows in the same transaction; changed results are put in
site search after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from formulatrust.core import db
from formulatrust.domain.results_import import ParsedFile
from formulatrust.domain.trace_format import Problem, TraceDocument
from formulatrust.enterprises import integrity_import
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.pages.search_documents import result_document
from formulatrust.publishing import audit
from formulatrust.publishing.indexing import index_documents
from formulatrust.publishing.models import User
from formulatrust.results import store, terms
from formulatrust.results.models import SamplingResult
from formulatrust.scan.trace_import import ImportSummary, import_trace_document

Progress = Callable[[int], Any]
LOOKUP_CHUNK = 500  # values asked for in one query


@dataclass(frozen=True)
class Source:
    """Who sends an import and under what name (a file's name, or ``API <token id>``)."""

    user: User | None
    name: str
    details: dict[str, Any] = field(default_factory=dict)  # audited with it, e.g. the token


@contextmanager
def _import(kind: str, source: Source, object_id: str, dry_run: bool
            ) -> Iterator[tuple[Session, dict[str, Any]]]:
    """Run an import's writes; commit them with the audit entry of the counts the block fills
    in, or roll them back (dry run, or any error)."""
    session = db.session()
    counts: dict[str, Any] = {}
    try:
        yield session, counts
        if dry_run:
            session.rollback()
            return
        audit.record(session, source.user, "import", kind, object_id[:64],
                     {"file": source.name, **source.details, **counts})
        session.commit()
    except BaseException:
        session.rollback()
        raise


def import_results(source: Source, parsed: ParsedFile, dry_run: bool = False,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Create or correct the results of a checked table; return what the import did."""
    with _import("results", source, source.name, dry_run) as (session, counts):
        stored = store.apply(session, parsed, source.name,
                             progress=progress or (lambda _n: None))
        counts.update(layout=parsed.layout, created=len(stored.created),
                      corrected=len(stored.corrected), unchanged=stored.unchanged,
                      ignored_columns=parsed.ignored_columns,
                      unknown_terms=stored.unknown_terms)
    if not dry_run:
        index_documents(result_document(result) for result in stored.changed)
    return counts


def import_records(source: Source, text: str, dry_run: bool = False) -> dict[str, int]:
    """Write an enterprise-records file (JSON text); return the counts by section.

    Raises ``RecordsImportError`` listing every problem, having written nothing.
    """
    with _import("records", source, source.name, dry_run) as (session, counts):
        counts.update(integrity_import.import_records(session, text))
    return counts


def remap_vocabulary(user: User | None, results: list[SamplingResult],
                     progress: Progress | None = None) -> list[SamplingResult]:
    """Map the terms of ``results`` to the vocabulary again (after adding entries), commit with
    the audit entry and refresh the search entries of those that changed."""
    with db.transaction() as session:
        changed = terms.remap(results, progress=progress or (lambda _n: None))
        audit.record(session, user, "change", "results", "vocabulary", {"changed": len(changed)})
    index_documents(result_document(result) for result in changed)
    return changed


def trace_counts(summary: ImportSummary) -> dict[str, int]:
    """Return what a trace import did, by count."""
    return {name: value for name, value in asdict(summary).items() if name != "problems"}


def import_trace(source: Source, document: TraceDocument, enterprise: Enterprise | None,
                 dry_run: bool = False, progress: Progress | None = None) -> ImportSummary:
    """Write trace data (or serials); with ``enterprise``, every record must be that
    enterprise's (an enterprise editor or the push API), without it any enterprise's (a
    regulator's or administrator's import).

    Raises ``TraceImportError`` listing every problem, or ``IntegrityError`` when another import
    wrote the same records meanwhile, having written nothing.
    """
    object_id = enterprise.slug if enterprise is not None else source.name
    with _import("trace", source, object_id, dry_run) as (session, counts):
        summary = import_trace_document(
            session, document, enterprise_id=enterprise.id if enterprise else None,
            source_name=source.name, progress=progress)
        if enterprise is not None:
            counts["enterprise"] = enterprise.slug
        counts.update(trace_counts(summary))
    return summary


# --- ownership (the push API) -------------------------------------------------------------


def _others(query: Select[str], column: InstrumentedAttribute[str],
            values: Iterable[str]) -> set[str]:
    """Return which of ``values`` ``query`` finds, asking for a few hundred at a time."""
    wanted = sorted(set(values))
    session = db.session()
    return {value for start in range(0, len(wanted), LOOKUP_CHUNK)
            for value in session.scalars(query.where(
                column.in_(wanted[start:start + LOOKUP_CHUNK])))}


def foreign_records(document: TraceDocument, enterprise: Enterprise) -> list[Problem]:
    """List the records of ``document`` that belong to another enterprise than ``enterprise``
    (the push API refuses them whole)."""
    problems = []
    if document.enterprise and document.enterprise != enterprise.slug:
        problems.append(Problem(
            "document", "enterprise",
            f"此令牌只能提交企业“{enterprise.slug}”的数据，不能提交“{document.enterprise}”的",
            f"this token may only send data of “{enterprise.slug}”, not of "
            f"“{document.enterprise}”"))
    gtins = ({p.gtin for p in document.products} | {b.gtin for b in document.batches}
             | {row.gtin for row in document.serial_rows})
    other_gtins = _others(select(Product.gtin).join(Product.brand)
                          .where(Brand.enterprise_id != enterprise.id), Product.gtin, gtins)
    other_brands = _others(select(Brand.slug).where(Brand.enterprise_id != enterprise.id),
                           Brand.slug, {p.brand for p in document.products})
    zh, en = "该 GTIN 属于其他企业", "this GTIN belongs to another enterprise"
    for record in document.products:
        if record.gtin in other_gtins:
            problems.append(Problem(record.record, "gtin", zh, en))
        if record.brand in other_brands:
            problems.append(Problem(record.record, "brand", "该品牌属于其他企业",
                                    "this brand belongs to another enterprise"))
    problems += [Problem(b.record, "gtin", zh, en) for b in document.batches
                 if b.gtin in other_gtins]
    seen: set[str] = set()
    for row in document.serial_rows:  # once per GTIN, at its first row
        if row.gtin in other_gtins and row.gtin not in seen:
            seen.add(row.gtin)
            problems.append(Problem(row.record, "gtin", zh, en))
    return problems
