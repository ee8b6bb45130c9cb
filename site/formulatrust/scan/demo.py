"""Demo batches, results, recalls, ratings and query histories (fictional; see demo.py)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from formulatrust.enterprises.models import Enterprise, Factory, Product
from formulatrust.results.demo import LABS, lab_names
from formulatrust.results.models import FailedItem, Recall, SamplingResult, SupervisionListing
from formulatrust.scan.models import Batch, CanQuery, RegisteredSerial

ANCHOR = date(2026, 11, 1)  # demo dates are fixed, so the data set never changes
BATCHES_PER_PRODUCT = 8
ISSUED_PER_BATCH = 2000
FARMS = [("青禾示例牧场", "Qinghe Demo Farm", "内蒙古呼伦贝尔", "Hulunbuir, Inner Mongolia"),
         ("云岭示例牧场", "Yunling Demo Farm", "黑龙江齐齐哈尔", "Qiqihar, Heilongjiang"),
         ("滨海示例牧场", "Binhai Demo Farm", "上海崇明", "Chongming, Shanghai")]
MATERIALS = [("乳清蛋白粉", "Whey protein powder", "新西兰", "New Zealand"),
             ("乳糖", "Lactose", "荷兰", "Netherlands"),
             ("植物油", "Vegetable oil blend", "中国", "China"),
             ("低聚半乳糖", "Galacto-oligosaccharides", "中国", "China")]
INDICATORS = [("蛋白质", "Protein", "0.52 g/100kJ", "0.43–0.72 g/100kJ"),
              ("脂肪", "Fat", "1.15 g/100kJ", "1.05–1.40 g/100kJ"),
              ("阪崎肠杆菌", "Cronobacter", "未检出", "n=5, c=0, m=0/100g"),
              ("三聚氰胺", "Melamine", "未检出", "≤1 mg/kg")]  # 未检出: a vocabulary phrase
LAB = LABS[2]
# The sampling plan of GB 10765-2021 for Cronobacter: none of five 100 g samples may have any.
CRONOBACTER = {"item": "阪崎肠杆菌", "measured": "检出", "limit": "n=5, c=0, m=0/100g"}
SOURCE = {"source": "企业追溯数据（示例）", "source_en": "enterprise trace data (demo)"}
DEMO_SERIALS = {"normal": "DEMO0001", "recalled": "DEMO0002", "failed": "DEMO0003",
                "suspicious": "DEMO0004"}
SAMPLED_ONLY = (33, "20260608A6")  # a product's lot known only from a failed sample


def build(session: Session, rng: random.Random, enterprises: list[Enterprise],
          products: list[Product]) -> dict[str, int]:
    """Add factories, batches and the records that make the provenance pages worth reading."""
    factories = {e.id: _factory(e) for e in enterprises}
    session.add_all(factories.values())
    session.flush()
    batches = []
    for product in products:
        for number in range(BATCHES_PER_PRODUCT):
            batch = _batch(rng, product, factories[product.brand.enterprise_id], number)
            session.add(batch)
            batches.append(batch)
    session.flush()
    results = [_result(rng, b) for b in batches if rng.random() < 0.2]
    specials = _specials(session, batches)
    session.add(_sampled_only(products))
    session.add_all(results)
    session.flush()
    return {"batches": len(batches), "results": len(results) + 2, "special cans": len(specials)}


def _sampled_only(products: list[Product]) -> SamplingResult:
    """A failed result for a lot the maker never registered: the fifth demo path."""
    index, lot = SAMPLED_ONLY
    product = products[index % len(products)]
    enterprise = product.brand.enterprise
    return SamplingResult(
        sample_no="DEMO2609SAMPLED", product_id=product.id, enterprise_id=enterprise.id,
        enterprise_name=enterprise.name_zh, enterprise_address=enterprise.address_zh,
        **_shop(88), province="上海", product_name=product.name_zh,
        specification=f"{product.net_content_g}克/罐", trademark=product.brand.name_zh,
        production_date_or_lot=lot, lot=lot, produced_on=date(2026, 6, 8),
        category="婴幼儿配方食品", announcement_no="示例公告2026年第31号",
        announced_on=date(2026, 9, 18), task_source="上海市市场监督管理局监督抽检（示例）",
        **lab_names(LAB), compliant=False, is_demo=True,
        failed_items=[FailedItem(**CRONOBACTER)])


def _shop(number: int) -> dict[str, str]:
    return {"sampled_unit": f"示例母婴用品店{number}号（虚构）",
            "sampled_unit_en": f"Demo Baby Products Shop No. {number} (fictional)"}


def _factory(enterprise: Enterprise) -> Factory:
    return Factory(enterprise_id=enterprise.id, licence_no=enterprise.licence_no,
                   name_zh=enterprise.name_zh.replace("有限公司", "工厂"),
                   name_en=enterprise.name_en.replace("Co., Ltd.", "Factory"),
                   address_zh=enterprise.address_zh, address_en=enterprise.address_en)


def _batch(rng: random.Random, product: Product, factory: Factory, number: int) -> Batch:
    produced = ANCHOR - timedelta(days=30 * number + rng.randrange(25))
    farm_zh, farm_en, region_zh, region_en = rng.choice(FARMS)
    collected = produced - timedelta(days=rng.randrange(3, 9))
    return Batch(
        product=product, factory=factory,
        lot=f"{produced:%Y%m%d}{'ABC'[rng.randrange(3)]}{rng.randrange(1, 10)}",
        produced_on=produced, best_before=produced + timedelta(days=730),
        milk_source={"farms_zh": farm_zh, "farms_en": farm_en, "region_zh": region_zh,
                     "region_en": region_en, "country_zh": "中国", "country_en": "China",
                     "collected": f"{collected:%Y-%m-%d} – "
                                  f"{collected + timedelta(days=2):%Y-%m-%d}"},
        raw_materials=[{"name_zh": m[0], "name_en": m[1], "origin_zh": m[2], "origin_en": m[3],
                        "lot": f"{m[1][:2].upper()}{produced:%y%m}-{rng.randrange(100, 999)}"}
                       for m in MATERIALS],
        release_inspection={"date": f"{produced + timedelta(days=7):%Y-%m-%d}", "passed": True,
                            "indicators": [{"name_zh": i[0], "name_en": i[1], "value": i[2],
                                            "limit": i[3]} for i in INDICATORS]},
        **SOURCE,
        issued_count=ISSUED_PER_BATCH,
    )


def _result(rng: random.Random, batch: Batch, compliant: bool = True) -> SamplingResult:
    product, enterprise = batch.product, batch.product.brand.enterprise
    announced = batch.produced_on + timedelta(days=rng.randrange(40, 120))
    return SamplingResult(
        sample_no=f"DEMO{announced:%y%m}{batch.id:05d}", product_id=product.id,
        enterprise_id=enterprise.id, enterprise_name=enterprise.name_zh,
        enterprise_address=enterprise.address_zh,
        **_shop(rng.randrange(1, 60)), province="上海",
        product_name=product.name_zh, specification=f"{product.net_content_g}克/罐",
        trademark=product.brand.name_zh, production_date_or_lot=batch.lot, lot=batch.lot,
        produced_on=batch.produced_on, category="婴幼儿配方食品",
        announcement_no=f"示例公告{announced.year}年第{rng.randrange(1, 40)}号",
        announced_on=min(announced, ANCHOR), task_source="上海市市场监督管理局监督抽检（示例）",
        **lab_names(LAB), compliant=compliant, is_demo=True,
    )


def _specials(session: Session, batches: list[Batch]) -> list[RegisteredSerial]:
    """A normal can, a recalled batch, a failed result and a suspicious query history."""
    picks = {"normal": batches[0], "recalled": batches[4 * BATCHES_PER_PRODUCT + 2],
             "failed": batches[7 * BATCHES_PER_PRODUCT + 1],
             "suspicious": batches[10 * BATCHES_PER_PRODUCT]}
    serials = [RegisteredSerial(batch_id=b.id, serial=DEMO_SERIALS[name])
               for name, b in picks.items()]
    session.add_all(serials)
    recalled = picks["recalled"]
    session.add(Recall(
        product_id=recalled.product_id, lots=[recalled.lot], announced_on=date(2026, 10, 20),
        reason_zh="企业自检发现该批次维生素A含量低于标签标示值（示例数据）。",
        reason_en="The maker's own tests found vitamin A below the labelled amount (demo data).",
        action_zh="请立即停止食用，凭罐体到购买处退货退款，或拨打企业客服热线。",
        action_en="Stop using it now. Return the can where you bought it for a full refund, "
                  "or call the maker's helpline.", is_demo=True))
    failed = picks["failed"]
    result = _result(random.Random(7), failed, compliant=False)
    result.failed_items = [FailedItem(**CRONOBACTER)]
    session.add(result)
    session.add(SupervisionListing(
        enterprise_id=failed.product.brand.enterprise_id, product_id=failed.product_id,
        listed_on=result.announced_on,
        reason_zh="抽检发现阪崎肠杆菌（示例数据）。",
        reason_en="Cronobacter found in sampling (demo data).",
        is_demo=True))
    suspicious = picks["suspicious"]
    first = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    session.add(CanQuery(gtin=suspicious.product.gtin, lot=suspicious.lot,
                         serial=DEMO_SERIALS["suspicious"], first_at=first,
                         last_at=first + timedelta(days=90), count=37,
                         burst_at=first + timedelta(days=84), burst_devices=23))
    return serials
