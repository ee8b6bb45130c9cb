"""Small worlds for tests: a few records built explicitly (not the demo generator)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from formulatrust.models import Brand, Enterprise, Product


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
