"""On a phone: a science editor uploads a photo for an article, it is placed in the text,
previewed and saved; a reviewer compares the versions and approves; readers get the photo
in its widths with its size reserved."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade

from ..accounts_factory import PASSWORD, make_user
from ..liveserver import gunicorn, sibling_database
from .conftest import check_accessible, new_phone_page

AUTHOR, REVIEWER = "photo-writer@science.example.org", "photo-reviewer@science.example.org"
ALT_EN = "Measuring spoon levelled with a knife"


@pytest.fixture(scope="module")
def photo_articles_server(database_url, tmp_path_factory):
    """Gunicorn on its own database with a science editor and a qualified reviewer."""
    folder = tmp_path_factory.mktemp("article-photos-live")
    url = sibling_database(database_url, "article_photos_browser", folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": "article-photos-" + "a" * 20,
                 "INSTANCE_PATH": str(folder / "instance")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        make_user(db.session(), "science", email=AUTHOR)
        make_user(db.session(), "science", email=REVIEWER, reviewer=True,
                  reviewer_qualification="Registered dietitian")
    db.dispose(app)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": overrides["SECRET_KEY"],
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "index")}
    with gunicorn(env, log=folder / "gunicorn.log") as base:
        yield base


def sign_in(page, email: str, path: str) -> None:
    page.goto(path)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 160, 60)).save(out, "PNG")
    return {"name": "spoon.png", "mimeType": "image/png", "buffer": out.getvalue()}


def write_article(page) -> None:
    page.get_by_label("Address (the end of /learn/…)").fill("measuring-powder")
    page.get_by_label("Topic").select_option("safety")
    page.get_by_label("Title in Chinese").fill("量取奶粉")
    page.get_by_label("Summary in Chinese").fill("用附带的量勺，刮平后再放入水中。")
    page.get_by_label("Text in Chinese (Markdown)").fill("## 量勺\n\n每一勺都要刮平。")
    page.get_by_label("Title in English").fill("Measuring the powder")
    page.get_by_label("Summary in English").fill("Use the scoop in the can, levelled.")
    page.get_by_label("Text in English (Markdown)").fill("## The scoop\n\nLevel every scoop.")
    page.get_by_label("Sources, one a line: title | publisher | date | link").fill(
        "Safe preparation of formula | WHO | 2007 | https://www.who.int/")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_role("status")).to_have_text("Saved as version 1.")


def test_an_editor_uploads_and_places_a_photo_a_reviewer_compares_and_approves(
        browser, photo_articles_server, axe_source):
    context, page = new_phone_page(browser, photo_articles_server, locale="en-US",
                                   bypass_csp=True)
    sign_in(page, AUTHOR, "/publish/articles/new?lang=en")
    write_article(page)
    page.get_by_role("link", name="Change the article").click()

    page.set_input_files("#image-file", files=[photo()])
    page.locator("#image-alt_zh").fill("用刀刮平的量勺")
    page.locator("#image-alt_en").fill(ALT_EN)
    page.get_by_role("button", name="Upload the photo").click()  # no declaration
    expect(page.locator(".error-summary")).to_contain_text("shows no infant")
    check_accessible(page, axe_source)
    page.set_input_files("#image-file", files=[photo()])
    page.locator("#image-declared").check()
    page.get_by_role("button", name="Upload the photo").click()
    expect(page.get_by_role("status")).to_contain_text("placed at the end of each text")
    english = page.get_by_label("Text in English (Markdown)")
    expect(english).to_have_value(
        re.compile(rf"Level every scoop\.\n\n!\[{ALT_EN}\]\(/images/[0-9a-f]{{32}}\)$"))
    page.get_by_role("button", name="Preview and check").click()
    preview = page.locator(".article-preview .prose[lang=en] img")
    expect(preview).to_have_attribute("alt", ALT_EN)
    check_accessible(page, axe_source)
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_role("status")).to_have_text("Saved as version 2.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

    context, page = new_phone_page(browser, photo_articles_server, locale="en-US",
                                   bypass_csp=True)
    sign_in(page, REVIEWER, "/publish/articles/measuring-powder?lang=en")
    page.get_by_role("button", name="Show the changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Changes from version 1 to version 2")
    expect(page.locator("#part-body_en").locator("xpath=..").locator("ins").last
           ).to_contain_text(f"added: ![{ALT_EN}]")
    check_accessible(page, axe_source)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.go_back()
    page.get_by_role("button", name="Approve and publish version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measuring the powder")
    shown = page.locator(".prose img")
    expect(shown).to_have_attribute("alt", ALT_EN)
    expect(shown).to_have_attribute("width", "960")
    expect(shown).to_have_attribute("height", "640")
    page.wait_for_function("document.querySelector('.prose img').complete")
    assert page.evaluate("document.querySelector('.prose img').naturalWidth") > 0
    check_accessible(page, axe_source)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
