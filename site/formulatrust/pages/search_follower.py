"""Each node's search index follows the change feed: a record changed on any node is indexed
here again before the next search on this node.

The id of the last change applied sits beside the index folder (``<index>.feed``); ``search
reindex`` sets it to the newest id when it starts. A node that was down catches up at its first
search; one that was down longer than the feed keeps its rows rebuilds its index instead.
Workers that catch up at once do the same work twice, harmlessly: adding a document replaces it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.core.change_feed import Change
from formulatrust.core.content import Library
from formulatrust.enterprises.models import Brand, Enterprise
from formulatrust.learn.models import Article
from formulatrust.pages.search_documents import (
    all_documents,
    brand_document,
    brand_showcase_text,
    bulletin_document,
    enterprise_document,
    recall_document,
    result_document,
    stored_article_document,
)
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.search import (
    Document,
    SearchError,
    add_to_index,
    outdated,
    rebuild,
    remove_from_index,
    upgrade,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Entry = tuple[tuple[str, str], Document | None]  # an index key and its document (None: remove)


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


def follow() -> None:
    """Bring this node's index up to the change feed before a search; on failure, search what
    is there (a stale hit list beats no answer; the log says why)."""
    try:
        catch_up(db.session(), current_app.config["SEARCH_INDEX_DIR"],
                 current_app.extensions.get("formulatrust.content"))
    except Exception:  # noqa: BLE001
        log.exception("the search index could not follow the change feed")


def catch_up(session: Session, index_dir: str | Path, library: Library | None = None) -> int:
    """Apply the feed's changes since the index's last one; return how many were applied.

    An index written in an older format than this code's is rebuilt instead (once, by the
    first worker to search after an upgrade; meanwhile the others search what is there).
    """
    done, latest = applied(index_dir), newest(session)
    if outdated(index_dir) and _upgraded(session, index_dir, library, latest):
        return 0
    if done is None or latest <= done:
        if done is None:
            mark_applied(index_dir, latest)
        return 0
    rows = session.execute(select(Change.kind, Change.action, Change.keys)
                           .where(Change.id > done, Change.id <= latest,
                                  Change.kind.in_(HANDLERS))).all()
    if _rows_purged(session, done) or any(action == "bulk" for _kind, action, _keys in rows):
        rebuild(index_dir, all_documents(session, library))
    else:
        documents, removed = _collect(session, rows, library)
        if documents:
            add_to_index(index_dir, documents)
        for kind, key in removed:
            remove_from_index(index_dir, kind, key)
    mark_applied(index_dir, latest)
    return len(rows)


def _upgraded(session: Session, index_dir: str | Path, library: Library | None,
              latest: int) -> bool:
    """Rebuild an index of an older format; tell whether it was rebuilt, here or (still
    being rebuilt) by another worker."""
    try:
        rebuilt = upgrade(index_dir, all_documents(session, library), wait=0)
    except SearchError as error:
        if error.code != "busy":
            raise
        return True
    if rebuilt:
        mark_applied(index_dir, latest)
    return rebuilt


def _rows_purged(session: Session, done: int) -> bool:
    """Tell whether rows after ``done`` were already deleted (a node down for too long)."""
    oldest = session.scalar(select(func.min(Change.id)))
    return oldest is not None and oldest > done + 1


def _collect(session: Session, rows: Sequence[Row[str, str, dict[str, Any]]],
             library: Library | None) -> tuple[list[Document], set[tuple[str, str]]]:
    documents: dict[tuple[str, str], Document] = {}
    removed: set[tuple[str, str]] = set()
    for kind, _action, keys in rows:
        for key, document in HANDLERS[kind](session, keys, library):
            if document is None:
                removed.add(key)
            else:
                documents[key] = document
    return list(documents.values()), removed - set(documents)


def _by_id(session: Session, model: type[T], keys: dict) -> T | None:
    return session.get(model, keys["id"]) if keys.get("id") is not None else None


def _recall(session: Session, keys: dict, _library: Library | None) -> Iterator[Entry]:
    if keys.get("id") is not None:
        recall = _by_id(session, Recall, keys)
        yield ("recall", str(keys["id"])), recall_document(recall) if recall else None


def _result(session: Session, keys: dict, _library: Library | None) -> Iterator[Entry]:
    if keys.get("id") is not None:
        result = _by_id(session, SamplingResult, keys)
        yield ("result", str(keys["id"])), result_document(result) if result else None


def _failed_item(session: Session, keys: dict, library: Library | None) -> Iterator[Entry]:
    return _result(session, {"id": keys.get("result_id")}, library)


def _enterprise(session: Session, keys: dict, library: Library | None) -> Iterator[Entry]:
    """The enterprise, and its brands (whose entries name it)."""
    enterprise = _by_id(session, Enterprise, keys)
    slug = enterprise.slug if enterprise is not None else keys.get("slug")
    if slug:
        yield ("enterprise", slug), enterprise_document(enterprise) if enterprise else None
    for brand in enterprise.brands if enterprise is not None else ():
        yield _brand_entry(session, brand, library)


def _brand(session: Session, keys: dict, library: Library | None) -> Iterator[Entry]:
    brand = _by_id(session, Brand, keys)
    if brand is not None:
        yield _brand_entry(session, brand, library)
    elif keys.get("slug"):
        yield ("brand", keys["slug"]), None


def _of_brand(session: Session, keys: dict, library: Library | None) -> Iterator[Entry]:
    """A product or a showcase changed: its brand's entry lists it."""
    brand = session.get(Brand, keys["brand_id"]) if keys.get("brand_id") is not None else None
    if brand is not None:
        yield _brand_entry(session, brand, library)


def _brand_entry(session: Session, brand: Brand, library: Library | None) -> Entry:
    return ("brand", brand.slug), brand_document(brand, brand_showcase_text(session, brand,
                                                                              library))


def _bulletin(session: Session, keys: dict, _library: Library | None) -> Iterator[Entry]:
    bulletin = _by_id(session, Bulletin, keys)
    slug = bulletin.slug if bulletin is not None else keys.get("slug")
    if slug:
        shown = bulletin is not None and bulletin.status == "published"
        yield ("bulletin", slug), bulletin_document(bulletin) if shown and bulletin else None


# What each kind of change does to the index.
def _article(session: Session, keys: dict, _library: Library | None) -> Iterator[Entry]:
    """A learn article: indexed once a version is published (never a draft); taken out of
    the index when it is withdrawn, as a full rebuild would leave it out."""
    article = _by_id(session, Article, keys)
    if article is not None:
        shown = article.published is not None
        yield ("article", article.slug), stored_article_document(article) if shown else None


HANDLERS: dict[str, Callable[[Session, dict, Library | None], Iterator[Entry]]] = {
    "recall": _recall, "sampling_result": _result, "failed_item": _failed_item,
    "enterprise": _enterprise, "brand": _brand, "product": _of_brand, "showcase": _of_brand,
    "bulletin": _bulletin, "learn_article": _article,
}
