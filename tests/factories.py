"""Small worlds for tests: a few records built explicitly (not the demo generator)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.enterprises.models import Brand, Enterprise, Factory, Product, Rating
from formulatrust.results.models import FailedItem, Recall, SamplingResult
from formulatrust.scan.models import Batch, RegisteredSerial


def enterprise(session: Session, slug: str = "test-dairy", **fields) -> Enterprise:
    """Add an enterprise with plausible defaults."""
    values = {
        "name_zh": "测试乳业有限公司", "name_en": "Test Dairy Co., Ltd.",
        "credit_code": "91310000TEST00001X", "licence_no": "SC10631010000001",
        "district_zh": "浦东新区", "district_en": "Pudong New Area",
        "address_zh": "上海市浦东新区测试路1号", "address_en": "1 Test Road, Pudong, Shanghai",
    }
    values.update(fields)
    record = Enterprise(slug=slug, **values)
    session.add(record)
    session.flush()
    return record


def brand(session: Session, owner: Enterprise, slug: str = "test-brand", **fields) -> Brand:
    """Add a brand belonging to ``owner``."""
    values = {"name_zh": "测试牌", "name_en": "Testbrand"}
    values.update(fields)
    record = Brand(slug=slug, enterprise=owner, **values)
    session.add(record)
    session.flush()
    return record


def product(session: Session, owner: Brand, gtin: str = "09521234500018", stage: int = 1,
            **fields) -> Product:
    """Add a product of ``owner``."""
    values = {"name_zh": "测试婴儿配方乳粉（1段）", "name_en": "Test infant formula (stage 1)",
              "registration_no": "国食注字YP20180001", "net_content_g": 800}
    values.update(fields)
    record = Product(brand=owner, gtin=gtin, stage=stage, **values)
    session.add(record)
    session.flush()
    return record


def small_world(session: Session) -> dict[str, object]:
    """Two enterprises, each with a brand and products; returns them by name."""
    first = enterprise(session)
    second = enterprise(session, slug="river-milk", name_zh="河畔乳品有限公司",
                        name_en="Riverside Milk Co., Ltd.", credit_code="91310000TEST00002X")
    first_brand = brand(session, first)
    second_brand = brand(session, second, slug="river-brand", name_zh="河畔", name_en="Riverside")
    products = [
        product(session, first_brand),
        product(session, first_brand, gtin="09521234500025", stage=2,
                name_zh="测试较大婴儿配方乳粉（2段）", name_en="Test follow-on formula (stage 2)"),
        product(session, second_brand, gtin="09521234500032", stage=3,
                name_zh="河畔幼儿配方乳粉（3段）",
                name_en="Riverside young child formula (stage 3)"),
    ]
    session.commit()
    return {"enterprises": [first, second], "brands": [first_brand, second_brand],
            "products": products}


def batch(session: Session, owner: Product, lot: str, **fields) -> Batch:
    """Add a batch of ``owner`` made in the enterprise's first factory (created if needed)."""
    enterprise_id = owner.brand.enterprise_id
    plant = session.scalars(select(Factory).where(Factory.enterprise_id == enterprise_id)).first()
    if plant is None:
        plant = Factory(enterprise_id=enterprise_id, name_zh="测试工厂", name_en="Test Factory",
                        licence_no="SC10631010000001", address_zh="上海市测试路1号",
                        address_en="1 Test Road, Shanghai")
        session.add(plant)
    values = {"produced_on": date(2026, 3, 1), "best_before": date(2028, 2, 28),
              "milk_source": {"farms_zh": "测试牧场", "farms_en": "Test Farm"},
              "release_inspection": {"date": "2026-03-08", "passed": True, "indicators": []},
              "issued_count": 0}
    values.update(fields)
    record = Batch(product=owner, factory=plant, lot=lot, **values)
    session.add(record)
    session.flush()
    return record


def trace_world(session: Session, world: dict) -> dict[str, object]:
    """Batches for the small world: an ordinary one with codes, a recalled one, a failed one."""
    stage1, stage2, stage3 = world["products"]
    ordinary = batch(session, stage1, "20260301A1", issued_count=100)
    recalled = batch(session, stage2, "20260402B2")
    failed = batch(session, stage3, "20260503C3")
    session.add(RegisteredSerial(batch_id=ordinary.id, serial="REG0001"))
    session.add(Recall(product_id=stage2.id, lots=[recalled.lot], announced_on=date(2026, 5, 1),
                       reason_zh="维生素A含量不足。", reason_en="Vitamin A below the label.",
                       action_zh="停止食用并退货。", action_en="Stop using it and return it."))
    session.add(SamplingResult(
        product_id=stage3.id, enterprise_id=stage3.brand.enterprise_id, lot=failed.lot,
        product_name=stage3.name_zh, enterprise_name="河畔乳品有限公司", compliant=False,
        announced_on=date(2026, 6, 1), announcement_no="2026年第9号",
        failed_items=[FailedItem(item="阪崎肠杆菌", measured="检出", limit="不得检出")]))
    session.add(Rating(enterprise_id=stage1.brand.enterprise_id, grade="A",
                       assessed_on=date(2026, 1, 10), valid_until=date(2027, 1, 9),
                       assessor="测试评定组"))
    session.commit()
    return {"ordinary": ordinary, "recalled": recalled, "failed": failed}
