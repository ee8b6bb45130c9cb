"""On a phone: a science editor drafts an article, the checker blocks a breast-milk claim, the
editor fixes it, a reviewer (not the author) approves, and it appears with its review dates."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.core.migrate import upgrade

from ..accounts_factory import PASSWORD, make_user
from ..liveserver import gunicorn, sibling_database
from .conftest import check_accessible, new_phone_page

AUTHOR, REVIEWER = "writer@science.example.org", "reviewer@science.example.org"
CLAIM = "This formula is as close to breast milk as you can get."
FIXED = "Breast milk is best for babies; see a doctor before choosing a formula."


@pytest.fixture(scope="module")
def articles_server(database_url, tmp_path_factory):
    """Gunicorn on its own database with a science editor and a qualified reviewer."""
    folder = tmp_path_factory.mktemp("articles-live")
    url = sibling_database(database_url, "articles_browser", folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": "articles-browser-" + "a" * 20,
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
    page.goto(path)  # signed out: sign in, then back
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_article(page, english_body: str) -> None:
    page.get_by_label("Address (the end of /learn/…)").fill("vitamin-d-drops")
    page.get_by_label("Topic").select_option("feeding")
    page.get_by_label("Title in Chinese").fill("维生素D滴剂")
    page.get_by_label("Summary in Chinese").fill("母乳喂养的宝宝每天需要补充维生素D。")
    page.get_by_label("Text in Chinese (Markdown)").fill("## 为什么\n\n每天补充10微克维生素D。")
    page.get_by_label("Title in English").fill("Vitamin D drops")
    page.get_by_label("Summary in English").fill("Breastfed babies need vitamin D every day.")
    page.get_by_label("Text in English (Markdown)").fill("## Why\n\n" + english_body)
    page.get_by_label("Sources, one a line: title | publisher | date | link").fill(
        "Infant feeding guidelines | Chinese Nutrition Society | 2022 | http://dg.cnsoc.org/")


def test_draft_blocked_then_fixed_approved_and_published(browser, articles_server, axe_source):
    context, page = new_phone_page(browser, articles_server, locale="en-US", bypass_csp=True)
    sign_in(page, AUTHOR, "/publish/articles/new?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write an article")
    fill_article(page, CLAIM)
    page.get_by_role("button", name="Preview and check").click()
    findings = page.get_by_role("alert")
    expect(findings).to_contain_text("The advertising rules block this version")
    expect(findings).to_contain_text("close to breast milk")
    expect(page.locator(".article-preview")).to_contain_text("as close to breast milk")
    check_accessible(page, axe_source)
    page.get_by_label("Text in English (Markdown)").fill("## Why\n\n" + FIXED)
    page.get_by_role("button", name="Preview and check").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_role("status")).to_have_text("Saved as version 1.")
    expect(page.get_by_text("A reviewer other than the author approves")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

    context, page = new_phone_page(browser, articles_server, locale="en-US", bypass_csp=True)
    sign_in(page, REVIEWER, "/publish/articles/vitamin-d-drops?lang=en")
    expect(page.locator(".article-preview")).to_contain_text(FIXED)
    check_accessible(page, axe_source)
    page.get_by_role("button", name="Approve and publish version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vitamin D drops")
    today = shanghai_now().date()
    meta = page.locator(".article-meta")
    expect(meta).to_contain_text(f"Last reviewed {today:%B} {today.day}, {today.year}")
    expect(meta).to_contain_text(f"Next review due {today:%B} {today.day}, {today.year + 1}")
    expect(page.locator(".article-sources")).to_contain_text(
        "Reviewed by Test science, Registered dietitian.")
    check_accessible(page, axe_source)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
