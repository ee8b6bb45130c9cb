"""Enterprise staff on a phone: create an API token (shown once), revoke it, check a visitor in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade
from formulatrust.open_days import bookings
from formulatrust.publishing.models import User

from .. import factories
from ..accounts_factory import PASSWORD, PASSWORD_HASH
from ..liveserver import gunicorn, sibling_database
from ..open_days_factory import open_day
from .conftest import check_accessible, new_phone_page

EMAIL = "staff@example.com"


@pytest.fixture(scope="module")
def staff_server(database_url, tmp_path_factory):
    """Gunicorn with an enterprise editor, and a visit of theirs in two hours with a booking."""
    folder = tmp_path_factory.mktemp("publish-live")
    url = sibling_database(database_url, "publish_browser", folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": "publish-browser-" + "p" * 24,
                 "INSTANCE_PATH": str(folder / "instance")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        world = factories.small_world(session)
        enterprise = world["enterprises"][0]
        session.add(User(email=EMAIL, display_name="Staff", password_hash=PASSWORD_HASH,
                         role="enterprise", enterprise_id=enterprise.id))
        session.commit()
        visit = open_day(session, enterprise, days=2 / 24, capacity=10)
        booking = bookings.book(session, visit.id, bookings.Request("王小明", "13800138000", 2))
        facts = {"visit_id": visit.id, "reference": booking.reference}
    db.dispose(app)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": overrides["SECRET_KEY"],
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "index")}
    with gunicorn(env, log=folder / "gunicorn.log") as base:
        yield base, facts


def test_staff_create_and_revoke_a_token_and_check_a_visitor_in(browser, staff_server,
                                                                axe_source):
    base, facts = staff_server
    context, page = new_phone_page(browser, base, locale="en-US", bypass_csp=True)
    page.goto("/sign-in?lang=en")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="API tokens").click()
    check_accessible(page, axe_source)
    page.get_by_label("Name of the system that will use it").fill("Warehouse system")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Token").input_value()
    assert token.startswith("ftk_")
    check_accessible(page, axe_source)
    page.get_by_role("link", name="Back to the API tokens").click()
    expect(page.locator("table")).to_contain_text("Warehouse system")
    assert token not in page.content()
    page.get_by_role("link", name="Revoke Warehouse system").click()
    check_accessible(page, axe_source)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator("[role=status]")).to_contain_text("is revoked")

    page.goto("/account?lang=en")
    page.get_by_role("link", name="Check visitors in").click()
    check_accessible(page, axe_source)
    page.locator("main h3 a").first.click()
    expect(page.locator("table")).to_contain_text("王**")
    field = page.get_by_label("Booking reference or ticket link")
    expect(field).to_be_focused()  # a scanner types straight into it
    field.fill(f"https://127.0.0.1:8000/open-days/manage?reference={facts['reference']}")
    field.press("Enter")
    expect(page.locator("[role=status]")).to_contain_text("Checked in")
    expect(page.locator("table")).to_contain_text("Checked in")
    check_accessible(page, axe_source)
    field = page.get_by_label("Booking reference or ticket link")
    field.fill(facts["reference"])
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".error-summary")).to_contain_text("already checked in")
    check_accessible(page, axe_source)
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_an_enterprise_editor_works_in_is_accessible_on_a_phone(
        browser, staff_server, axe_source, lang):
    base, facts = staff_server
    context, page = new_phone_page(browser, base, bypass_csp=True)
    page.goto("/sign-in?lang=en")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    own = "/publish/enterprises/test-dairy"
    for path in ["/publish", f"{own}/open-days", f"{own}/open-days/new",
                 f"{own}/open-days/{facts['visit_id']}/edit", f"{own}/replies", f"{own}/trace",
                 f"{own}/serials", f"{own}/codes", "/publish/brands/test-brand/showcase"]:
        response = page.goto(f"{path}?lang={lang}")
        assert response.status == 200, path
        check_accessible(page, axe_source)
    context.close()
