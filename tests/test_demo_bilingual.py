"""The demo data stores every bilingual value as two fields, never as one "中文 / English"
string, names its labs and shops in both languages, and the lab facet has one value per lab."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import JSON, Engine, String, Text, select

from formulatrust.core import demo
from formulatrust.core.models import Base
from formulatrust.domain.transliteration import has_chinese
from formulatrust.results.demo import LABS
from formulatrust.results.models import SamplingResult
from formulatrust.scan.models import Batch

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def joined_bilingual(text: str) -> bool:
    """Tell whether ``text`` joins a Chinese and an English half with " / "."""
    parts = text.split(" / ")
    return any(
        (has_chinese(a) and LATIN_WORD.search(b) and not has_chinese(b))
        or (has_chinese(b) and LATIN_WORD.search(a) and not has_chinese(a))
        for a, b in zip(parts, parts[1:], strict=False))


def strings_in(value: object) -> Iterator[str]:
    """Every string in a column value, JSON documents walked."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def joined_values(engine: Engine) -> list[tuple[str, str, str]]:
    """(table, column, value) of every stored text that joins two languages with " / "."""
    found = []
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                query = select(column)  # PostgreSQL has no DISTINCT on json
                if not isinstance(column.type, JSON):
                    query = query.distinct()
                for (value,) in connection.execute(query):
                    found += [(table.name, column.name, text) for text in strings_in(value)
                              if joined_bilingual(text)]
    return found


def test_the_check_recognises_joined_values_and_passes_plain_ones():
    assert joined_bilingual("未检出 / not detected")
    assert joined_bilingual("示例检测研究院（虚构） / Demo Testing Institute (fictional)")
    assert not joined_bilingual("n=5, c=0, m=0/100g") and not joined_bilingual("未检出")
    assert not joined_bilingual("https://example.com/a / b")


@pytest.fixture
def demo_data(session):
    demo.build(session)
    session.commit()


def test_no_demo_record_stores_a_joined_bilingual_string(engine, demo_data):
    assert joined_values(engine) == []


def test_the_lab_facet_has_one_value_per_lab(client, demo_data):
    response = client.get("/api/v1/results/counts?field=lab&limit=1000")
    assert response.status_code == 200
    labs = [count["value"] for count in response.get_json()["counts"]]
    assert sorted(labs) == sorted(zh for zh, _en in LABS)


def test_demo_labs_and_shops_have_english_names(session, demo_data):
    names = session.execute(select(SamplingResult.lab, SamplingResult.lab_en,
                                   SamplingResult.sampled_unit_en)).all()
    assert names and {lab: lab_en for lab, lab_en, _unit in names} == dict(LABS)
    assert all(unit.startswith("Demo ") and unit.endswith("(fictional)")
               for _lab, _lab_en, unit in names)


def test_release_inspection_values_and_trace_sources_are_in_the_readers_language(
        client, session, demo_data):
    batch = session.scalars(select(Batch).order_by(Batch.id)).first()
    path = f"/01/{batch.product.gtin}/10/{batch.lot}"
    english = client.get(f"{path}?lang=en").get_data(as_text=True)
    chinese = client.get(f"{path}?lang=zh").get_data(as_text=True)
    assert "not detected" in english and "enterprise trace data (demo)" in english
    assert "未检出" in chinese and "企业追溯数据（示例）" in chinese
    assert "not detected" not in chinese and "enterprise trace data" not in chinese
    record = client.get(f"{path}?format=json").get_json()
    assert (record["batch"]["source"], record["batch"]["source_en"]) == (
        "企业追溯数据（示例）", "enterprise trace data (demo)")
    assert (record["integrity_rating"]["assessor"], record["integrity_rating"]["assessor_en"]) \
        == ("示例评定机构（虚构）", "Demo assessor (fictional)")
