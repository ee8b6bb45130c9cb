"""The complete data files: every record of each dataset as gzipped CSV (UTF-8 with a BOM,
spreadsheet-safe cells) and gzipped JSON Lines, with a manifest.

Each node builds them from the database into its own folder (``DATA_DIR``, else
``instance/data``); nothing is shared but the database. A file is written under a temporary
name and renamed into place (its name carries its checksum), then the manifest is replaced the
same way, so a reader never meets a half-written file. One build at a time per node: a file lock
beside the manifest.

The manifest records, for each file, the change-feed id it reflects. A request for a file or the
manifest asks for the feed's newest id; when the feed has moved past a file's id, the request is
answered with the file there is and a background thread (one per process, one build per node)
rebuilds the files whose kinds of records changed and moves the others' ids forward.
"""

from __future__ import annotations

import csv
import fcntl
import gzip
import hashlib
import io
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.core.change_feed import Change
from formulatrust.core.clock import utcnow
from formulatrust.core.config import site_origin
from formulatrust.domain.spreadsheet import safe_row
from formulatrust.open_data import heavy
from formulatrust.open_data.dump_sources import SOURCES, Source

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
LOCK = ".build.lock"
FORMATS = {"csv": "csv.gz", "jsonl": "jsonl.gz"}
THREAD_KEY = "formulatrust.dumps.thread"
Progress = Callable[[int], None]


def folder(app: Flask) -> Path:
    """Return this node's folder of data files."""
    return Path(app.config.get("DATA_DIR") or Path(app.instance_path) / "data")


def file_name(slug: str, fmt: str) -> str:
    return f"{slug}.{FORMATS[fmt]}"


def stored_path(where: Path, entry: dict[str, Any]) -> Path:
    """Where a manifest entry's bytes are: its name prefixed with its checksum."""
    return where / f"{entry['sha256'][:16]}-{entry['name']}"


def read_manifest(where: Path) -> dict[str, Any] | None:
    try:
        return json.loads((where / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def entries(manifest: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return the manifest's files by name."""
    return {entry["name"]: entry for entry in (manifest or {}).get("files", [])}


def newest_change(session: Session) -> int:
    return int(session.scalar(select(func.max(Change.id))) or 0)


# Building


class _Digest:
    """A binary file that also counts and hashes what is written to it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.size, self.sha = handle, 0, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


@contextmanager
def _draft(where: Path, name: str) -> Iterator[tuple[io.TextIOWrapper, _Digest, Path]]:
    """A gzipped text file under a temporary name (removed if the build fails)."""
    path = where / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(path, "wb") as raw:
            digest = _Digest(raw)
            # mtime=0 and no name inside: the same records always make the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=digest, mtime=0) as packed:
                with io.TextIOWrapper(packed, encoding="utf-8", newline="") as text:
                    yield text, digest, path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_source(where: Path, source: Source, session: Session, change_id: int,
                 progress: Progress | None = None) -> list[dict[str, Any]]:
    """Write one dataset as CSV and JSON Lines in one pass; return their manifest entries."""
    names = {fmt: file_name(source.slug, fmt) for fmt in FORMATS}
    with _draft(where, names["csv"]) as (csv_text, csv_digest, csv_path), \
            _draft(where, names["jsonl"]) as (json_text, json_digest, json_path):
        csv_text.write("\ufeff")
        writer = csv.writer(csv_text)
        writer.writerow(safe_row(source.dataset.columns))
        rows = 0
        for record in source.records(session):
            writer.writerow(safe_row(source.dataset.row(record)))
            json_text.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            rows += 1
            if progress is not None:
                progress(1)
    built = utcnow().isoformat(timespec="seconds")
    made = []
    for fmt, digest, path in (("csv", csv_digest, csv_path), ("jsonl", json_digest, json_path)):
        entry = {"name": names[fmt], "dataset": source.slug, "format": fmt, "size": digest.size,
                 "rows": rows, "sha256": digest.sha.hexdigest(), "built_at": built,
                 "change_id": change_id}
        os.replace(path, stored_path(where, entry))
        made.append(entry)
    return made


def build(session: Session, where: Path, slugs: Iterable[str] | None = None,
          progress: Progress | None = None, after_source: Progress | None = None,
          checked: int = 0) -> dict:
    """Build the files of ``slugs`` (every dataset when None); keep the others, moving their
    change ids forward to ``checked`` (the feed id up to which ``slugs`` names every dataset
    that changed). The caller holds the build lock. Return the new manifest."""
    where.mkdir(parents=True, exist_ok=True)
    wanted = set(slugs) if slugs is not None else {source.slug for source in SOURCES}
    old = read_manifest(where)
    kept = entries(old)
    files: list[dict[str, Any]] = []
    for source in SOURCES:
        current = [kept[file_name(source.slug, fmt)] for fmt in FORMATS
                   if file_name(source.slug, fmt) in kept]
        if source.slug in wanted or len(current) != len(FORMATS):
            files += write_source(where, source, session, newest_change(session), progress)
        else:
            files += [{**entry, "change_id": max(entry["change_id"], checked)}
                      for entry in current]
        if after_source is not None:
            after_source(1)
    manifest = {"built_at": utcnow().isoformat(timespec="seconds"), "files": files}
    _replace_manifest(where, manifest)
    _remove_unlisted(where, [manifest, old])
    return manifest


def _replace_manifest(where: Path, manifest: dict[str, Any]) -> None:
    draft = where / f".{MANIFEST}.{os.getpid()}.tmp"
    draft.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(draft, where / MANIFEST)


def _remove_unlisted(where: Path, manifests: list[dict[str, Any] | None]) -> None:
    """Delete stored files neither the new nor the previous manifest lists (a reader may still
    be sending the previous ones), and drafts a failed build left."""
    listed = {stored_path(where, entry).name for m in manifests for entry in entries(m).values()}
    for path in where.iterdir():
        stale_file = path.name.endswith(".gz") and path.name not in listed
        if stale_file or path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


@contextmanager
def build_lock(where: Path, wait: bool = True) -> Iterator[bool]:
    """Hold this node's build lock; with ``wait=False`` yield False at once if it is taken."""
    where.mkdir(parents=True, exist_ok=True)
    with open(where / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Following the change feed


def stale(session: Session, manifest: dict[str, Any] | None, upto: int) -> set[str]:
    """Return the datasets whose files are missing or behind a change of a kind they hold,
    among the changes up to id ``upto``."""
    files = entries(manifest)
    ids: dict[str, int | None] = {}
    for source in SOURCES:
        found = [files.get(file_name(source.slug, fmt)) for fmt in FORMATS]
        ids[source.slug] = min(e["change_id"] for e in found if e) if all(found) else None
    missing = {slug for slug, change_id in ids.items() if change_id is None}
    present = [change_id for change_id in ids.values() if change_id is not None]
    if not present:
        return missing
    low = min(present)
    oldest = session.scalar(select(func.min(Change.id)))
    if oldest is not None and oldest > low + 1:  # rows were purged: no telling what changed
        return set(ids)
    moved = dict(session.execute(select(Change.kind, func.max(Change.id))
                                 .where(Change.id > low, Change.id <= upto)
                                 .group_by(Change.kind)).all())
    return missing | {source.slug for source in SOURCES
                      if any(moved.get(kind, 0) > (ids[source.slug] or 0)
                             for kind in source.kinds)}


def behind(session: Session, manifest: dict[str, Any] | None) -> bool:
    """Tell (with one cheap query) whether the files may be out of date."""
    files = entries(manifest)
    if len(files) != len(SOURCES) * len(FORMATS):
        return True
    return newest_change(session) > min(entry["change_id"] for entry in files.values())


def refresh(app: Flask) -> None:
    """Rebuild what is stale, in a slot of the heavy-request pool under the build lock; give up
    quietly when either is taken (the next request asks again)."""
    slot = heavy.try_slot(app)
    if slot is None:
        return
    try:
        with app.test_request_context("/", base_url=site_origin(app.config)):
            where = folder(app)
            with build_lock(where, wait=False) as locked:
                if locked:
                    session = db.session()
                    checked = newest_change(session)
                    wanted = stale(session, read_manifest(where), checked)
                    build(session, where, wanted, progress=heavy.Pace(slot.sharers),
                          checked=checked)
    except Exception:  # noqa: BLE001  (a failed build leaves the previous files serving)
        log.exception("the data files could not be rebuilt")
    finally:
        slot.release()


def follow() -> dict[str, Any] | None:
    """Return the current manifest, starting a background refresh when the feed has moved."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    manifest = read_manifest(folder(app))
    if behind(db.session(), manifest):
        start_refresh(app)
    return manifest


_starting = threading.Lock()


def start_refresh(app: Flask) -> threading.Thread | None:
    """Start ``refresh`` in a thread unless this process already runs one."""
    with _starting:
        running = app.extensions.get(THREAD_KEY)
        if running is not None and running.is_alive():
            return None
        thread = threading.Thread(target=refresh, args=(app,), name="data-files", daemon=True)
        app.extensions[THREAD_KEY] = thread
        thread.start()
        return thread


def wait_for_refresh(app: Flask, timeout: float | None = None) -> None:
    """Wait for this process's background refresh, if any (commands and tests)."""
    running = app.extensions.get(THREAD_KEY)
    if running is not None:
        running.join(timeout)
