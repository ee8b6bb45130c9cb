"""Brand showcases: the story with its photo, events, the enterprise's coming open days, and
links to every product's page; non-compliant showcases stay unpublished; search finds them."""

from __future__ import annotations

import shutil

import pytest

from formulatrust.core.config import PROJECT_ROOT

from ..open_days_factory import open_day
from ..pagecheck import check_page

SHOWCASE = {
    "zh": """---
title: 测试牌（示例品牌）
summary: 测试乳业的虚构品牌。
brand: test-brand
events:
  - date: 2026-10-01
    title: 工厂开放日
  - date: 2026-12-12
    title: 新品牌“测试牌”发布
    description: 在浦东新区工厂发布，介绍配方注册号和追溯方法。
---
## 品牌故事

测试牌由测试乳业于2018年创立，工厂位于浦东新区，每天清晨收奶。

![示例工厂的插画：厂房、奶仓和奶罐车](/static/brands/dawnlight-factory.svg)
""",
    "en": """---
title: Testbrand (demo brand)
summary: An invented brand of Test Dairy.
brand: test-brand
events:
  - date: 2026-12-12
    title: "New brand launch: Testbrand"
---
## The brand's story

Testbrand was founded by Test Dairy in 2018; its factory in Pudong takes in milk at dawn.

![Drawing of the demo factory: building, silos, tanker](/static/brands/dawnlight-factory.svg)
""",
}


@pytest.fixture
def content(tmp_path, app_overrides):
    """The repository's content plus a showcase for the small world's first brand."""
    root = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", root)
    for lang, text in SHOWCASE.items():
        (root / "brands" / f"test-brand.{lang}.md").write_text(text, encoding="utf-8")
    (root / "brands" / "river-brand.zh.md").write_text(
        "---\ntitle: 河畔\nsummary: 介绍\n---\n河畔奶粉，口感接近母乳，宝宝首选。",
        encoding="utf-8")
    app_overrides["CONTENT_DIR"] = str(root)
    return root


def test_showcase_has_story_photo_and_events_newest_first(content, client, world):
    soup = check_page(client.get("/brands/test-brand").get_data(as_text=True), "zh")
    story = soup.select_one(".showcase")
    assert "每天清晨收奶" in story.get_text()
    photo = story.find("img")
    assert photo["alt"].startswith("示例工厂的插画") and photo["src"].endswith(".svg")
    with client.get(photo["src"]) as image:
        assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    events = [" ".join(li.get_text().split()) for li in soup.select(".brand-events li")]
    assert events[0].startswith("2026年12月12日 · 新品牌“测试牌”发布")
    assert "介绍配方注册号和追溯方法" in events[0] and events[1].endswith("工厂开放日")
    english = check_page(client.get("/brands/test-brand?lang=en").get_data(as_text=True), "en")
    assert english.select_one(".brand-events time")["datetime"] == "2026-12-12"
    assert "New brand launch: Testbrand" in english.select_one(".brand-events").get_text()


def test_showcase_lists_the_enterprise_s_coming_open_days_only(content, client, session, world):
    first, second = world["enterprises"]
    soon = open_day(session, first, days=5, capacity=12)
    full = open_day(session, first, days=9, capacity=4, seats_taken=4)
    open_day(session, first, days=-2)  # over
    open_day(session, second, days=3)  # another enterprise's
    soup = check_page(client.get("/brands/test-brand").get_data(as_text=True), "zh")
    items = soup.select(".brand-open-days li")
    assert [li.a["href"] for li in items] == [f"/open-days/{soon.id}", f"/open-days/{full.id}"]
    assert items[0].get_text().endswith("剩余12个名额")
    assert items[1].get_text().endswith("已约满")
    more = soup.find("a", href="/open-days?enterprise=test-dairy")
    assert more is not None and client.get(more["href"]).status_code == 200
    other = check_page(client.get("/brands/river-brand").get_data(as_text=True), "zh")
    assert len(other.select(".brand-open-days li")) == 1


def test_every_product_link_on_a_showcase_opens_its_page(content, client, world):
    soup = check_page(client.get("/brands/test-brand").get_data(as_text=True), "zh")
    links = [a["href"] for a in soup.select(".table-scroll a")]
    assert links == ["/01/09521234500018", "/01/09521234500025"]
    for link in links:
        assert client.get(link).status_code == 200
    stage_one = check_page(client.get(links[0]).get_data(as_text=True), "zh")
    assert "母乳是0至6月龄婴儿最理想的食物" in stage_one.main.get_text()


def test_a_non_compliant_showcase_is_not_published(content, client, world, app):
    assert any(path.name == "river-brand.zh.md"
               for path in app.extensions["formulatrust.content"].blocked)
    soup = check_page(client.get("/brands/river-brand").get_data(as_text=True), "zh")
    assert soup.select_one(".showcase") is None and "接近母乳" not in soup.get_text()
    assert soup.select(".table-scroll a")  # the facts are still there


@pytest.mark.parametrize(("query", "path"), [
    ("清晨收奶", "/brands/test-brand"),
    ("测试牌", "/brands/test-brand"),
    ("阪崎肠杆菌", "/learn/"),
    ("冲调", "/learn/preparing-a-bottle"),
])
def test_articles_and_showcases_are_found_with_chinese_queries(content, client, runner, world,
                                                                query, path):
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    soup = check_page(client.get("/search", query_string={"q": query}).get_data(as_text=True))
    assert any(a["href"].startswith(path) for a in soup.select(".hits a")), query
