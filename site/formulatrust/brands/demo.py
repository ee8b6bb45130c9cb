"""Demo showcases: every demo brand gets a published, compliant showcase with two photos.

The photos are drawn here with Pillow (coloured shapes of a factory and a laboratory with the
brand's name; never people) and go through the same upload path as an editor's, so the demo
shows uploaded images in every width. Each showcase is published through the compliance gate;
a finding stops the build, so a demo text can never break the advertising rules.
"""

from __future__ import annotations

import io
import zlib

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.brands import showcases
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.content import Library
from formulatrust.enterprises.models import Brand
from formulatrust.images import store as images
from formulatrust.images.processing import Limits
from formulatrust.open_days.events import file_events

SIZE = (1200, 800)
PALETTE = [(46, 94, 140), (176, 96, 40), (52, 120, 84), (120, 72, 140), (150, 60, 60),
           (40, 110, 120)]
DEMO_ZH = "（示例）"
DEMO_EN = " (demo)"


def plain(name: str, suffix: str) -> str:
    return name.removesuffix(suffix)


def draw_factory(brand_en: str, colour: tuple[int, int, int]) -> bytes:
    """A flat drawing of a factory with a milk tank, and the brand's name."""
    image = Image.new("RGB", SIZE, (226, 236, 244))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 600, 1200, 800), fill=(120, 170, 100))  # grass
    pen.rectangle((180, 330, 760, 600), fill=colour)  # hall
    pen.polygon([(180, 330), (470, 200), (760, 330)], fill=tuple(c // 2 for c in colour))
    pen.rectangle((640, 150, 700, 330), fill=(90, 90, 90))  # chimney
    for x in range(230, 720, 120):
        pen.rectangle((x, 400, x + 70, 470), fill=(240, 240, 210))  # windows
    pen.ellipse((820, 380, 1060, 600), fill=(205, 210, 220))  # milk tank
    pen.rectangle((820, 490, 1060, 600), fill=(205, 210, 220))
    label(pen, brand_en, "Factory · DEMO")
    return encoded(image)


def draw_laboratory(brand_en: str, colour: tuple[int, int, int]) -> bytes:
    """A flat drawing of a quality laboratory's bench with flasks, and the brand's name."""
    image = Image.new("RGB", SIZE, (244, 240, 230))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 540, 1200, 800), fill=(150, 130, 110))  # bench
    for number, x in enumerate(range(200, 1000, 200)):
        shade = tuple(min(255, c + 40 * (number % 2)) for c in colour)
        pen.polygon([(x, 540), (x + 120, 540), (x + 80, 400), (x + 40, 400)], fill=shade)
        pen.rectangle((x + 45, 300, x + 75, 400), fill=(200, 220, 230))
    pen.rectangle((900, 180, 1100, 320), outline=colour, width=8)  # a chart on the wall
    pen.line((920, 300, 980, 250, 1030, 270, 1080, 200), fill=colour, width=8)
    label(pen, brand_en, "Quality laboratory · DEMO")
    return encoded(image)


def label(pen: ImageDraw.ImageDraw, title: str, subtitle: str) -> None:
    pen.rectangle((0, 0, 1200, 130), fill=(255, 255, 255))
    pen.text((40, 20), title, fill=(20, 20, 20), font=ImageFont.load_default(size=56))
    pen.text((40, 84), subtitle, fill=(60, 60, 60), font=ImageFont.load_default(size=32))


def encoded(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def content(brand: Brand, photos: list[dict], events: list[dict]) -> dict:
    """The brand's showcase text in both languages: facts only, no claims; ``events`` are
    those of the brand's showcase file, which this showcase replaces."""
    word_zh, word_en = plain(brand.name_zh, DEMO_ZH), plain(brand.name_en, DEMO_EN)
    maker_zh = plain(brand.enterprise.name_zh, DEMO_ZH)
    maker_en = plain(brand.enterprise.name_en, DEMO_EN)
    district_zh, district_en = brand.enterprise.district_zh, brand.enterprise.district_en
    return {
        "title_zh": f"{word_zh}（示例品牌）",
        "title_en": f"{word_en} (demo brand)",
        "summary_zh": f"示例数据：{maker_zh}的虚构品牌。",
        "summary_en": f"Demo data: an invented brand of {maker_en}.",
        "body_zh": (f"**这是虚构的示例品牌，不对应任何真实企业或产品。**\n\n## 品牌介绍\n\n"
                    f"{word_zh}是{maker_zh}在{district_zh}生产的品牌，产品覆盖1至3段。每个段别"
                    "的配方注册号、批次检验和监管抽检结果都可以在本站查到。\n\n## 质量体系\n\n"
                    "企业执行企业标准（见“企业标准承诺”页面），并按要求提交自查报告。"),
        "body_en": (f"**This is an invented demo brand. It does not correspond to any real "
                    f"company or product.**\n\n## About the brand\n\n{word_en} is made by "
                    f"{maker_en} in {district_en}, in stages 1 to 3. Each stage's formula "
                    "registration number, batch release tests and the regulator's sampling "
                    "results can be looked up on this site.\n\n## Quality system\n\nThe "
                    "enterprise follows its enterprise standard (see the standards commitments "
                    "page) and files its self-inspection reports as required."),
        "photos": photos,
        "events": events,
    }


def photo(session: Session, brand: Brand, drawn: bytes, alt_zh: str, alt_en: str) -> dict:
    image = images.add(session, None, owner_kind="brand", owner_ref=brand.slug,
                       enterprise_id=brand.enterprise_id, data=drawn, alt_zh=alt_zh,
                       alt_en=alt_en, declared=True, limits=Limits())
    return {"src": image.address, "alt_zh": alt_zh, "alt_en": alt_en}


def build(session: Session) -> int:
    """Publish a showcase with two drawn photos for every demo brand; return how many."""
    brands = session.scalars(select(Brand).where(Brand.is_demo.is_(True)).order_by(Brand.slug)
                             .options(selectinload(Brand.enterprise),
                                      selectinload(Brand.products))).all()
    library = Library(PROJECT_ROOT / "content")
    for brand in brands:
        word_zh, word_en = plain(brand.name_zh, DEMO_ZH), plain(brand.name_en, DEMO_EN)
        colour = PALETTE[zlib.crc32(brand.slug.encode()) % len(PALETTE)]
        photos = [
            photo(session, brand, draw_factory(word_en, colour), f"{word_zh}工厂外景的示意图",
                  f"Drawing of the {word_en} factory and its milk tank"),
            photo(session, brand, draw_laboratory(word_en, colour),
                  f"{word_zh}质检实验室的示意图",
                  f"Drawing of the {word_en} quality laboratory bench"),
        ]
        showcase = showcases.save(session, None, brand,
                                  content(brand, photos, file_events(library, brand.slug)))
        blocked = showcases.publish(session, None, showcase, brand)
        if blocked:
            raise ValueError(f"demo showcase of {brand.slug} breaks {blocked[0].rule}: "
                             f"{blocked[0].phrase}")
    session.flush()
    return len(brands)
