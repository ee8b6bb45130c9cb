"""Deterministic, clearly fictional demo data. Every name here is invented.

GTINs use GS1 prefix 952, which GS1 reserves for demonstrations, so no demo code can match
a real product.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from formulatrust.brands import demo as demo_showcases
from formulatrust.enterprises import demo as demo_integrity
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.industry import demo as demo_industry
from formulatrust.open_days import demo as demo_open_days
from formulatrust.publishing.bulletins import demo as demo_bulletins
from formulatrust.results import demo as demo_results
from formulatrust.scan import demo as demo_trace

SEED = 20261128
DEMO_SUFFIX_ZH = "（示例）"
DEMO_SUFFIX_EN = " (demo)"

ENTERPRISES = [
    ("pujiang-dairy", "浦江晨露乳业有限公司", "Pujiang Morning Dew Dairy Co., Ltd.",
     "浦东新区", "Pudong New Area"),
    ("songze-nutrition", "松泽婴童营养品有限公司", "Songze Infant Nutrition Co., Ltd.",
     "青浦区", "Qingpu District"),
    ("jinhui-milk", "金汇牧歌乳品有限公司", "Jinhui Pastoral Dairy Co., Ltd.",
     "奉贤区", "Fengxian District"),
    ("chongming-greenfield", "崇明青野乳业有限公司", "Chongming Greenfield Dairy Co., Ltd.",
     "崇明区", "Chongming District"),
    ("jiading-starwheat", "嘉定星禾营养食品有限公司", "Jiading Starwheat Nutrition Co., Ltd.",
     "嘉定区", "Jiading District"),
    ("minhang-cloudlamb", "闵行云羊乳品有限公司", "Minhang Cloudlamb Dairy Co., Ltd.",
     "闵行区", "Minhang District"),
]
BRAND_WORDS = [
    ("晨曦", "Dawnlight"), ("安禾", "Anhe"), ("小溪", "Little Brook"), ("青朵", "Greenbud"),
    ("暖阳", "Warm Sun"), ("知语", "Zhiyu"), ("星点", "Starpoint"), ("云团", "Cloudpuff"),
    ("禾苗", "Seedling"), ("月湾", "Moonbay"), ("初岚", "Early Mist"), ("贝岭", "Bayridge"),
]
STAGES = {
    1: ("婴儿配方乳粉（0-6月龄，1段）", "Infant formula (0–6 months, stage 1)"),
    2: ("较大婴儿配方乳粉（6-12月龄，2段）", "Follow-on formula (6–12 months, stage 2)"),
    3: ("幼儿配方乳粉（12-36月龄，3段）", "Young child formula (12–36 months, stage 3)"),
}
STREETS = [("沪青路", "Huqing Road"), ("园区路", "Yuanqu Road"), ("滨江大道", "Binjiang Avenue"),
           ("新农路", "Xinnong Road"), ("牧场路", "Muchang Road")]


def gtin14(body12: str) -> str:
    """Return the GTIN-14 for a 12-digit GTIN-13 body, with a leading zero and check digit."""
    digits = "0" + body12
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return digits + str((10 - total % 10) % 10)


def build(session: Session, progress: Callable[[int], None] = lambda _n: None) -> dict[str, int]:
    """Add the demo enterprises, brands and products to ``session`` and return counts."""
    rng = random.Random(SEED)
    counts = {"enterprises": 0, "brands": 0, "products": 0}
    enterprises, products = [], []
    brand_words = iter(BRAND_WORDS)
    for number, (slug, name_zh, name_en, district_zh, district_en) in enumerate(ENTERPRISES, 1):
        enterprise = _enterprise(rng, number, slug, name_zh, name_en, district_zh, district_en)
        session.add(enterprise)
        enterprises.append(enterprise)
        counts["enterprises"] += 1
        for brand_number in range(1, 3):
            word_zh, word_en = next(brand_words)
            brand = Brand(slug=f"{slug}-{brand_number}", name_zh=word_zh + DEMO_SUFFIX_ZH,
                          name_en=word_en + DEMO_SUFFIX_EN, enterprise=enterprise, is_demo=True)
            session.add(brand)
            counts["brands"] += 1
            for stage, (stage_zh, stage_en) in STAGES.items():
                products.append(Product(
                    brand=brand, stage=stage, is_demo=True,
                    gtin=gtin14(f"952{number:02d}{brand_number:02d}{stage:02d}"
                                f"{rng.randrange(1000):03d}"),
                    name_zh=f"{word_zh}{stage_zh}", name_en=f"{word_en} {stage_en}",
                    registration_no=f"国食注字YP{2017 + rng.randrange(8)}"
                                    f"{rng.randrange(10000):04d}",
                    net_content_g=rng.choice([400, 800, 900]),
                ))
                counts["products"] += 1
        progress(1)
    session.add_all(products)
    session.flush()
    counts.update(demo_trace.build(session, rng, enterprises, products))
    counts["results"] += demo_results.build(session, products, SEED + 1)
    counts.update(demo_integrity.build(session, enterprises))
    counts["open days"] = demo_open_days.build_open_days(session, enterprises)
    counts["bulletins"] = demo_bulletins.build(session)
    counts["showcases"] = demo_showcases.build(session)
    counts["industry figures"] = demo_industry.build(session)
    counts["key-supervision listings"] = demo_results.review_failures(session, ANCHOR_DAY)
    return counts


ANCHOR_DAY = date(2026, 11, 1)  # demo listings are dated, like the rest of the demo, fixed


def _enterprise(rng: random.Random, number: int, slug: str, name_zh: str, name_en: str,
                district_zh: str, district_en: str) -> Enterprise:
    street_zh, street_en = rng.choice(STREETS)
    house = rng.randrange(1, 2000)
    return Enterprise(
        slug=slug, is_demo=True,
        name_zh=name_zh + DEMO_SUFFIX_ZH, name_en=name_en + DEMO_SUFFIX_EN,
        credit_code=f"91310{number:03d}MA1{rng.randrange(10**9):09d}X"[:18],
        licence_no=f"SC1063101{number:02d}{rng.randrange(100000):05d}",
        district_zh=district_zh, district_en=district_en,
        address_zh=f"上海市{district_zh}{street_zh}{house}号",
        address_en=f"{house} {street_en}, {district_en}, Shanghai",
    )
