"""A parent on a phone books a factory visit, keeps the ticket, cancels, and the seat returns."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade

from .. import factories
from ..liveserver import gunicorn, sibling_database
from ..open_days_factory import open_day
from .conftest import check_accessible, new_phone_page


@pytest.fixture(scope="module")
def open_days_server(database_url, tmp_path_factory):
    """Gunicorn on its own database with one open day of 10 seats."""
    folder = tmp_path_factory.mktemp("open-days-live")
    url = sibling_database(database_url, "opendays_browser", folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": "open-days-browser-" + "z" * 20,
                 "INSTANCE_PATH": str(folder / "instance")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        world = factories.small_world(db.session())
        visit_id = open_day(db.session(), world["enterprises"][0], capacity=10).id
    db.dispose(app)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": overrides["SECRET_KEY"],
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "index")}
    with gunicorn(env, log=folder / "gunicorn.log") as base:
        yield base, visit_id


def test_book_download_the_ticket_cancel_and_the_seat_returns(browser, open_days_server,
                                                               axe_source):
    base, visit_id = open_days_server
    context, page = new_phone_page(browser, base, locale="en-US", accept_downloads=True,
                                   bypass_csp=True)
    page.goto("/open-days")
    expect(page.locator(".card .seats")).to_contain_text("10 of 10 seats left")
    page.locator(".card h2 a").click()
    check_accessible(page, axe_source)
    page.get_by_role("link", name="Book this visit").click()
    page.get_by_role("button", name="Book").click()  # nothing filled in: every field explains
    expect(page.locator(".error-summary")).to_contain_text("Enter your name")
    assert page.title().startswith("Error:")
    check_accessible(page, axe_source)
    page.get_by_label("Full name").fill("王小明")
    page.get_by_label("Mobile number").fill("138 0013 8000")
    page.get_by_label("Adults").fill("2")
    page.get_by_label("Children").fill("1")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking confirmed")
    reference = page.locator(".reference").inner_text()
    assert len(reference) == 11 and reference[5] == "-"
    qr = page.locator(".ticket svg")
    expect(qr).to_be_visible()
    assert 100 <= qr.bounding_box()["width"] <= 360
    expect(page.locator("main")).to_contain_text("138****8000")
    check_accessible(page, axe_source)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to your calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text(encoding="utf-8")
    page.goto(f"/open-days/{visit_id}")
    expect(page.locator(".seats")).to_contain_text("7 of 10 seats left")
    page.go_back()
    page.get_by_role("button", name="Cancel this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Booking cancelled")
    page.goto(f"/open-days/{visit_id}")
    expect(page.locator(".seats")).to_contain_text("10 of 10 seats left")
    context.close()
