"""A fictional five-year history of sampling results, failures as rare as in real sampling.

Only a few products ever fail (``FAILING_PRODUCTS``, each about one result in twenty), so fewer
than one product in five has a non-compliant result in the last 24 months; the demo cans of
``scan/demo.py`` add one failed batch and one lot known only from a failed sample.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from formulatrust.enterprises.models import Product
from formulatrust.results import review
from formulatrust.results.models import FailedItem, SamplingResult

PER_YEAR = 1000
YEARS = 5
FAIL_RATE = 0.05  # of the results of a product in FAILING_PRODUCTS
FAILING_PRODUCTS = (13, 19, 26)  # indexes in the demo's product list
END = date(2026, 11, 1)
PROVINCES = ["上海"] * 8 + ["江苏", "浙江", "安徽", "山东"]
# Names in Chinese and English, each clearly fictional; a shop's number is added to both.
SHOPS = [("示例母婴店", "Demo Mother and Baby Shop"), ("示例超市", "Demo Supermarket"),
         ("示例便利店", "Demo Convenience Store"), ("示例电商仓", "Demo Online Shop Warehouse"),
         ("示例药房", "Demo Pharmacy")]
LABS = [("示例食品检验所（虚构）", "Demo Food Inspection Institute (fictional)"),
        ("示例质量检测中心（虚构）", "Demo Quality Testing Centre (fictional)"),
        ("示例检测研究院（虚构）", "Demo Testing Institute (fictional)")]
FAILURES = [
    ("阪崎肠杆菌", "检出", "n=5, c=0, m=0/100g"),
    ("维生素A", "9.8 μg RE/100kJ", "14–43 μg RE/100kJ"),
    ("硒", "0.41 μg/100kJ", "0.48–1.90 μg/100kJ"),
    ("菌落总数", "3.2×10⁴ CFU/g", "n=5, c=2, m=1000, M=10000 CFU/g"),
    ("维生素C", "1.8 mg/100kJ", "2.5–17 mg/100kJ"),
    ("标签", "未标示反式脂肪酸含量", "GB 13432-2013 第4.1条"),
]


def build(session: Session, products: list[Product], seed: int) -> int:
    """Insert the history in bulk and return how many results were made."""
    rng = random.Random(seed)
    rows, failed = [], []
    failing = {products[index].id for index in FAILING_PRODUCTS if index < len(products)}
    for number in range(PER_YEAR * YEARS):
        product = rng.choice(products)
        announced = END - timedelta(days=rng.randrange(365 * YEARS))
        produced = announced - timedelta(days=rng.randrange(30, 200))
        lot = f"{produced:%Y%m%d}{'ABC'[rng.randrange(3)]}{rng.randrange(1, 10)}"
        compliant = rng.random() >= FAIL_RATE or product.id not in failing
        rows.append(_row(rng, number, product, announced, produced, lot, compliant))
        if not compliant:
            failed.append((number, rng.choice(FAILURES)))
    returning = insert(SamplingResult).returning(SamplingResult.id, sort_by_parameter_order=True)
    ids = session.scalars(returning, rows).all()
    session.execute(insert(FailedItem), [
        {"result_id": ids[number], "item": item, "measured": measured, "limit": limit}
        for number, (item, measured, limit) in failed])
    return len(rows)


def shop_names(shop: tuple[str, str], number: int) -> dict[str, str]:
    """The sampled unit's fictional names: shop ``number`` of a chain in ``SHOPS``."""
    return {"sampled_unit": f"{shop[0]}{number}号（虚构）",
            "sampled_unit_en": f"{shop[1]} No. {number} (fictional)"}


def lab_names(lab: tuple[str, str]) -> dict[str, str]:
    """A lab of ``LABS`` as the result's two name fields."""
    return {"lab": lab[0], "lab_en": lab[1]}


def _row(rng: random.Random, number: int, product: Product, announced: date, produced: date,
         lot: str, compliant: bool) -> dict:
    enterprise = product.brand.enterprise
    shop = shop_names(rng.choice(SHOPS), rng.randrange(1, 200))
    return {
        "sample_no": f"DEMO{announced:%Y}{number:06d}", "product_id": product.id,
        "enterprise_id": enterprise.id, "enterprise_name": enterprise.name_zh,
        "enterprise_address": enterprise.address_zh,
        **shop, "province": rng.choice(PROVINCES), "product_name": product.name_zh,
        "specification": f"{product.net_content_g}克/罐", "trademark": product.brand.name_zh,
        "production_date_or_lot": lot, "lot": lot, "produced_on": produced,
        "category": "婴幼儿配方食品", "subcategory": f"{product.stage}段",
        "announcement_no": f"示例公告{announced:%Y}年第{announced.month * 3 + rng.randrange(3)}号",
        "announced_on": announced, "task_source": "市场监督管理局食品安全监督抽检（示例）",
        **lab_names(rng.choice(LABS)), "compliant": compliant, "is_demo": True,
        "source_file": "demo",
    }


DEMO_REASON = "示例：监管部门核查后确认列入重点监管（虚构数据）。"


def review_failures(session: Session, today: date) -> int:
    """Put every demo failure through the review queue: each failing product is listed on its
    first failure, except the unlisted product that failed last, whose newest failure still
    waits for a regulator (so the demo regulator has work to do). Return the listings made."""
    failed = session.scalars(select(SamplingResult).where(
        SamplingResult.compliant.is_(False), SamplingResult.is_demo)
        .order_by(SamplingResult.announced_on, SamplingResult.id))
    by_product: dict[int | None, list[SamplingResult]] = {}
    for result in failed:
        by_product.setdefault(result.product_id, []).append(result)
    newest_first = sorted(by_product, key=lambda product: by_product[product][-1].announced_on
                          or date.min,
                          reverse=True)
    listed, waiting = 0, False
    for product in newest_first:
        if not waiting and review.propose(session, by_product[product][-1:]):
            waiting = True  # the newest failure of a product not yet listed waits
            continue
        for proposal in review.propose(session, by_product[product][:1]):
            review.apply_decision(session, None, proposal, True, DEMO_REASON, today)
            listed += 1
    return listed
