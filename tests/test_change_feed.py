"""The change feed: writes to published facts append rows; workers on any node follow it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from formulatrust.core import db
from formulatrust.core.change_feed import Change
from formulatrust.core.clock import utcnow
from formulatrust.results.models import Recall
from formulatrust.scan.models import Batch

CAN = "/01/09521234500018/10/20260301A1/21/REG0001?lang=en"


def publish_recall(app, batch_id: int) -> int:
    with app.app_context():
        session = db.session()
        batch = session.get(Batch, batch_id)
        recall = Recall(product_id=batch.product_id, lots=[batch.lot],
                        announced_on=date(2026, 7, 1), reason_zh="测试召回。",
                        reason_en="Test recall.", action_zh="停止食用。",
                        action_en="Stop using it.")
        session.add(recall)
        session.commit()
        return recall.id


def test_a_published_recall_is_in_the_feed_with_its_keys(app, session, trace):
    before = session.scalar(select(Change.id).order_by(Change.id.desc()).limit(1)) or 0
    recall_id = publish_recall(app, trace["ordinary"].id)
    rows = session.scalars(select(Change).where(Change.id > before)).all()
    assert [(row.kind, row.action) for row in rows] == [("recall", "insert")]
    assert rows[0].keys["id"] == recall_id and rows[0].keys["lots"] == ["20260301A1"]


def test_a_query_count_is_not_a_change_to_published_facts(client, session, trace):
    before = session.scalar(select(Change.id).order_by(Change.id.desc()).limit(1)) or 0
    with client.get(CAN):
        pass
    assert session.scalars(select(Change).where(Change.id > before)).all() == []


def test_another_node_with_its_own_instance_folder_drops_its_cached_page(make_app, app_overrides,
                                                                          trace):
    """Nothing shared but the database: no stamp file, no process, no folder."""
    folder = Path(app_overrides["INSTANCE_PATH"])
    node_a = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 600,
                       "INSTANCE_PATH": str(folder.with_name("node-a"))})
    node_b = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 600,
                       "INSTANCE_PATH": str(folder.with_name("node-b"))})
    assert "recall-banner" not in node_b.test_client().get(CAN).get_data(as_text=True)
    publish_recall(node_a, trace["ordinary"].id)
    assert "Test recall." in node_b.test_client().get(CAN).get_data(as_text=True)
    assert not list(folder.parent.glob("node-*/*.stamp"))


def test_changes_purge_keeps_the_stated_period(runner, session):
    session.add_all([Change(kind="recall", action="insert", keys={"id": 1},
                            at=utcnow() - timedelta(days=40)),
                     Change(kind="recall", action="update", keys={"id": 1},
                            at=utcnow() - timedelta(days=2))])
    session.commit()
    result = runner.invoke(args=["changes", "purge"])
    assert result.exit_code == 0 and "1 change-feed rows deleted (older than 30 days)" in \
        result.output
    session.expire_all()
    assert [row.action for row in session.scalars(select(Change))] == ["update"]


def test_another_nodes_search_finds_a_recall_published_on_the_first(make_app, app_overrides,
                                                                     trace):
    """Each node has its own index folder; the recall reaches B's index through the feed."""
    folder = Path(app_overrides["INSTANCE_PATH"])
    nodes = [make_app({**app_overrides, "INSTANCE_PATH": str(folder.with_name(f"node-{n}")),
                       "SEARCH_INDEX_DIR": str(folder.with_name(f"index-{n}"))})
             for n in "ab"]
    for node in nodes:
        result = node.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
    node_a, node_b = nodes
    search = "/search?q=Zanzibarquake&lang=en"
    assert "/recalls/" not in node_b.test_client().get(search).get_data(as_text=True)
    with node_a.app_context():
        session = db.session()
        batch = session.get(Batch, trace["ordinary"].id)
        session.add(Recall(product_id=batch.product_id, lots=[batch.lot],
                           announced_on=date(2026, 7, 1), reason_zh="测试召回。",
                           reason_en="Zanzibarquake contamination.", action_zh="停止食用。",
                           action_en="Stop using it."))
        session.commit()
    page = node_b.test_client().get(search).get_data(as_text=True)
    assert 'href="/recalls/' in page
