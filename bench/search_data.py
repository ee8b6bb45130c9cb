"""Fictional sampling results and the mixed query set for the search bench (``bench.search``).

Everything is generated from a seed, so every run and every engine sees the same records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from formulatrust.pages.search_documents import result_document
from formulatrust.search import Document

SEED = 20261204
FAIL_RATE = 0.02

# --- Fictional vocabulary --------------------------------------------------------------------

PLACES = ("星禾 云羊 澄湖 青穗 岚山 白桦 晨露 沐川 禾川 溪谷 蓝湾 雪原 松岭 金穗 "
          "碧野 南麓 北原 霞光 清泉 嘉禾 银滩 麦田 草甸 橡湾 枫林 海澄 春晖 秋实 "
          "明湖 远山 若水 安澜 恒源 长岭 东湖 西岸 鹿鸣 栖霞 翠谷 朝阳").split()
FIRM_KINDS = ("乳业有限公司", "乳品有限公司", "营养品有限公司", "食品有限公司",
              "乳业（上海）有限公司", "生物科技有限公司", "乳业股份有限公司")
BRANDS_ZH = ("贝护 优启 睿智 臻选 初元 悠然 安舒 童悦 倍优 菁护 益童 启睿 舒宝 乐成 "
             "恩贝 悦享 亲护 慧童 佳贝 禾宝").split()
BRANDS_EN = ("Starwheat Cloudlamb Milkbay Nordmoor Lumina Pebblecrest Sunmeadow Brightfen "
             "Willowmere Oakhaven Clearbrook Mistvale").split()
MILKS = ("", "", "羊乳", "有机")
STAGES = (("婴儿配方乳粉（0-6月龄，1段）", "婴儿配方食品"),
          ("较大婴儿配方乳粉（6-12月龄，2段）", "较大婴儿配方食品"),
          ("幼儿配方乳粉（12-36月龄，3段）", "幼儿配方食品"))
SPECIAL = (("无乳糖婴儿配方食品", "特殊医学用途婴儿配方食品"),
           ("早产/低出生体重婴儿配方食品", "特殊医学用途婴儿配方食品"))
PROVINCES = (("上海", 55), ("江苏", 10), ("浙江", 10), ("安徽", 5), ("山东", 5), ("北京", 4),
             ("广东", 4), ("四川", 3), ("湖北", 2), ("福建", 2))
DISTRICTS = {
    "上海": ("浦东新区 徐汇区 静安区 黄浦区 闵行区 嘉定区 松江区 宝山区 杨浦区 长宁区 "
             "普陀区 青浦区").split(),
    "江苏": ["南京市", "苏州市", "无锡市"], "浙江": ["杭州市", "宁波市", "温州市"],
    "安徽": ["合肥市", "芜湖市"], "山东": ["济南市", "青岛市"], "北京": ["朝阳区", "海淀区"],
    "广东": ["广州市", "深圳市"], "四川": ["成都市"], "湖北": ["武汉市"], "福建": ["福州市"]}
SHOPS = ("示例母婴店 爱婴坊 贝乐母婴生活馆 惠民超市 乐购生活超市 康宁大药房 优选电商仓 "
         "好邻居便利店 宝贝屋 童心母婴").split()
LAB_KINDS = ("食品检验研究院", "产品质量监督检验所", "质量技术检测中心", "食品安全检测中心")
TASKS = ("国家市场监督管理总局食品安全监督抽检（示例）", "上海市市场监督管理局食品安全抽检（示例）",
         "食品安全风险监测（示例）", "婴幼儿配方乳粉专项抽检（示例）")
FAILURES = (  # item, measured value, weight
    ("阪崎肠杆菌", "检出", 8), ("维生素A", "9.8 μg RE/100kJ", 6),
    ("维生素D", "0.21 μg/100kJ", 6), ("维生素C", "1.8 mg/100kJ", 4),
    ("维生素E", "0.08 mg α-TE/100kJ", 3), ("维生素K1", "0.7 μg/100kJ", 2),
    ("硒", "0.41 μg/100kJ", 6), ("铁", "0.09 mg/100kJ", 3), ("锌", "0.11 mg/100kJ", 3),
    ("菌落总数", "3.2×10⁴ CFU/g", 6), ("蛋白质", "0.39 g/100kJ", 4),
    ("二十二碳六烯酸", "未达标签值", 2), ("标签", "未标示反式脂肪酸含量", 5),
    ("亚硝酸盐", "2.9 mg/kg", 2))
FIRST_DAY, DAYS = date(2020, 1, 1), 7 * 365


@dataclass(frozen=True)
class Record:
    """One generated sampling result with the fields ``result_document`` reads."""

    id: int
    product_name: str
    enterprise_name: str
    trademark: str
    sampled_unit: str
    province: str
    failed_items: tuple[tuple[str, str], ...]
    lab: str
    announcement_no: str
    task_source: str
    lot: str
    sample_no: str
    category: str
    compliant: bool
    announced_on: date

    @property
    def year(self) -> int:
        return self.announced_on.year


def generate(count: int, seed: int = SEED) -> list[Record]:
    """Return ``count`` fictional results, the same ones for the same seed."""
    rng = random.Random(seed)
    firms = [PLACES[i % 40] + FIRM_KINDS[(3 * i + i // 40) % 7] for i in range(160)]
    products = []
    for number, firm in enumerate(firms):
        for brand_number in range(2):
            brand = (BRANDS_EN[(number + brand_number) % len(BRANDS_EN)] if rng.random() < 0.3
                     else BRANDS_ZH[(number * 2 + brand_number) % len(BRANDS_ZH)])
            milk = rng.choice(MILKS)
            lines = [*STAGES, rng.choice(SPECIAL)] if rng.random() < 0.1 else STAGES
            products += [(f"{brand}{milk}{name}", category, firm, brand)
                         for name, category in lines]
    provinces = [name for name, weight in PROVINCES for _ in range(weight)]
    labs = [PLACES[(7 * i + 3) % 40] + LAB_KINDS[i % 4] + "（示例）" for i in range(14)]
    failures = [(item, measured) for item, measured, weight in FAILURES for _ in range(weight)]
    records = []
    for number in range(1, count + 1):
        product, category, firm, brand = rng.choice(products)
        announced = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        produced = announced - timedelta(days=rng.randrange(30, 200))
        province = rng.choice(provinces)
        compliant = rng.random() >= FAIL_RATE
        items = () if compliant else tuple(dict.fromkeys(
            rng.choice(failures) for _ in range(1 if rng.random() < 0.85 else 2)))
        records.append(Record(
            id=number, product_name=product, enterprise_name=firm, trademark=brand,
            sampled_unit=f"{rng.choice(DISTRICTS[province])}{rng.choice(SHOPS)}"
                         f"{rng.randrange(1, 300)}号店",
            province=province, failed_items=items, lab=rng.choice(labs),
            announcement_no=f"示例市场监管公告〔{announced.year}〕第{rng.randrange(1, 61)}号",
            task_source=rng.choice(TASKS),
            lot=f"{produced:%Y%m%d}{'ABCD'[rng.randrange(4)]}{rng.randrange(1, 10)}",
            sample_no=f"DC{announced:%y}{number:08d}", category=category, compliant=compliant,
            announced_on=announced))
    return records


def document(record: Record) -> Document:
    """Return the search document the site would index for ``record``, with its filters."""
    row = SimpleNamespace(**{name: getattr(record, name) for name in Record.__dataclass_fields__})
    row.lab_en = row.sampled_unit_en = ""  # English names are not generated
    row.failed_items = [SimpleNamespace(item=item, item_raw="", measured=measured)
                        for item, measured in record.failed_items]
    row.product = row.enterprise = None  # names only: no linked product or enterprise rows
    return result_document(row)


# --- The query set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One query as a reader of /results would send it."""

    kind: str  # char, term, name, lot, english
    text: str
    filters: tuple[tuple[str, str], ...] = ()
    counts: bool = False

    @property
    def label(self) -> str:
        extra = "".join(f" {name}={value}" for name, value in self.filters)
        return f"{self.text}{extra}{' +counts' if self.counts else ''}"


def probes(records: list[Record], seed: int = SEED) -> list[Probe]:
    """Return the mixed query set: each text plain, filtered, counted, filtered and counted."""
    rng = random.Random(seed + 1)
    picks = rng.sample(records, min(len(records), 40))
    texts = [("char", text) for text in ("硒", "羊", "铁", "锌", "菌", "乳")]
    texts += [("term", text) for text in ("乳业", "阪崎", "维生素A", "维生素D", "菌落", "乳粉",
                                          "有机", "标签", "母婴", "蛋白质", "特殊医学", "检验")]
    texts += [("name", r.enterprise_name) for r in picks[:6]]
    texts += [("name", r.product_name) for r in picks[6:9]]
    texts += [("name", r.sampled_unit) for r in picks[9:12]]
    texts += [("name", r.lab) for r in picks[12:14]]
    texts += [("lot", r.lot) for r in picks[14:20]] + [("lot", r.sample_no) for r in picks[20:24]]
    texts += [("english", text) for text in ("compliant", "non-compliant", "CFU", "kJ")]
    texts += [("english", name) for name in BRANDS_EN[:2]]
    years = sorted({r.year for r in records})
    choices = [(("year", str(years[-2 if len(years) > 1 else 0])),), (("compliant", "no"),),
               (("province", "上海"),),
               (("year", str(years[0])), ("province", "江苏")),
               (("enterprise", picks[0].enterprise_name),),
               (("compliant", "yes"), ("year", str(years[-1])))]
    found = []
    for number, (kind, text) in enumerate(texts):
        chosen = choices[number % len(choices)]
        found += [Probe(kind, text), Probe(kind, text, chosen), Probe(kind, text, counts=True),
                  Probe(kind, text, chosen, counts=True)]
    return found


def truth(documents: list[Document], text: str) -> set[str]:
    """Return the keys whose indexed text contains ``text`` (the ground truth for recall)."""
    wanted = text.lower()
    return {d.key for d in documents if wanted in d.text.lower()}
