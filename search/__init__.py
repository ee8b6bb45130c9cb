"""Full-text search behind a small adapter; views never see the engine.

The index lives on disk in ``SEARCH_INDEX_DIR``. Each node builds its own index from the
database (``flask --app wsgi search rebuild``); web workers only read it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import highlight
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, Index
from whoosh.query import And, Or, Term
from whoosh.searching import Searcher

from formulatrust.search.analysis import analyzer, query_terms

TEXT_FIELDS = ("title_zh", "title_en", "body")
MAX_TERMS = 24


class SearchError(ValueError):
    """A query that cannot be run; ``code`` says why (``no_terms``, ``too_many_terms``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Document:
    """One thing to find: ``kind`` and ``key`` identify it, the rest is searched."""

    kind: str
    key: str
    title_zh: str
    title_en: str
    body: str = ""


@dataclass(frozen=True)
class Hit:
    """One search result with a highlighted excerpt (HTML-escaped, ``<mark>`` around matches)."""

    kind: str
    key: str
    title_zh: str
    title_en: str
    excerpt: str


def schema() -> Schema:
    """Return the index schema."""
    text = TEXT(analyzer=analyzer(), stored=True, chars=True)
    return Schema(uid=ID(unique=True, stored=True), kind=ID(stored=True), key=STORED,
                  title_zh=text, title_en=text, body=text)


def rebuild(index_dir: str | Path, documents: Iterable[Document]) -> int:
    """Build a fresh index from ``documents`` beside the old one, then swap it in."""
    target = Path(index_dir)
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    index = FileStorage(str(building)).create_index(schema())
    count = 0
    with index.writer(limitmb=128) as writer:
        for document in documents:
            writer.add_document(**_fields(document))
            count += 1
    retired = target.with_name(target.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    building.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    _Searchers.forget(target)
    return count


def add_to_index(index_dir: str | Path, documents: Iterable[Document]) -> None:
    """Add or replace ``documents``, creating the index if there is none yet."""
    if not Path(index_dir).exists():
        rebuild(index_dir, documents)
        return
    with _open(index_dir).writer() as writer:
        for document in documents:
            writer.update_document(**_fields(document))


def remove_from_index(index_dir: str | Path, kind: str, key: str) -> None:
    """Remove one document."""
    with _open(index_dir).writer() as writer:
        writer.delete_by_term("uid", f"{kind}:{key}")


def _query(text: str, kind: str | None):
    terms = query_terms(text)
    if not terms:
        raise SearchError("no_terms")
    if len(terms) > MAX_TERMS:
        raise SearchError("too_many_terms")
    clauses = [Or([Term(field, term) for field in TEXT_FIELDS]) for term in terms]
    return And(clauses + ([Term("kind", kind)] if kind else []))


def matching_keys(index_dir: str | Path, text: str, kind: str) -> list[str]:
    """Return the keys of every ``kind`` document matching ``text``, best first."""
    query = _query(text, kind)
    with _Searchers.get(Path(index_dir)) as searcher:
        if searcher is None:
            return []
        return [hit["key"] for hit in searcher.search(query, limit=None)]


def query_index(index_dir: str | Path, text: str, limit: int = 20,
                kind: str | None = None) -> list[Hit]:
    """Return the best matches for ``text``; every term must match in some field."""
    query = _query(text, kind)
    with _Searchers.get(Path(index_dir)) as searcher:
        if searcher is None:
            return []
        results = searcher.search(query, limit=limit)
        results.fragmenter = highlight.ContextFragmenter(maxchars=160, surround=40)
        results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
        return [_hit(result) for result in results]


def _fields(document: Document) -> dict[str, str]:
    return {"uid": f"{document.kind}:{document.key}", "kind": document.kind, "key": document.key,
            "title_zh": document.title_zh, "title_en": document.title_en, "body": document.body}


def _hit(result) -> Hit:
    excerpt = ""
    for field in ("body", "title_zh", "title_en"):
        excerpt = result.highlights(field)
        if excerpt:
            break
    return Hit(kind=result["kind"], key=result["key"], title_zh=result["title_zh"],
               title_en=result["title_en"], excerpt=excerpt)


def _open(index_dir: str | Path) -> Index:
    return FileStorage(str(index_dir), supports_mmap=False).open_index()


class _Searchers:
    """One searcher per index folder, reused across requests and reopened when it changes."""

    _lock = threading.Lock()
    _open: dict[Path, tuple[tuple[int, int], Searcher]] = {}

    @classmethod
    def get(cls, index_dir: Path) -> _Borrowed:
        with cls._lock:
            return _Borrowed(cls._current(index_dir), cls._lock)

    @classmethod
    def _current(cls, index_dir: Path) -> Searcher | None:
        try:
            index = _open(index_dir)
            # A rebuild swaps in a new folder (new inode); an update writes a new generation.
            version = (index_dir.stat().st_ino, index.latest_generation())
        except (EmptyIndexError, OSError):
            cls.forget_locked(index_dir)
            return None
        cached = cls._open.get(index_dir)
        if cached and cached[0] == version:
            return cached[1]
        cls.forget_locked(index_dir)
        searcher = index.searcher()
        cls._open[index_dir] = (version, searcher)
        return searcher

    @classmethod
    def forget_locked(cls, index_dir: Path) -> None:
        cached = cls._open.pop(index_dir, None)
        if cached:
            cached[1].close()

    @classmethod
    def forget(cls, index_dir: Path) -> None:
        with cls._lock:
            cls.forget_locked(index_dir)


class _Borrowed:
    """Context manager that serialises use of a shared searcher between threads."""

    def __init__(self, searcher: Searcher | None, lock: threading.Lock) -> None:
        self.searcher, self.lock = searcher, lock

    def __enter__(self) -> Searcher | None:
        self.lock.acquire()
        return self.searcher

    def __exit__(self, *exc) -> None:
        self.lock.release()
