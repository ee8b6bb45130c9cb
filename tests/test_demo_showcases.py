"""Demo showcases: every demo brand shows its own compliant showcase with drawn photos."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.brands import showcases
from formulatrust.brands.models import Showcase
from formulatrust.core import db
from formulatrust.core.demo import BRAND_WORDS
from formulatrust.domain.compliance import default_rules
from formulatrust.enterprises.models import Brand

from .pagecheck import check_page


def test_every_demo_brand_has_its_own_compliant_showcase_with_photos(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        session = db.session()
        brands = session.scalars(select(Brand).options(selectinload(Brand.products),
                                                       selectinload(Brand.enterprise))).all()
        assert len(brands) == len(BRAND_WORDS)
        others = {word for word, _english in BRAND_WORDS}
        for brand in brands:
            showcase = session.scalar(select(Showcase).where(Showcase.brand_id == brand.id))
            assert showcase is not None and showcase.is_published, brand.slug
            content = showcase.published_revision.content()
            assert showcases.findings(content, brand, default_rules()) == [], brand.slug
            assert len(content["photos"]) == 2
            own = brand.name_zh.removesuffix("（示例）")
            text = " ".join(str(content[name]) for name in ("title_zh", "summary_zh",
                                                           "body_zh"))
            assert own in text
            assert [word for word in others - {own} if word in text] == [], brand.slug
    client = app.test_client()
    page = check_page(client.get("/brands/jinhui-milk-1").get_data(as_text=True), "zh")
    story = page.select_one(".showcase").get_text()
    assert "暖阳" in story and "小溪" not in page.get_text()
    photos = page.select(".showcase-photos img")
    assert len(photos) == 2 and all(img["alt"] and img["srcset"] for img in photos)
    drawn = client.get(photos[0]["src"])
    assert drawn.status_code == 200
    with Image.open(io.BytesIO(drawn.get_data())) as image:
        assert image.size == (int(photos[0]["width"]), int(photos[0]["height"]))


def test_every_showcase_file_names_only_its_own_brand():
    from formulatrust.core.config import PROJECT_ROOT
    from formulatrust.core.demo import ENTERPRISES

    words = iter(BRAND_WORDS)
    owners = {f"{slug}-{number}": next(words) for slug, *_rest in ENTERPRISES
              for number in (1, 2)}
    files = sorted((PROJECT_ROOT / "content" / "brands").glob("*.md"))
    assert files
    for path in files:
        slug, lang = path.name.removesuffix(".md").rsplit(".", 1)
        own = owners[slug][0 if lang == "zh" else 1]
        text = path.read_text(encoding="utf-8")
        assert own in text, path.name
        named = [pair[0 if lang == "zh" else 1] for pair in owners.values()
                 if pair[0 if lang == "zh" else 1] in text]
        assert named == [own], path.name
