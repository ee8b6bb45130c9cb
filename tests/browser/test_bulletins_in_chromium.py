"""An association editor on a phone writes a bulletin with a table, previews and publishes it;
readers find it in the list, the feed and site search, in both languages, and scripts planted
in its title and text never run."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade

from .. import factories
from ..accounts_factory import PASSWORD, make_user
from ..liveserver import gunicorn, sibling_database
from .conftest import check_accessible, new_phone_page

EMAIL = "editor@association.example.org"
TITLE_EN = 'Autumn quality bulletin <img src=x onerror="alert(1)">'
BODY_EN = ('Every batch passed. <script>alert("body")</script>\n\n'
           '<img src=x alt="planted" onerror="alert(2)"> [details](javascript:alert(3))')
FIGURES = "月份,产量（吨）,销量（吨）\n2026-09,1290,1302\n2026-10,1336,1354"


@pytest.fixture(scope="module")
def bulletins_server(database_url, tmp_path_factory):
    """Gunicorn on its own database with one association editor and an empty search index."""
    folder = tmp_path_factory.mktemp("bulletins-live")
    url = sibling_database(database_url, "bulletins_browser", folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": "bulletins-browser-" + "b" * 20,
                 "INSTANCE_PATH": str(folder / "instance")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        factories.small_world(db.session())
        make_user(db.session(), "association", email=EMAIL)
    db.dispose(app)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": overrides["SECRET_KEY"],
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "index")}
    with gunicorn(env, log=folder / "gunicorn.log") as base:
        yield base


def watch_dialogs(page) -> list[str]:
    fired: list[str] = []

    def dismiss(dialog) -> None:
        fired.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return fired


def test_write_preview_publish_and_read_in_both_languages(browser, bulletins_server,
                                                          axe_source):
    # The CSP is switched off throughout, so that only the sanitising stands between the
    # planted scripts and the page (and so that axe can be injected).
    context, page = new_phone_page(browser, bulletins_server, locale="en-US", bypass_csp=True)
    fired = watch_dialogs(page)
    page.goto("/publish/bulletins/new?lang=en")  # signed out: the sign-in page, then back
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a bulletin")

    page.get_by_label("Web address name (optional)").fill("autumn-2026")
    page.get_by_label("Title (Chinese)", exact=True).fill("秋季质量通报")
    page.get_by_label("Summary (Chinese)", exact=True).fill("本季度抽检全部合格。")
    page.get_by_label("Text (Chinese, Markdown)").fill("## 抽检\n\n本季度共抽检 **42** 批次。")
    page.get_by_label("Title (English)", exact=True).fill(TITLE_EN)
    page.get_by_label("Summary (English)", exact=True).fill("Every sample passed.")
    page.get_by_label("Text (English, Markdown)").fill(BODY_EN)
    page.locator("#tables-0-title_zh").fill("月度产销")
    page.locator("#tables-0-title_en").fill("Monthly production and sales")
    page.locator("#tables-0-figures").fill(FIGURES)

    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".bulletin-preview")
    expect(preview.get_by_role("heading", name=TITLE_EN)).to_be_visible()
    expect(preview.locator("svg[role=img]").first).to_be_visible()
    expect(preview.locator("table").first).to_contain_text("1,336")
    expect(preview).to_contain_text("Every batch passed.")
    assert page.locator("#tables-0-figures").input_value() == FIGURES  # the form kept it
    check_accessible(page, axe_source)

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("Published")
    page.goto("/bulletins?lang=en")
    expect(page.get_by_role("link", name=TITLE_EN)).to_be_visible()
    feed = page.request.get("/bulletins/feed.atom?lang=en")
    titles = [e.text for e in ET.fromstring(feed.body()).iter("{http://www.w3.org/2005/Atom}title")]
    assert TITLE_EN in titles
    page.goto("/search?q=autumn+quality&lang=en")
    page.get_by_role("link", name=TITLE_EN).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    context.close()

    for lang, heading, caption in (("zh", "秋季质量通报", "月度产销"),
                                   ("en", TITLE_EN, "Monthly production and sales")):
        context, page = new_phone_page(browser, bulletins_server,
                                       locale="zh-CN" if lang == "zh" else "en-US",
                                       bypass_csp=True)
        fired += watch_dialogs(page)
        page.goto("/bulletins/autumn-2026")
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if lang == "zh"
                                                       else "en")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("heading", level=2, name=caption)).to_be_visible()
        expect(page.locator(".bulletin-statistics svg[role=img]")).to_be_visible()
        expect(page.locator(".bulletin-statistics table tbody tr")).to_have_count(2)
        assert page.locator("main script, main [onerror]").count() == 0
        check_accessible(page, axe_source)
        page.wait_for_timeout(300)  # give any planted handler the chance to fire
        context.close()
    assert fired == []
