"""Migration 0019 on SQLite and PostgreSQL: a database holding published terms written other
ways and the demo's old "中文 / English" strings ends up as a fresh import and demo would be;
going down puts the published text back."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from formulatrust.core import demo
from formulatrust.core.db import make_engine
from formulatrust.core.migrate import downgrade, upgrade
from formulatrust.results.demo import LABS

from .liveserver import sibling_database
from .test_demo_bilingual import joined_values

OLD_LAB = "示例检测研究院（虚构） / Demo Testing Institute (fictional)"
OLD_STRINGS = [
    f"UPDATE sampling_result SET lab = '{OLD_LAB}' WHERE lab = '示例检测研究院（虚构）'",
    "UPDATE failed_item SET measured = '检出 / detected', "
    "\"limit\" = 'n=5, c=0, m=0/100g 不得检出 / not detectable' WHERE measured = '检出'",
    "UPDATE batch SET source = '企业追溯数据（示例） / enterprise trace data (demo)'",
    "UPDATE rating SET assessor = '示例评定机构（虚构） / Demo assessor (fictional)'",
    "INSERT INTO problem_report (reference, gtin, lot, serial, category, description, contact, "
    "status, created_at) VALUES ('PURGED01', '09521234500018', '', '', 'other', "
    "'（已按保留期限删除 / deleted after the retention period）', '', 'closed', "
    "'2026-01-01 00:00:00+00:00')",
]
# Published terms as a regulator may write them (each names a vocabulary entry).
RAW_TERMS = [
    "UPDATE sampling_result SET province = '上海市' WHERE province = '上海'",
    "UPDATE sampling_result SET category = '婴幼儿配方乳粉'",
    "UPDATE sampling_result SET subcategory = '一段' WHERE subcategory = '1段'",
    "UPDATE failed_item SET item = '维生素 A' WHERE item = '维生素A'",
]
batch = sa.table("batch", sa.column("id"), sa.column("release_inspection", sa.JSON))


def age(connection) -> None:
    """Make a database at 0018 hold what the old demo and raw imports stored."""
    for statement in OLD_STRINGS + RAW_TERMS:
        connection.execute(sa.text(statement))
    for batch_id, inspection in connection.execute(sa.select(batch)).all():
        old = [{**i, "value": "未检出 / not detected" if i["value"] == "未检出" else i["value"]}
               for i in inspection["indicators"]]
        connection.execute(batch.update().where(batch.c.id == batch_id).values(
            release_inspection={**inspection, "indicators": old}))


def grouped(connection, sql: str) -> set[tuple]:
    return set(connection.execute(sa.text(sql)).all())


def test_migration_0019_maps_stored_terms_and_splits_old_demo_strings(database_url, tmp_path):
    engine = make_engine(sibling_database(database_url, "terms_migration", tmp_path))
    try:
        upgrade(engine)
        with Session(engine) as session:
            demo.build(session)
            session.commit()
        downgrade(engine, "0018")
        with engine.begin() as connection:
            age(connection)
            assert OLD_LAB in {lab for (lab,) in connection.execute(sa.text(
                "SELECT lab FROM sampling_result"))}
        upgrade(engine)
        assert joined_values(engine) == []
        with engine.connect() as connection:
            assert grouped(connection, "SELECT DISTINCT lab, lab_en FROM sampling_result") \
                == set(LABS)
            assert grouped(connection, "SELECT DISTINCT category, category_raw "
                           "FROM sampling_result") == {("婴幼儿配方食品", "婴幼儿配方乳粉")}
            assert ("上海", "上海市") in grouped(
                connection, "SELECT DISTINCT province, province_raw FROM sampling_result")
            assert ("1段", "一段") in grouped(
                connection, "SELECT DISTINCT subcategory, subcategory_raw FROM sampling_result")
            assert ("维生素A", "维生素 A") in grouped(
                connection, "SELECT DISTINCT item, item_raw FROM failed_item")
            assert grouped(connection, "SELECT DISTINCT source, source_en FROM batch") == {
                ("企业追溯数据（示例）", "enterprise trace data (demo)")}
            assert grouped(connection, "SELECT DISTINCT assessor, assessor_en FROM rating") == {
                ("示例评定机构（虚构）", "Demo assessor (fictional)")}
            assert connection.scalar(sa.text(
                "SELECT COUNT(*) FROM sampling_result WHERE sampled_unit_en = ''")) == 0
            assert connection.scalar(sa.text("SELECT description FROM problem_report")) == ""
        downgrade(engine, "0018")
        with engine.connect() as connection:
            assert grouped(connection, "SELECT DISTINCT category FROM sampling_result") == {
                ("婴幼儿配方乳粉",)}
            assert ("维生素 A",) in grouped(connection, "SELECT DISTINCT item FROM failed_item")
        upgrade(engine)
    finally:
        engine.dispose()
