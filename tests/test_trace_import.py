"""``flask trace import``: loading products, batches and serials, corrections, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from formulatrust.domain.trace_format import parse_serial_csv, parse_trace_json
from formulatrust.enterprises.models import Factory, Product
from formulatrust.scan import trace_import
from formulatrust.scan.cli_trace import trace_group
from formulatrust.scan.models import Batch, BatchRevision, RegisteredSerial

from .accounts_factory import ActingRunner, acting_as

DOC_PATH = Path(__file__).parents[1] / "docs" / "trace-import.md"
GTIN = "09521234500049"  # new product in the documented example
WORLD_GTIN = "09521234500018"  # test-dairy's stage 1 product in the `world` fixture
RIVER_GTIN = "09521234500032"  # river-milk's product
MODELS = (Factory, Product, Batch, BatchRevision, RegisteredSerial)


@pytest.fixture
def runner(runner, session):
    """Every command here runs as an account of the admin role (``--by EMAIL``)."""
    return ActingRunner(runner, acting_as(session, "admin"))


def example() -> dict:
    """Return the full JSON example from docs/trace-import.md."""
    return json.loads(re.search(r"```json\n(.*?)```", DOC_PATH.read_text("utf-8"), re.S)[1])


@pytest.fixture
def trace(app, runner, world, tmp_path):
    """Run ``trace import`` on a dict (written as JSON) or a string (written as CSV)."""
    app.cli.add_command(trace_group)

    def run(content: dict | str, *args: str, name: str = "trace"):
        is_json = isinstance(content, dict)
        path = tmp_path / f"{name}.{'json' if is_json else 'csv'}"
        text = json.dumps(content, ensure_ascii=False, indent=1) if is_json else content
        path.write_text(text, "utf-8")
        return runner.invoke(args=["trace", "import", str(path), *args])

    return run


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def batch(session, lot: str = "20260301A1", gtin: str = GTIN) -> Batch:
    session.expire_all()
    return session.scalars(select(Batch).join(Product)
                           .where(Product.gtin == gtin, Batch.lot == lot)).one()


def test_valid_import_creates_records(trace, session):
    before = counts(session)
    result = trace(example())
    assert result.exit_code == 0, result.output
    assert "Products: 1 新建 created" in result.output
    assert "Serials: 3 登记 registered" in result.output
    after = counts(session)
    assert after["Factory"] == before["Factory"] + 1
    assert after["Product"] == before["Product"] + 1 and after["RegisteredSerial"] == 3
    record = batch(session)
    assert (record.version, record.factory.licence_no) == (1, "SC10631010000001")
    assert record.milk_source["farms_en"] == "Qinghe Demo Farm"
    assert record.release_inspection["passed"] is True
    assert "trace.json" in record.source
    assert record.product.brand.slug == "test-brand"


def test_reimport_is_idempotent(trace, session):
    assert trace(example()).exit_code == 0
    first = counts(session)
    again = trace(example())
    assert again.exit_code == 0, again.output
    assert "Batches: 0 新建 created, 0 更正 corrected, 1 未变 unchanged" in again.output
    assert "Products: 0 新建 created, 0 更新 updated, 1 未变 unchanged" in again.output
    assert "Serials: 0 登记 registered, 3 已登记 already registered" in again.output
    assert "Factories: 0 新建 created, 0 更新 updated" in again.output
    assert counts(session) == first
    assert batch(session).version == 1


def test_changed_batch_becomes_a_new_version_keeping_the_old_values(trace, session):
    assert trace(example()).exit_code == 0
    changed = example()
    changed["batches"][0]["best_before"] = "2028-01-31"
    changed["batches"][0]["milk_source"]["farms_en"] = "Yunling Demo Farm"
    changed["batches"][0]["serials"].append("A0000004")
    result = trace(changed)
    assert result.exit_code == 0, result.output
    assert "1 更正 corrected" in result.output and "Serials: 1 登记 registered" in result.output
    record = batch(session)
    assert record.version == 2
    assert str(record.best_before) == "2028-01-31"
    assert record.milk_source["farms_en"] == "Yunling Demo Farm"
    [revision] = record.revisions
    assert revision.version == 1
    assert revision.data["best_before"] == "2028-02-28"
    assert revision.data["milk_source"]["farms_en"] == "Qinghe Demo Farm"
    assert revision.data["factory"]["licence_no"] == "SC10631010000001"
    assert trace(changed).exit_code == 0  # the same correction again changes nothing
    assert batch(session).version == 2 and counts(session)["BatchRevision"] == 1


def test_existing_product_is_updated_and_factory_found_by_licence(trace, session):
    assert trace(example()).exit_code == 0
    data = {"enterprise": "test-dairy",
            "products": [{"gtin": WORLD_GTIN, "brand": "test-brand", "name_zh": "新名称",
                          "name_en": "New name", "stage": 1,
                          "registration_no": "国食注字YP20180001", "net_content_g": 900}],
            "batches": [{"gtin": WORLD_GTIN, "lot": "L1", "factory": "SC10631010000001",
                         "produced_on": "2026-01-05", "best_before": "2028-01-04"}]}
    result = trace(data)
    assert result.exit_code == 0, result.output
    assert "Products: 0 新建 created, 1 更新 updated" in result.output
    session.expire_all()
    product = session.scalars(select(Product).where(Product.gtin == WORLD_GTIN)).one()
    assert (product.name_en, product.net_content_g) == ("New name", 900)
    assert batch(session, "L1", WORLD_GTIN).factory.licence_no == "SC10631010000001"


def test_several_bad_records_are_all_reported_and_nothing_written(trace, session):
    data = example()
    good = data["batches"][0]
    data["products"][0]["stage"] = 7
    data["batches"] += [
        {**good, "lot": "B 2"},
        {**good, "lot": "B3", "produced_on": "2026-13-01"},
        {**good, "lot": "B4", "colour": "blue"},
    ]
    before = counts(session)
    result = trace(data)
    assert result.exit_code == 1
    for line in (f"products[0] (gtin {GTIN}) · stage:", "batches[1] (lot B 2) · lot:",
                 "batches[2] (lot B3) · produced_on:", "batches[3] (lot B4) · colour:"):
        assert line in result.output
    assert "4 problem(s) found; nothing was written" in result.output
    assert "发现 4 个问题" in result.output
    assert counts(session) == before


def test_database_problems_are_all_reported_and_nothing_written(trace, session):
    data = example()
    data["products"].append({**data["products"][0], "gtin": RIVER_GTIN})  # river-milk's
    data["batches"] += [
        {**data["batches"][0], "lot": "B2", "factory": "elsewhere", "serials": []},
        {**data["batches"][0], "gtin": "09521234500056", "lot": "B3", "serials": []},
    ]
    before = counts(session)
    result = trace(data)
    assert result.exit_code == 1
    assert f"products[1] (gtin {RIVER_GTIN}) · gtin: 该 GTIN 已属于其他企业" in result.output
    assert "another enterprise (Riverside Milk Co., Ltd.)" in result.output
    assert "batches[1] (lot B2) · factory:" in result.output
    assert "batches[2] (lot B3) · gtin: 未知产品" in result.output
    assert counts(session) == before


def test_brand_of_another_enterprise_is_refused(trace, session):
    data = example()
    data["products"][0]["brand"] = "river-brand"
    before = counts(session)
    result = trace(data)
    assert result.exit_code == 1
    assert f"products[0] (gtin {GTIN}) · brand: 该品牌属于其他企业" in result.output
    assert "this brand belongs to another enterprise" in result.output
    assert counts(session) == before


def test_unknown_enterprise_and_brand(trace, session):
    data = example()
    data["enterprise"] = "no-such-dairy"
    assert "document · enterprise: 找不到企业" in trace(data).output
    data = example()
    data["products"][0]["brand"] = "no-such-brand"
    result = trace(data)
    assert result.exit_code == 1 and "· brand: 找不到品牌" in result.output


def test_bad_json_syntax(trace, session, tmp_path, runner):
    path = tmp_path / "broken.json"
    path.write_text('{"enterprise": "test-dairy",\n "products": [,]}', "utf-8")
    before = counts(session)
    result = runner.invoke(args=["trace", "import", str(path)])
    assert result.exit_code == 1
    assert "line 2, column 15 · JSON: JSON 语法错误" in result.output
    assert counts(session) == before


def test_csv_serials_are_registered_once(trace, session):
    assert trace(example()).exit_code == 0
    csv = f"\ufeffgtin,lot,serial\n{GTIN},20260301A1,A0000003\n{GTIN},20260301A1,C1\n"
    result = trace(csv, name="serials")
    assert result.exit_code == 0, result.output
    assert "Serials: 1 登记 registered, 1 已登记 already registered" in result.output
    assert counts(session)["RegisteredSerial"] == 4
    assert trace(csv, name="serials").exit_code == 0
    assert counts(session)["RegisteredSerial"] == 4


def test_csv_naming_an_unknown_batch_writes_nothing(trace, session):
    assert trace(example()).exit_code == 0
    before = counts(session)
    csv = (f"gtin,lot,serial\n{GTIN},20260301A1,C1\n{GTIN},NOPE,C2\n{GTIN},NOPE,C3\n"
           f"09521234500056,X,C4\n{GTIN},20260301A1,bad serial\n")
    result = trace(csv, name="serials")
    assert result.exit_code == 1
    assert "row 6 · serial:" in result.output  # format problems come first
    assert counts(session) == before
    result = trace(csv.rsplit(f"{GTIN},20260301A1,bad", 1)[0], name="serials")
    assert result.exit_code == 1
    assert f"row 3 · lot: 找不到批次：GTIN {GTIN} 批号 NOPE（共 2 行）" in result.output
    assert "(2 rows)" in result.output and "row 5 · lot:" in result.output
    assert counts(session) == before


def test_dry_run_counts_but_writes_nothing(trace, session):
    before = counts(session)
    result = trace(example(), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written" in result.output
    assert "Batches: 1 新建 created" in result.output
    assert counts(session) == before


def test_apply_inserts_serials_in_chunks_and_skips_registered(session, world, monkeypatch):
    monkeypatch.setattr(trace_import, "SERIAL_CHUNK", 4)
    data = example()
    data["batches"][0]["serials"] = [f"S{n}" for n in range(10)]
    chunks: list[int] = []
    summary = trace_import.apply(session, parse_trace_json(json.dumps(data)), "a.json",
                                 progress=chunks.append)
    session.commit()
    assert summary.problems == [] and summary.serials_registered == 10
    assert chunks == [4, 4, 2]
    text = "gtin,lot,serial\n" + "".join(f"{GTIN},20260301A1,S{n}\n" for n in range(8, 14))
    summary = trace_import.apply(session, parse_serial_csv(text), "b.csv")
    session.commit()
    assert (summary.serials_registered, summary.serials_already) == (4, 2)
    assert counts(session)["RegisteredSerial"] == 14


def test_apply_accepts_serial_rows_for_batches_of_the_same_import(session, world):
    document = parse_trace_json(json.dumps(example()))
    rows = parse_serial_csv(f"gtin,lot,serial\n{GTIN},20260301A1,A0000001\n{GTIN},20260301A1,Z\n")
    document.serial_rows = rows
    summary = trace_import.apply(session, document, "mixed")
    session.commit()
    assert summary.problems == [] and summary.serials_registered == 4
    plan = trace_import.check(session, parse_serial_csv(f"gtin,lot,serial\n{RIVER_GTIN},Q,Z\n"))
    assert [(p.record, p.field) for p in plan.problems] == [("row 2", "lot")]
    with pytest.raises(ValueError):
        trace_import.write(session, plan, "x")


def test_a_correction_that_leaves_out_an_optional_field_keeps_the_stored_value(trace, session):
    assert trace(example()).exit_code == 0
    stored = batch(session)
    milk = dict(stored.milk_source)
    assert milk  # the example states a milk source
    corrected = example()
    corrected["batches"][0].pop("milk_source")
    corrected["batches"][0]["best_before"] = "2028-03-31"
    result = trace(corrected, name="corrected")
    assert result.exit_code == 0, result.output
    stored = batch(session)
    assert stored.milk_source == milk and stored.best_before.isoformat() == "2028-03-31"
    assert stored.version == 2
