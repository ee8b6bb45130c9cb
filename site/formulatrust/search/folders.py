"""The index folder on disk: a link to the generation folder in use, swapped in one rename.

A generation is a complete index (``search-index.g<ns>``); its generation file is replaced on
every write, so a reader sees with one ``stat`` whether what it opened is still current.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

GENERATION_FILE = "GENERATION"


def unused_generation(index: Path) -> Path:
    """Return a new generation folder's path beside ``index`` (not yet made)."""
    while True:
        candidate = index.with_name(f"{index.name}.g{time.time_ns()}")
        if not os.path.lexists(candidate):
            return candidate


def point_at(index: Path, generation: Path) -> str | None:
    """Switch the index path to ``generation`` with one rename; return the name it had before.

    A folder left at the index path by earlier versions is first moved aside, as a generation
    of its own: the only moment without an index, once per installation.
    """
    link = index.with_name(index.name + ".swap")
    link.unlink(missing_ok=True)
    link.symlink_to(generation.name)  # relative, so the instance folder can move
    previous = link_target(index)
    if previous is None and index.is_dir():
        aside = unused_generation(index)
        index.rename(aside)
        previous = aside.name
    os.replace(link, index)
    return previous


def link_target(index: Path) -> str | None:
    try:
        return Path(os.readlink(index)).name
    except OSError:  # missing, or a folder from before the link
        return None


def remove_stale_generations(index: Path, keep: set[str | None]) -> None:
    """Remove the folders beside the index that are not in ``keep``: older generations,
    half-built ones, and the ``.building`` and ``.old`` folders of earlier versions."""
    stale = re.compile(re.escape(index.name) + r"\.(g\d+|building|old)")
    for path in index.parent.iterdir():
        if stale.fullmatch(path.name) and path.name not in keep and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def bump(folder: Path) -> None:
    """Replace the generation file, so every reader sees a new inode and reopens."""
    temporary = folder / f"{GENERATION_FILE}.{os.getpid()}.{threading.get_ident()}"
    temporary.write_text(f"{time.time_ns()}\n", encoding="ascii")
    os.replace(temporary, folder / GENERATION_FILE)


def current_generation(index: Path) -> Path:
    """Return the folder the index path points at (the path itself for an earlier layout).

    Readers open this folder rather than the path, so a swap while they open it, or while they
    are open, never mixes the files of two generations.
    """
    try:
        return index.parent / os.readlink(index)
    except OSError:
        return index


def generation_version(folder: Path) -> tuple:
    """Return what changes whenever the index at ``folder`` is rebuilt or written (each
    generation has its own generation file, so a swap changes it too)."""
    state = os.stat(folder / GENERATION_FILE)
    return (state.st_dev, state.st_ino, state.st_mtime_ns)
