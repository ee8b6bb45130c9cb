"""Result terms mapped to the vocabularies (the published text kept beside them), English names
of labs, sampled units, trace sources and assessors, and demo records without bilingual strings

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 05:30:00

Stored results are mapped as the import now maps them: a category, subcategory, province or
failed item that names a vocabulary entry takes the entry's Chinese form and keeps the
published text in ``*_raw``. Demo records that stored "中文 / English" in one column are split
into their two columns (the English of a standard phrase such as 检出 comes from the vocabulary,
so only the Chinese stays).
"""

import json
import re

import sqlalchemy as sa
from alembic import op

from formulatrust.domain.result_terms import FIELD_VOCABULARIES, mapped_field, mapped_item
from formulatrust.search.vocabularies import vocabulary

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

RESULT_COLUMNS = (("lab_en", 200), ("sampled_unit_en", 200), ("category_raw", 100),
                  ("subcategory_raw", 100), ("province_raw", 20))
DEMO_LABS = {"示例食品检验所（虚构）": "Demo Food Inspection Institute (fictional)",
             "示例质量检测中心（虚构）": "Demo Quality Testing Centre (fictional)",
             "示例检测研究院（虚构）": "Demo Testing Institute (fictional)"}
DEMO_JOINED_LAB = "示例检测研究院（虚构） / Demo Testing Institute (fictional)"
DEMO_SHOPS = {"示例母婴店": "Demo Mother and Baby Shop", "示例超市": "Demo Supermarket",
              "示例便利店": "Demo Convenience Store", "示例电商仓": "Demo Online Shop Warehouse",
              "示例药房": "Demo Pharmacy", "示例母婴用品店": "Demo Baby Products Shop"}
DEMO_UNIT = re.compile(r"^(示例\w+?)(\d+)号（虚构）$")
DEMO_FAILED_ITEM = {"measured": ("检出 / detected", "检出"),
                    "limit": ("n=5, c=0, m=0/100g 不得检出 / not detectable", "n=5, c=0, m=0/100g")}
DEMO_ASSESSOR = ("示例评定机构（虚构） / Demo assessor (fictional)", "示例评定机构（虚构）",
                 "Demo assessor (fictional)")
JOINED_SOURCE = re.compile(r"^(企业追溯数据.*?（.*）) / (enterprise trace .*)$")
JOINED_INDICATOR = {"未检出 / not detected": "未检出"}
# What purged problem reports said instead of the reporter's words; now they are left empty.
PURGED_REPORT = "（已按保留期限删除 / deleted after the retention period）"

result = sa.table("sampling_result", sa.column("id"), sa.column("is_demo"), sa.column("lab"),
                  sa.column("sampled_unit"), sa.column("category"), sa.column("subcategory"),
                  sa.column("province"), *(sa.column(name) for name, _n in RESULT_COLUMNS))
failed = sa.table("failed_item", sa.column("id"), sa.column("item"), sa.column("item_raw"),
                  sa.column("measured"), sa.column("limit"))
batch = sa.table("batch", sa.column("id"), sa.column("source"), sa.column("source_en"),
                 sa.column("release_inspection", sa.JSON))
rating = sa.table("rating", sa.column("assessor"), sa.column("assessor_en"))
report = sa.table("problem_report", sa.column("description"))


def upgrade() -> None:
    with op.batch_alter_table("sampling_result") as table:
        for name, length in RESULT_COLUMNS:
            table.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                       server_default=""))
    with op.batch_alter_table("failed_item") as table:
        table.add_column(sa.Column("item_raw", sa.String(length=200), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("batch") as table:
        table.add_column(sa.Column("source_en", sa.String(length=200), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("rating") as table:
        table.add_column(sa.Column("assessor_en", sa.String(length=200), nullable=False,
                                   server_default=""))
    connection = op.get_bind()
    _map_terms(connection)
    _split_demo_results(connection)
    _split_sources_and_assessors(connection)
    connection.execute(report.update().where(report.c.description == PURGED_REPORT).values(
        description=""))


def _map_terms(connection) -> None:
    """Map each distinct stored term once, as the import maps a published one."""
    for name in FIELD_VOCABULARIES:
        column = result.c[name]
        for (raw,) in connection.execute(sa.select(column).where(column != "").distinct()):
            term = mapped_field(vocabulary(), name, raw)
            if term.raw:
                unmapped = result.c[f"{name}_raw"] == ""
                connection.execute(result.update().where(column == raw, unmapped).values(
                    {name: term.value, f"{name}_raw": term.raw}))
    for (raw,) in connection.execute(sa.select(failed.c.item).distinct()):
        term = mapped_item(vocabulary(), raw)
        if term.raw:
            connection.execute(failed.update().where(failed.c.item == raw,
                                                     failed.c.item_raw == "").values(
                item=term.value, item_raw=term.raw))


def _split_demo_results(connection) -> None:
    demo = result.c.is_demo.is_(True)
    connection.execute(result.update().where(demo, result.c.lab == DEMO_JOINED_LAB).values(
        lab=DEMO_JOINED_LAB.split(" / ")[0]))
    for lab_zh, lab_en in DEMO_LABS.items():
        connection.execute(result.update().where(demo, result.c.lab == lab_zh).values(
            lab_en=lab_en))
    units = connection.execute(sa.select(result.c.sampled_unit).where(demo).distinct())
    for (unit,) in units.all():
        found = DEMO_UNIT.match(unit)
        if found and found.group(1) in DEMO_SHOPS:
            english = f"{DEMO_SHOPS[found.group(1)]} No. {found.group(2)} (fictional)"
            connection.execute(result.update().where(demo, result.c.sampled_unit == unit)
                               .values(sampled_unit_en=english))
    for name, (joined, chinese) in DEMO_FAILED_ITEM.items():
        connection.execute(failed.update().where(failed.c[name] == joined).values(
            {name: chinese}))


def _split_sources_and_assessors(connection) -> None:
    joined, assessor_zh, assessor_en = DEMO_ASSESSOR
    connection.execute(rating.update().where(rating.c.assessor == joined).values(
        assessor=assessor_zh, assessor_en=assessor_en))
    for (source,) in connection.execute(sa.select(batch.c.source).distinct()).all():
        found = JOINED_SOURCE.match(source or "")
        if found:
            connection.execute(batch.update().where(batch.c.source == source).values(
                source=found.group(1), source_en=found.group(2)))
    rows = connection.execute(sa.select(batch.c.id, batch.c.release_inspection)).all()
    for batch_id, inspection in rows:
        fixed = _inspection_without_joined_values(inspection)
        if fixed is not None:
            connection.execute(batch.update().where(batch.c.id == batch_id).values(
                release_inspection=fixed))


def _inspection_without_joined_values(inspection) -> dict | None:
    if isinstance(inspection, str):
        inspection = json.loads(inspection)
    indicators = (inspection or {}).get("indicators") or []
    if not any(i.get("value") in JOINED_INDICATOR for i in indicators):
        return None
    return {**inspection, "indicators": [
        {**i, "value": JOINED_INDICATOR.get(i.get("value"), i.get("value"))}
        for i in indicators]}


def downgrade() -> None:
    connection = op.get_bind()
    for name in FIELD_VOCABULARIES:
        raw = result.c[f"{name}_raw"]
        connection.execute(result.update().where(raw != "").values({name: raw}))
    connection.execute(failed.update().where(failed.c.item_raw != "").values(
        item=failed.c.item_raw))
    with op.batch_alter_table("rating") as table:
        table.drop_column("assessor_en")
    with op.batch_alter_table("batch") as table:
        table.drop_column("source_en")
    with op.batch_alter_table("failed_item") as table:
        table.drop_column("item_raw")
    with op.batch_alter_table("sampling_result") as table:
        for name, _length in reversed(RESULT_COLUMNS):
            table.drop_column(name)
