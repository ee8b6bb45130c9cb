"""The change feed: writes to published facts append rows; workers on any node follow it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, event, select, text

from formulatrust.core import db, freshness
from formulatrust.core.change_feed import Change
from formulatrust.core.clock import utcnow
from formulatrust.enterprises.models import Brand
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.scan.models import Batch

from . import factories
from .conftest import database_backend
from .waiting import eventually

CAN = "/01/09521234500018/10/20260301A1/21/REG0001?lang=en"


def publish_recall(app, batch_id: int, reason_en: str = "Test recall.") -> int:
    with app.app_context():
        session = db.session()
        batch = session.get(Batch, batch_id)
        recall = Recall(product_id=batch.product_id, lots=[batch.lot],
                        announced_on=date(2026, 7, 1), reason_zh="测试召回。",
                        reason_en=reason_en, action_zh="停止食用。",
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
    # Within a second (PostgreSQL notifies, SQLite is polled every CHANGE_POLL_SECONDS).
    assert eventually(lambda: "Test recall." in page_of(node_b), within=5)
    assert not list(folder.parent.glob("node-*/*.stamp"))


def page_of(app, path: str = CAN) -> str:
    return app.test_client().get(path).get_data(as_text=True)


def feed_reads(app) -> list[str]:
    """Record every statement ``app`` sends that reads the change feed."""
    statements: list[str] = []

    @event.listens_for(app.extensions[db.EXTENSION_KEY].kw["bind"], "before_cursor_execute")
    def record(_conn, _cursor, statement, *_args) -> None:
        if "FROM change" in statement:
            statements.append(statement)

    return statements


def test_a_node_learns_of_a_change_without_asking_on_every_page(make_app, app_overrides, trace):
    """PostgreSQL wakes the node (LISTEN/NOTIFY); SQLite, which cannot, is polled instead."""
    postgresql = database_backend() == "postgresql"
    poll = 3600 if postgresql else 0.2  # an hour: only a notification can tell it in time
    folder = Path(app_overrides["INSTANCE_PATH"])
    node_a = make_app({**app_overrides, "INSTANCE_PATH": str(folder.with_name("node-a"))})
    node_b = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 600,
                       "CHANGE_POLL_SECONDS": poll,
                       "INSTANCE_PATH": str(folder.with_name("node-b"))})
    assert "recall-banner" not in page_of(node_b)
    follower = node_b.extensions[freshness.EXTENSION_KEY]
    assert follower.listen is postgresql
    if postgresql:
        assert eventually(lambda: follower._listener.healthy())
        # Once connected, the listener has the node read the feed once: a notification may
        # have come before it listened. The next page makes that read.
        assert "recall-banner" not in page_of(node_b)
    reads = feed_reads(node_b)
    for _ in range(5):
        assert "recall-banner" not in page_of(node_b)
    assert reads == [] if postgresql else len(reads) <= 1  # not one read per page
    publish_recall(node_a, trace["ordinary"].id)
    assert eventually(lambda: "Test recall." in page_of(node_b), within=5)


def test_a_listener_that_lost_its_connection_comes_back(make_app, app_overrides, trace):
    """A dropped listening connection: the node polls meanwhile and listens again."""
    node_a = make_app(app_overrides)
    node_b = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 600})
    page_of(node_b)
    follower = node_b.extensions[freshness.EXTENSION_KEY]
    if database_backend() == "sqlite":
        assert follower.listen is False and follower.poll_seconds == 1.0
        return
    assert eventually(lambda: follower._listener.healthy())
    with node_a.app_context():
        db.session().execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"))
    publish_recall(node_a, trace["ordinary"].id)
    assert eventually(lambda: "Test recall." in page_of(node_b), within=5)
    assert eventually(lambda: follower._listener.healthy())


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
    node_a, node_b = two_indexed_nodes(make_app, app_overrides)
    search = "/search?q=Zanzibarquake&lang=en"
    assert "/recalls/" not in node_b.test_client().get(search).get_data(as_text=True)
    publish_recall(node_a, trace["ordinary"].id, "Zanzibarquake contamination.")
    page = node_b.test_client().get(search).get_data(as_text=True)
    assert 'href="/recalls/' in page


def two_indexed_nodes(make_app, app_overrides) -> list:
    """Two nodes with their own instance and index folders, each index freshly built."""
    folder = Path(app_overrides["INSTANCE_PATH"])
    nodes = [make_app({**app_overrides, "INSTANCE_PATH": str(folder.with_name(f"node-{n}")),
                       "SEARCH_INDEX_DIR": str(folder.with_name(f"index-{n}"))})
             for n in "ab"]
    for node in nodes:
        result = node.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
    return nodes


def add_product(session, brand_id: int) -> None:
    factories.product(session, session.get(Brand, brand_id), gtin="09521234500049",
                      name_zh="河畔袋熊配方乳粉", name_en="Quokkamilk infant formula")


def test_a_product_added_on_one_node_finds_its_brand_on_the_other(make_app, app_overrides,
                                                                   world):
    node_a, node_b = two_indexed_nodes(make_app, app_overrides)
    search = "/search?q=Quokkamilk&lang=en"
    assert 'href="/brands/river-brand' not in page_of(node_b, search)
    with node_a.app_context():
        session = db.session()
        add_product(session, world["brands"][1].id)
        session.commit()
    assert 'href="/brands/river-brand' in page_of(node_b, search)


def test_a_result_added_on_one_node_is_found_by_the_results_search_of_the_other(
        make_app, app_overrides, world):
    node_a, node_b = two_indexed_nodes(make_app, app_overrides)
    search = "/results?q=Wombatdale&lang=en"
    assert "S777" not in page_of(node_b, search)
    with node_a.app_context():
        session = db.session()
        session.add(SamplingResult(sample_no="S777", product_name="测试婴儿配方乳粉",
                                   enterprise_name="Wombatdale Dairy", province="上海",
                                   lab="测试检验所", category="婴幼儿配方食品",
                                   announced_on=date(2026, 5, 1), compliant=True,
                                   announcement_no="2026年第7号"))
        session.commit()
    assert "Wombatdale Dairy" in page_of(node_b, search)


def test_a_node_down_longer_than_the_feed_is_kept_rebuilds_its_index(make_app, app_overrides,
                                                                      world, session):
    """Its changes were purged while it was away: it cannot follow them, so it rebuilds."""
    node_a, node_b = two_indexed_nodes(make_app, app_overrides)
    search = "/search?q=Quokkamilk&lang=en"
    page_of(node_b, search)  # B's index is at the feed's newest id
    with node_a.app_context():
        session_a = db.session()
        add_product(session_a, world["brands"][1].id)
        session_a.commit()
        later = Change(kind="rating", action="insert", keys={"id": 1})
        session_a.add(later)
        session_a.commit()
    # The purge deleted every row before the later change, the product's among them.
    session.execute(delete(Change).where(Change.id < later.id))
    session.commit()
    assert 'href="/brands/river-brand' in page_of(node_b, search)
