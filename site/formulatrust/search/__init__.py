"""Full-text search behind a small adapter; views never see the engine.

The index lives on disk at ``SEARCH_INDEX_DIR``: a link to a generation folder beside it
(``search-index.g<ns>``). Each node builds its own index from the database (``flask --app wsgi
search reindex``) into a new generation and switches the link with one rename, so a reader
always finds a complete index; imports and edits then update the current generation in place.
Two engines sit behind the same functions: tantivy (the default, fast) and Whoosh (pure
Python). A folder records which engine wrote it, so readers always open it with the right one;
``SEARCH_ENGINE`` only chooses the engine of the next build.

Writers in every process and thread take one file lock beside the folder, so there is one
writer at a time across gunicorn workers. Readers are opened once per process and reused; a
write bumps a generation file that readers check (one ``stat``) before each query.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Protocol, TypeVar

from formulatrust.search.analysis import query_terms
from formulatrust.search.excerpts import excerpt
from formulatrust.search.folders import (
    bump,
    current_generation,
    generation_version,
    point_at,
    remove_stale_generations,
    unused_generation,
)

T = TypeVar("T")

logger = logging.getLogger(__name__)
ENGINES = ("tantivy", "whoosh")
DEFAULT_ENGINE = "tantivy"
# Names a document may be filtered and counted by (the /results filters).
FILTERS = ("year", "compliant", "enterprise", "category", "item", "province", "lab")
MAX_TERMS = 24
MAX_FILTER_CHARS = 300
COUNT_LIMIT = 25  # values per filter name in ``search(...).counts``
MAX_LIMIT = 1_000  # keys in one page of ``search``
MAX_OFFSET = 100_000  # pages further than this come back empty (engines allocate offset+limit)
LOCK_TIMEOUT = 600.0  # seconds a writer waits for another (a full rebuild) to finish
ENGINE_FILE = "ENGINE"
FORMAT_FILE = "FORMAT"
# Raised when what the index holds changes: format 2 added result filters and date order,
# format 3 the English names and vocabulary terms of each record (``Document.aliases``).
INDEX_FORMAT = 3
SORTS = ("relevance", "newest")
OPEN_ATTEMPTS = 3  # tries to open a reader while rebuilds keep swapping the index


class SearchError(ValueError):
    """A query or write that cannot run; ``code`` says why (``no_terms``, ``too_many_terms``,
    or ``busy`` when another writer held the index for ``LOCK_TIMEOUT`` seconds)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Document:
    """One thing to find: ``kind`` and ``key`` identify it, the rest is searched.

    ``filters`` are ``(name, value)`` pairs from ``FILTERS`` (a name may repeat) that
    ``search`` can filter and count by; ``order`` is what ``sort="newest"`` sorts by, highest
    first (0: last). ``aliases`` are other names of what the record holds (English names,
    every term of the vocabulary entries it names): searched, never stored nor shown, so
    excerpts stay the record's own text.
    """

    kind: str
    key: str
    title_zh: str
    title_en: str
    body: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    order: int = 0
    aliases: str = ""

    @property
    def uid(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def text(self) -> str:
        """Return everything that is searched, in one string."""
        return "\n".join((self.title_zh, self.title_en, self.body, self.aliases))


@dataclass(frozen=True)
class Hit:
    """One search result with a highlighted excerpt (HTML-escaped, ``<mark>`` around matches)."""

    kind: str
    key: str
    title_zh: str
    title_en: str
    excerpt: str


@dataclass(frozen=True)
class Matches:
    """One page of keys (best first), how many match in all, and counts per filter value."""

    keys: list[str]
    total: int
    counts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    """A validated query as the engines receive it."""

    terms: tuple[str, ...]
    kind: str | None = None
    filters: tuple[tuple[str, str], ...] = ()
    sort: str = "relevance"


class EngineReader(Protocol):
    """What the adapter asks of an engine's reader (``whoosh_engine``, ``tantivy_engine``)."""

    format: int

    def close(self) -> None: ...

    def search(self, query: Query, counts: tuple[str, ...], limit: int,
               offset: int) -> Matches: ...

    def all_keys(self, query: Query) -> list[str]: ...

    def top(self, query: Query, limit: int) -> list[dict[str, str]]: ...


Opened = tuple[tuple, EngineReader]  # (the generation's version, its reader)


class Retired(Exception):
    """Raised by a reader closed because its index changed; the adapter takes a fresh one."""


def configured_engine() -> str:
    """Return the engine for new indexes: the app's ``SEARCH_ENGINE`` (in an app context),
    else ``FORMULATRUST_SEARCH_ENGINE``, else the default."""
    name = None
    from flask import current_app, has_app_context

    if has_app_context():
        name = current_app.config.get("SEARCH_ENGINE")
    name = name or os.environ.get("FORMULATRUST_SEARCH_ENGINE") or DEFAULT_ENGINE
    if name not in ENGINES:
        raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {name!r}")
    return name


def engine_module(name: str) -> ModuleType:
    """Return the module implementing engine ``name`` (imported on first use)."""
    if name == "tantivy":
        from formulatrust.search import tantivy_engine

        return tantivy_engine
    if name == "whoosh":
        from formulatrust.search import whoosh_engine

        return whoosh_engine
    raise ValueError(f"unknown search engine {name!r}")


def index_engine(index_dir: str | Path) -> str | None:
    """Return the engine that wrote ``index_dir``, or None when there is no index there."""
    try:
        name = (Path(index_dir) / ENGINE_FILE).read_text(encoding="ascii").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None  # also a folder from before engines were recorded: rebuild it
    return name if name in ENGINES else None


def valid_text(text: str) -> str:
    """Return ``text`` with lone surrogates (which no engine can store) replaced by ``?``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _valid(documents: Iterable[Document]) -> Iterator[Document]:
    for document in documents:
        fields = (document.kind, document.key, document.title_zh, document.title_en,
                  document.body, document.aliases, *(value for _, value in document.filters))
        if all(valid_text(value) is value for value in fields):
            yield document
        else:
            kind, key, title_zh, title_en, body = (valid_text(value) for value in fields[:5])
            yield Document(kind, key, title_zh, title_en, body, filters=tuple(
                (name, valid_text(value)) for name, value in document.filters),
                order=document.order, aliases=valid_text(document.aliases))


# --- Writing -------------------------------------------------------------------------------


def rebuild(index_dir: str | Path, documents: Iterable[Document],
            engine: str | None = None) -> int:
    """Build a fresh index from ``documents`` beside the old one, then swap it in.

    The previous generation is kept (readers may still have it open); older ones are removed.
    """
    target = Path(index_dir)
    name = engine or configured_engine()
    with _write_lock(target):
        count = _build(target, name, documents)
    _Readers.forget(target)
    return count


def upgrade(index_dir: str | Path, documents: Iterable[Document],
            wait: float = LOCK_TIMEOUT) -> bool:
    """Rebuild the index from ``documents`` when it was written in an older format than
    ``INDEX_FORMAT``; return whether it was. The check is made again under the writer lock,
    so of several workers that find it outdated one rebuilds it (``documents`` may be a
    generator: it is read only then). SearchError ``busy`` when another writer holds the
    lock for ``wait`` seconds."""
    target = Path(index_dir)
    with _write_lock(target, wait):
        if not outdated(target):
            return False
        _build(target, configured_engine(), documents)
    _Readers.forget(target)
    return True


def add_to_index(index_dir: str | Path, documents: Iterable[Document]) -> None:
    """Add or replace ``documents``, creating the index if there is none yet."""
    target = Path(index_dir)
    with _write_lock(target):
        name = index_engine(target)
        if name is None:
            _build(target, configured_engine(), documents)
        else:
            engine_module(name).update(target, _valid(documents), ())
            bump(target)


@contextmanager
def index_write(what: str) -> Iterator[None]:
    """Run an index update after a saved change, logging a failure instead of raising it: a
    locked or damaged index must not undo the change, and ``search rebuild`` mends it."""
    try:
        yield
    except Exception:
        logger.exception("search index not updated for %s; run `flask --app wsgi search "
                         "rebuild`", what)


def remove_from_index(index_dir: str | Path, kind: str, key: str) -> None:
    """Remove one document (nothing happens when there is no index)."""
    target = Path(index_dir)
    with _write_lock(target):
        name = index_engine(target)
        if name is not None:
            engine_module(name).update(target, (), (valid_text(f"{kind}:{key}"),))
            bump(target)


def _build(index: Path, name: str, documents: Iterable[Document]) -> int:
    """Write a complete index into a new generation folder, then point the index path at it."""
    generation = unused_generation(index)
    generation.mkdir(parents=True)
    try:
        count = engine_module(name).build(generation, _valid(documents))
        (generation / ENGINE_FILE).write_text(name + "\n", encoding="ascii")
        (generation / FORMAT_FILE).write_text(f"{INDEX_FORMAT}\n", encoding="ascii")
        bump(generation)
    except BaseException:
        shutil.rmtree(generation, ignore_errors=True)
        raise
    previous = point_at(index, generation)
    remove_stale_generations(index, keep={generation.name, previous})
    return count


@contextmanager
def _write_lock(target: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the index's writer lock (a file lock, so it spans processes and threads)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SearchError("busy") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- Reading -------------------------------------------------------------------------------


def index_format(index_dir: str | Path) -> int:
    """Return the format of the index at ``index_dir`` (1: written before formats were)."""
    try:
        return int((Path(index_dir) / FORMAT_FILE).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return 1


def outdated(index_dir: str | Path) -> bool:
    """Tell whether there is an index at ``index_dir`` written in an older format: it cannot
    answer what this code asks of it (``search(required=True)`` refuses it)."""
    generation = current_generation(Path(index_dir))
    return index_engine(generation) is not None and index_format(generation) < INDEX_FORMAT


def parse(text: str, kind: str | None = None, filters: Mapping[str, str] | None = None,
          sort: str = "relevance") -> Query:
    """Turn user text and filters into a ``Query``; raise SearchError when it cannot run."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    terms = query_terms(text)
    if not terms:
        raise SearchError("no_terms")
    if len(terms) > MAX_TERMS:
        raise SearchError("too_many_terms")
    pairs = []
    for name, value in (filters or {}).items():
        if name not in FILTERS:
            raise ValueError(f"unknown filter {name!r}")
        if value is not None and str(value) != "":
            pairs.append((name, valid_text(str(value)[:MAX_FILTER_CHARS])))
    return Query(tuple(terms), kind, tuple(pairs), sort)


def search(index_dir: str | Path, text: str, kind: str | None = None,
           filters: Mapping[str, str] | None = None, counts: Iterable[str] = (),
           limit: int = 20, offset: int = 0, sort: str = "relevance",
           required: bool = False) -> Matches:
    """Return one page of matching keys, the total, and per-value counts for ``counts``.

    Every term must match; each filter keeps documents that have that value; the page is
    best first, or by ``Document.order`` with ``sort="newest"``. Counts are taken over every
    match after filtering, most frequent first (years: newest first), at most ``COUNT_LIMIT``
    each. Without an index the answer is empty, or, when ``required``, SearchError
    ``unavailable`` (also for an index older than ``INDEX_FORMAT``).
    """
    query = parse(text, kind, filters, sort)
    names = tuple(dict.fromkeys(counts))
    unknown = set(names) - set(FILTERS)
    if unknown:
        raise ValueError(f"cannot count by {sorted(unknown)}")
    start = max(0, offset)
    found = _read(Path(index_dir), lambda reader: _current(reader, required).search(
        query, names, max(1, min(limit, MAX_LIMIT)), min(start, MAX_OFFSET)))
    if found is None:
        if required:
            raise SearchError("unavailable")
        return Matches([], 0, {name: [] for name in names})
    counted = {name: _top(name, pairs) for name, pairs in found.counts.items()}
    return Matches([] if start > MAX_OFFSET else found.keys, found.total, counted)


def _current(reader: EngineReader, required: bool) -> EngineReader:
    """Return ``reader``, unless ``required`` and its index predates the current format."""
    if required and reader.format < INDEX_FORMAT:
        raise SearchError("unavailable")
    return reader


def _top(name: str, pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Keep the ``COUNT_LIMIT`` values shown: most frequent first, years newest first."""
    if name == "year":
        return sorted(pairs, key=lambda pair: pair[0], reverse=True)[:COUNT_LIMIT]
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))[:COUNT_LIMIT]


def matching_keys(index_dir: str | Path, text: str, kind: str) -> list[str]:
    """Return the keys of every ``kind`` document matching ``text``, best first."""
    query = parse(text, kind)
    return _read(Path(index_dir), lambda reader: reader.all_keys(query)) or []


def query_index(index_dir: str | Path, text: str, limit: int = 20,
                kind: str | None = None, offset: int = 0) -> list[Hit]:
    """Return the best matches for ``text`` from ``offset`` on; every term must match in
    some field."""
    query = parse(text, kind)
    hits = []
    start = min(max(0, offset), MAX_OFFSET)
    found = _read(Path(index_dir), lambda reader: reader.top(query, start + max(1, limit)))
    for stored in (found or [])[start:]:
        terms = set(query.terms)
        shown = ""
        for name in ("body", "title_zh", "title_en"):
            shown = excerpt(stored[name], terms)
            if shown:
                break
        hits.append(Hit(kind=stored["kind"], key=stored["key"], title_zh=stored["title_zh"],
                        title_en=stored["title_en"], excerpt=shown))
    return hits


def close_index(index_dir: str | Path) -> None:
    """Close this process's reader of ``index_dir``; the next query opens it again."""
    _Readers.forget(Path(index_dir))


def _read(folder: Path, action: Callable[[EngineReader], T]) -> T | None:
    """Run ``action`` with the folder's current reader; None when there is no index."""
    while True:
        reader = _Readers.get(folder)
        if reader is None:
            return None
        try:
            return action(reader)
        except Retired:
            continue  # the index changed between taking the reader and using it


class _Readers:
    """One reader per index and process, reused and reopened when the index changes."""

    _lock = threading.Lock()
    _open: dict[Path, Opened] = {}
    _pid = os.getpid()

    @classmethod
    def get(cls, index: Path) -> EngineReader | None:
        with cls._lock:
            if cls._pid != os.getpid():  # a forked worker opens its own readers
                cls._open, cls._pid = {}, os.getpid()
            cached = cls._open.get(index)
            opened = _open_current(index, cached)
            if opened is None:  # never built, or a broken folder: keep serving what was open
                return cached[1] if cached else None
            if opened is not cached:
                cls._open[index] = opened
                if cached:
                    cached[1].close()
            return opened[1]

    @classmethod
    def forget(cls, index: Path) -> None:
        with cls._lock:
            cached = cls._open.pop(index, None)
        if cached:
            cached[1].close()


def _open_current(index: Path, cached: Opened | None) -> Opened | None:
    """Open the generation the index points at; when a rebuild swaps another one in
    meanwhile (and may remove the first), open that one instead."""
    for _ in range(OPEN_ATTEMPTS):
        generation = current_generation(index)
        opened = _open_reader(generation, cached)
        if opened is not None or current_generation(index) == generation:
            return opened
    return None


def _open_reader(generation: Path, cached: Opened | None) -> Opened | None:
    """Return ``cached`` when ``generation`` is what it read, else a new (version, reader);
    None when there is no index there or it cannot be opened."""
    try:
        version = generation_version(generation)
    except OSError:
        return None
    if cached and cached[0] == version:
        return cached
    name = index_engine(generation)
    if name is None:
        return None
    try:
        reader: EngineReader = engine_module(name).Reader(generation)
        reader.format = index_format(generation)
        return version, reader
    except Exception:
        logger.exception("cannot open the search index in %s", generation)
        return None
