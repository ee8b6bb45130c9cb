"""``flask --app wsgi search reindex``: a fresh index from the database, swapped in whole, so a
build that fails half-way leaves the old index serving."""

from __future__ import annotations

from pathlib import Path

import pytest

from formulatrust.pages.search_documents import all_documents
from formulatrust.search import Document, rebuild

from ..pagecheck import check_page


def hits(client, query: str) -> list[str]:
    soup = check_page(client.get(f"/search?q={query}&lang=en").get_data(as_text=True))
    return [a.get_text(strip=True) for a in soup.select(".hits a")]


def test_reindex_builds_the_index_from_the_database_with_a_progress_bar(app, client, runner,
                                                                        world):
    assert hits(client, "河畔") == []  # no index yet
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output and "Indexed" in result.output
    assert "Riverside Milk Co., Ltd." in hits(client, "河畔")
    assert Path(app.config["SEARCH_INDEX_DIR"]).is_symlink()  # to the generation just built


def test_rebuild_still_works_but_only_reindex_is_listed(runner, client, world):
    listed = runner.invoke(args=["search", "--help"]).output
    assert "reindex" in listed and "rebuild" not in listed
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert "Riverside Milk Co., Ltd." in hits(client, "河畔")


def failing_halfway(documents):
    """Yield the first documents, then fail as a crashed build would."""
    for number, document in enumerate(documents):
        if number == 2:
            raise RuntimeError("the database went away")
        yield document


def test_a_build_that_fails_halfway_leaves_the_old_index_serving(app, client, runner, session,
                                                                 world):
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    world["enterprises"][1].name_zh = "改名乳业有限公司"
    session.commit()
    before = hits(client, "测试")  # the index has followed the change feed by now
    assert before
    assert "Riverside Milk Co., Ltd." in hits(client, "改名")
    index_dir = Path(app.config["SEARCH_INDEX_DIR"])
    files_before = sorted(p.name for p in index_dir.iterdir())
    with pytest.raises(RuntimeError):
        rebuild(index_dir, failing_halfway(all_documents(session)))
    assert hits(client, "测试") == before
    assert sorted(p.name for p in index_dir.iterdir()) == files_before
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0  # the next build succeeds
    assert "Riverside Milk Co., Ltd." in hits(client, "改名")


def test_searches_see_the_new_index_as_soon_as_it_is_swapped_in(app, client):
    index_dir = app.config["SEARCH_INDEX_DIR"]
    rebuild(index_dir, [Document("enterprise", "old-dairy", "旧乳业", "Old Dairy", "")])
    assert hits(client, "乳业") == ["Old Dairy"]
    rebuild(index_dir, [Document("enterprise", "new-dairy", "新乳业", "New Dairy", "")])
    assert hits(client, "乳业") == ["New Dairy"]
