"""Each node's search index follows the change feed: a record changed on any node is indexed
here again before the next search on this node.

The id of the last change applied sits beside the index folder (``<index>.feed``); ``search
reindex`` sets it to the newest id when it starts. Workers that catch up at once do the same
work twice, harmlessly: adding a document replaces it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formulatrust.core.change_feed import Change
from formulatrust.enterprises.models import Enterprise
from formulatrust.pages.search_documents import (
    all_documents,
    bulletin_document,
    enterprise_document,
    recall_document,
    result_document,
)
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.search import Document, add_to_index, rebuild, remove_from_index

log = logging.getLogger(__name__)
FOLLOWED = ("recall", "sampling_result", "failed_item", "enterprise", "bulletin")


def applied_file(index_dir: str | Path) -> Path:
    return Path(f"{Path(index_dir)}.feed")


def applied(index_dir: str | Path) -> int | None:
    """The id of the last change this node's index holds (None: never recorded)."""
    try:
        return int(applied_file(index_dir).read_text().strip())
    except (OSError, ValueError):
        return None


def mark_applied(index_dir: str | Path, change_id: int) -> None:
    path = applied_file(index_dir)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text(str(change_id))
    os.replace(draft, path)


def newest(session: Session) -> int:
    return int(session.scalar(select(func.max(Change.id))) or 0)


def catch_up(session: Session, index_dir: str | Path, library=None) -> int:
    """Apply the feed's changes since the index's last one; return how many were applied."""
    done, latest = applied(index_dir), newest(session)
    if done is None or latest <= done:
        if done is None:
            mark_applied(index_dir, latest)
        return 0
    rows = session.execute(select(Change.kind, Change.action, Change.keys)
                           .where(Change.id > done, Change.id <= latest,
                                  Change.kind.in_(FOLLOWED))).all()
    if any(action == "bulk" for _kind, action, _keys in rows):
        rebuild(index_dir, all_documents(session, library))
    else:
        documents, removed = _collect(session, rows)
        if documents:
            add_to_index(index_dir, documents)
        for kind, key in removed:
            remove_from_index(index_dir, kind, key)
    mark_applied(index_dir, latest)
    return len(rows)


def _collect(session: Session, rows) -> tuple[list[Document], set[tuple[str, str]]]:
    documents: dict[tuple[str, str], Document] = {}
    removed: set[tuple[str, str]] = set()
    for kind, _action, keys in rows:
        found = _document(session, kind, keys)
        if found is None:
            continue
        key, document = found
        if document is None:
            removed.add(key)
        else:
            documents[key] = document
    return list(documents.values()), removed - set(documents)


def _document(session: Session, kind: str,
              keys: dict) -> tuple[tuple[str, str], Document | None] | None:
    """The index entry a change touches: its key and its new document (None: remove it)."""
    if kind == "failed_item":
        kind, keys = "sampling_result", {"id": keys.get("result_id")}
    handlers: dict[str, tuple[type, str, Callable]] = {
        "recall": (Recall, "recall", recall_document),
        "sampling_result": (SamplingResult, "result", result_document),
        "enterprise": (Enterprise, "enterprise", enterprise_document),
        "bulletin": (Bulletin, "bulletin", bulletin_document),
    }
    model, index_kind, make = handlers[kind]
    record = session.get(model, keys.get("id")) if keys.get("id") is not None else None
    if kind == "bulletin":
        slug = record.slug if record is not None else keys.get("slug")
        if slug is None:
            return None
        shown = record is not None and record.status == "published"
        return (index_kind, slug), make(record) if shown else None
    if kind == "enterprise":
        slug = record.slug if record is not None else keys.get("slug")
        return ((index_kind, slug), make(record) if record is not None else None) if slug \
            else None
    if keys.get("id") is None:
        return None
    return (index_kind, str(keys["id"])), make(record) if record is not None else None
