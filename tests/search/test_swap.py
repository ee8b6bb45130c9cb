"""A rebuild swaps the whole index in with one rename of a link, so no reader ever finds none."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from formulatrust.search import (
    Document,
    add_to_index,
    close_index,
    index_engine,
    query_index,
    rebuild,
)

OLD = [Document("result", "1", "星禾婴儿配方乳粉", "", "硒 合格"),
       Document("result", "2", "云羊幼儿配方乳粉", "", "维生素A 不合格")]
NEW = [Document("result", "7", "禾宝较大婴儿配方乳粉", "", "阪崎肠杆菌 合格")]
HANG_GUARD = 120  # seconds; only so that a broken test fails instead of hanging


@pytest.fixture
def index(tmp_path, search_engine) -> Path:
    return tmp_path / "search-index"


def keys(index: Path, text: str = "配方乳粉") -> list[str]:
    return sorted(hit.key for hit in query_index(index, text))


def fresh_keys(index: Path, text: str = "配方乳粉") -> list[str]:
    """Search as a newly started process would: with a reader opened now."""
    close_index(index)
    return keys(index, text)


def generations(index: Path) -> list[str]:
    """Everything beside the index that the index's builds made."""
    return sorted(p.name for p in index.parent.iterdir() if p.name.startswith(index.name + "."))


def generation_folders(index: Path) -> list[str]:
    return [name for name in generations(index) if index.with_name(name).is_dir()]


def target(index: Path) -> Path:
    return index.parent / os.readlink(index)


def failing_after_one(documents):
    yield documents[0]
    raise RuntimeError("the database went away")


def make_legacy(index: Path, documents: list[Document]) -> None:
    """Lay the index out as earlier versions did: a real folder at the index path."""
    rebuild(index, documents)
    folder = target(index)
    index.unlink()
    folder.rename(index)
    close_index(index)


def test_a_rebuild_points_the_index_path_at_a_complete_generation(index, search_engine):
    rebuild(index, OLD)
    rebuild(index, NEW)
    assert index.is_symlink()
    assert not os.path.isabs(os.readlink(index))  # the instance folder can move
    assert target(index).parent == index.parent
    assert target(index).name.startswith(index.name + ".g")
    assert {"ENGINE", "GENERATION"} <= {p.name for p in target(index).iterdir()}
    assert index_engine(index) == search_engine
    assert keys(index) == ["7"]
    assert fresh_keys(index) == ["7"]


def test_writes_and_the_feed_file_work_through_the_link(index):
    rebuild(index, OLD)
    add_to_index(index, NEW)
    assert keys(index) == ["1", "2", "7"]
    Path(f"{index}.feed").write_text("5")
    rebuild(index, OLD)
    assert Path(f"{index}.feed").read_text() == "5"
    assert fresh_keys(index) == ["1", "2"]


def test_a_rebuild_that_dies_leaves_the_previous_index_serving(index):
    rebuild(index, OLD)
    assert keys(index) == ["1", "2"]  # a reader is open
    before = (os.readlink(index), generations(index))
    with pytest.raises(RuntimeError):
        rebuild(index, failing_after_one(NEW))
    assert keys(index) == ["1", "2"]        # the open reader
    assert fresh_keys(index) == ["1", "2"]  # and a fresh one
    assert (os.readlink(index), generations(index)) == before  # nothing half-built left


def test_fresh_readers_always_find_an_index_while_it_is_rebuilt(index, monkeypatch):
    """One thread rebuilds again and again; after every rename it makes, it waits until the
    other thread has opened a fresh reader and searched, so every state between renames is
    seen by a reader."""
    rebuild(index, OLD)
    rebuilder = threading.get_ident()
    state = threading.Condition()
    progress = {"renames": 0, "looked": 0}
    answers: list[list[str]] = []
    failures: list[BaseException] = []
    finished = threading.Event()

    def wait_for_a_look(rename):
        def renamed(*args, **kwargs):
            rename(*args, **kwargs)
            if threading.get_ident() != rebuilder:
                return
            with state:
                progress["renames"] += 1
                done = progress["renames"]
                state.notify_all()
                assert state.wait_for(lambda: progress["looked"] >= done or failures,
                                      timeout=HANG_GUARD)
        return renamed

    def look_until_finished():
        try:
            while not finished.is_set():
                with state:
                    started = progress["renames"]
                answers.append(fresh_keys(index))
                with state:
                    progress["looked"] = max(progress["looked"], started)
                    state.notify_all()
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            with state:
                state.notify_all()

    monkeypatch.setattr(os, "rename", wait_for_a_look(os.rename))
    monkeypatch.setattr(os, "replace", wait_for_a_look(os.replace))
    reader = threading.Thread(target=look_until_finished)
    reader.start()
    try:
        for number in range(4):
            rebuild(index, NEW if number % 2 else OLD)
    finally:
        finished.set()
        reader.join(HANG_GUARD)
    assert failures == []
    assert progress["renames"] > 0 and len(answers) >= progress["renames"]
    assert [] not in answers, "a freshly opened reader found nothing"
    assert all(answer in (["1", "2"], ["7"]) for answer in answers)  # always one whole index


def test_a_folder_left_by_earlier_versions_is_migrated_and_stays_searchable(index):
    make_legacy(index, OLD)
    assert keys(index) == ["1", "2"]
    add_to_index(index, NEW)  # writes still go into the folder itself
    assert fresh_keys(index) == ["1", "2", "7"]
    with pytest.raises(RuntimeError):
        rebuild(index, failing_after_one(NEW))
    assert index.is_dir() and not index.is_symlink()
    assert fresh_keys(index) == ["1", "2", "7"]

    rebuild(index, NEW)
    assert index.is_symlink()
    assert keys(index) == ["7"]
    assert fresh_keys(index) == ["7"]
    (aside,) = set(generation_folders(index)) - {target(index).name}
    assert index_engine(index.with_name(aside))  # the old folder is kept until the next rebuild
    rebuild(index, OLD)
    assert not index.with_name(aside).exists()
    assert fresh_keys(index) == ["1", "2"]


def test_only_the_current_and_the_previous_generation_are_kept(index):
    Path(f"{index}.feed").write_text("5")
    half_built = index.with_name(index.name + ".g1")
    half_built.mkdir()
    (half_built / "segment").write_text("left by a build that was killed")
    for earlier in (".building", ".old"):  # left by earlier versions
        index.with_name(index.name + earlier).mkdir()
    for number in range(5):
        rebuild(index, NEW if number % 2 else OLD)
    assert len(generation_folders(index)) == 2
    assert target(index).name in generation_folders(index)
    assert Path(f"{index}.feed").read_text() == "5"
    assert fresh_keys(index) == ["1", "2"]
