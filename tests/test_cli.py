"""Operator commands: migrate, demo data, search index."""

from __future__ import annotations

from sqlalchemy import func, select

from formulatrust.core import db
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.search import query_index

from .conftest import empty_tables


def demo_snapshot(app):
    with app.app_context():
        session = db.session()
        return sorted(
            (p.gtin, p.name_zh, p.brand.name_en, p.brand.enterprise.licence_no)
            for p in session.scalars(select(Product))
        )


def test_db_upgrade_is_repeatable(runner):
    first = runner.invoke(args=["db", "upgrade"])
    second = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output


def test_demo_data_is_labelled_fictional_and_deterministic(app, runner, engine):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "6 enterprises" in result.output
    first = demo_snapshot(app)
    with app.app_context():
        enterprises = db.session().scalars(select(Enterprise)).all()
        assert all(e.is_demo and e.name_zh.endswith("（示例）") for e in enterprises)
        assert all(e.name_en.endswith("(demo)") for e in enterprises)
    assert all(gtin.startswith("0952") for gtin, *_ in first)  # GS1's demonstration prefix

    empty_tables(engine)
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert demo_snapshot(app) == first


def test_demo_refuses_to_load_twice_and_if_empty_skips(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0 and "already has enterprises" in again.output
    skipped = runner.invoke(args=["demo", "--if-empty"])
    assert skipped.exit_code == 0 and "not loaded" in skipped.output
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Brand)) == 12


def test_demo_banner_shows_while_demo_data_is_present(client, runner):
    assert "示例数据" not in client.get("/").get_data(as_text=True)
    runner.invoke(args=["demo"])
    client.application.extensions.pop("formulatrust.demo", None)
    assert "示例数据" in client.get("/").get_data(as_text=True)


def test_search_rebuild_indexes_the_database(app, runner, world):
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    articles = len(app.extensions["formulatrust.content"].folders.get("learn", {}))
    assert f"Indexed {4 + articles} documents" in result.output  # 2 enterprises, 2 brands
    hits = query_index(app.config["SEARCH_INDEX_DIR"], "河畔")
    assert {(hit.kind, hit.key) for hit in hits} == {("enterprise", "river-milk"),
                                                     ("brand", "river-brand")}
