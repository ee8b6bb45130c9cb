"""A parent on a phone reads an article in Chinese and in English and follows its contents,
then opens a brand showcase and goes from it to a product's page; search finds both."""

from __future__ import annotations

import shutil
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.migrate import upgrade
from formulatrust.pages.search_documents import all_documents
from formulatrust.search import rebuild

from .. import factories
from ..liveserver import gunicorn, sibling_database
from .conftest import axe_problems, new_phone_page

SHOWCASE = {
    "zh": """---
title: 测试牌（示例品牌）
summary: 测试乳业的虚构品牌。
brand: test-brand
events:
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


@pytest.fixture(scope="module")
def learn_server(database_url, tmp_path_factory):
    """Serve the small world with the repository's articles and a showcase for its brand."""
    folder = tmp_path_factory.mktemp("learn-live")
    content = folder / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    for lang, text in SHOWCASE.items():
        (content / "brands" / f"test-brand.{lang}.md").write_text(text, encoding="utf-8")
    url = sibling_database(database_url, "learn", folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": "learn-browser-secret-" + "x" * 20,
                 "INSTANCE_PATH": str(folder / "instance"), "CONTENT_DIR": str(content),
                 "SEARCH_INDEX_DIR": str(folder / "index")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        factories.small_world(db.session())
        rebuild(overrides["SEARCH_INDEX_DIR"],
                all_documents(db.session(), app.extensions["formulatrust.content"]))
    db.dispose(app)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": overrides["SECRET_KEY"],
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_CONTENT_DIR": str(content),
           "FORMULATRUST_SEARCH_INDEX_DIR": overrides["SEARCH_INDEX_DIR"]}
    with gunicorn(env, log=folder / "gunicorn.log") as base:
        yield base


@pytest.fixture
def reader(browser, learn_server):
    """A phone-sized page on the learn server, Chinese by default."""
    context, page = new_phone_page(browser, learn_server, locale="zh-CN")
    yield page
    context.close()


def follow_contents(page, position: int) -> str:
    """Click the contents entry at ``position``; check its heading is the target, on screen."""
    entry = page.locator(".toc a").nth(position)
    text = entry.inner_text()
    entry.click()
    target = page.locator(":target")
    expect(target).to_have_text(text)
    expect(target).to_be_in_viewport()
    assert unquote(page.url).endswith("#" + target.get_attribute("id"))
    return text


def test_reading_an_article_in_chinese_then_in_english(reader):
    reader.goto("/learn")
    reader.get_by_role("link", name="安全冲调一瓶奶：水温、卫生和时间").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("安全冲调一瓶奶：水温、卫生和时间")
    expect(reader.locator(".article-meta")).to_contain_text("分钟")
    assert follow_contents(reader, 2) == "时间要求"
    assert reader.evaluate("document.documentElement.scrollWidth") <= 360
    reader.locator(".lang-switch").get_by_role("link", name="English").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Preparing a bottle safely — water temperature, hygiene and time")
    assert reader.evaluate("document.documentElement.lang") == "en"
    assert follow_contents(reader, 3) == "Cleaning and storing equipment"
    expect(reader.locator(".article-sources li a").first).to_be_visible()


def test_from_a_brand_showcase_to_a_product_page(reader):
    reader.goto("/brands")
    reader.get_by_role("link", name="测试牌").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("测试牌")
    story = reader.get_by_role("region", name="品牌故事")
    expect(story).to_contain_text("每天清晨收奶")
    photo = story.get_by_role("img", name="示例工厂的插画：厂房、奶仓和奶罐车")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")  # allowed by the CSP
    expect(reader.locator(".brand-events")).to_contain_text("新品牌“测试牌”发布")
    reader.get_by_role("link", name="测试婴儿配方乳粉（1段）").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("测试婴儿配方乳粉（1段）")
    expect(reader.locator("main")).to_contain_text("母乳是0至6月龄婴儿最理想的食物")
    assert "/01/09521234500018" in reader.url


@pytest.mark.parametrize(("query", "link"), [("清晨收奶", "测试牌"),
                                             ("阪崎肠杆菌", "看懂抽检结果")])
def test_search_finds_showcases_and_articles_in_chinese(reader, query, link):
    reader.goto("/search")
    reader.get_by_label("搜索企业、品牌、产品、抽检结果和文章").fill(query)
    reader.get_by_role("button", name="搜索").click()
    expect(reader.locator(".hits").get_by_role("link", name=link).first).to_be_visible()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_showcase_is_accessible_at_phone_size(browser, learn_server, axe_source, lang):
    context, page = new_phone_page(browser, learn_server, bypass_csp=True,
                                   locale={"zh": "zh-CN", "en": "en-US"}[lang])
    page.goto("/brands/test-brand")
    found = axe_problems(page, axe_source)
    context.close()
    assert found["violations"] == [] and found["scroll_width"] <= 360
