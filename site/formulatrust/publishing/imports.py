"""Imports of sampling results, enterprise records and trace data, shared by the upload pages,
the push API and ``flask --app wsgi results import``.

Each import is checked whole and written all or nothing: committed with one audit entry
(``import``, the kind, who sent it and what it did) or, on a dry run or a problem, rolled back.
The change feed records the written rows in the same transaction; changed results are put in
site search after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.domain.results_import import ParsedFile
from formulatrust.domain.trace_format import TraceDocument
from formulatrust.enterprises import integrity_import
from formulatrust.enterprises.models import Enterprise
from formulatrust.pages.search_documents import result_document
from formulatrust.publishing import audit
from formulatrust.publishing.indexing import index_documents
from formulatrust.publishing.models import User
from formulatrust.results import store
from formulatrust.scan.trace_import import ImportSummary, import_trace_document

Progress = Callable[[int], Any]


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


def trace_counts(summary: ImportSummary) -> dict[str, int]:
    """Return what a trace import did, by count."""
    return {name: value for name, value in asdict(summary).items() if name != "problems"}


def import_trace(source: Source, document: TraceDocument, enterprise: Enterprise,
                 dry_run: bool = False, progress: Progress | None = None) -> ImportSummary:
    """Write an enterprise's trace data (or serials); every record must be that enterprise's.

    Raises ``TraceImportError`` listing every problem, or ``IntegrityError`` when another import
    wrote the same records meanwhile, having written nothing.
    """
    with _import("trace", source, enterprise.slug, dry_run) as (session, counts):
        summary = import_trace_document(session, document, enterprise_id=enterprise.id,
                                        source_name=source.name, progress=progress)
        counts.update(enterprise=enterprise.slug, **trace_counts(summary))
    return summary
