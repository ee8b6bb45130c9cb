"""An account holder on a phone and a desktop: the wrong-attempts warning, setting up the
security code (also when it is overdue), the code step, and the browsers signed in."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.core.migrate import upgrade
from formulatrust.domain import totp
from formulatrust.publishing.models import FailedSignIn, User

from .. import factories
from ..accounts_factory import PASSWORD, make_user
from ..liveserver import gunicorn, sibling_database
from .conftest import axe_problems, check_accessible, new_phone_page

CODE_SECRET = totp.new_secret()
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
ACCOUNTS = {  # email: (role, days since the account was made, security code)
    "watched@example.com": ("regulator", 2, None),
    "assoc@example.com": ("association", 400, None),
    "late@example.com": ("admin", 10, None),
    "coded@example.com": ("regulator", 30, CODE_SECRET),
    "nojs@example.com": ("admin", 10, None),
    "multi@example.com": ("science", 30, None),
}

# The words of ``selector`` that the browser split over two lines.
BROKEN_WORDS = """selector => {
  const broken = [], walker = document.createTreeWalker(document.querySelector(selector),
                                                       NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const tops = new Set([...range.getClientRects()].map(box => Math.round(box.top)));
      if (tops.size > 1) broken.push(word[0]);
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def account_server(database_url, tmp_path_factory):
    """Gunicorn with the accounts above; yields its address and a way to add wrong attempts."""
    folder = tmp_path_factory.mktemp("account-live")
    url = sibling_database(database_url, "account_browser", folder)
    secret = "account-browser-" + "a" * 24
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret,
                      "INSTANCE_PATH": str(folder / "instance")})
    with app.app_context():
        upgrade(db.engine())
        session = db.session()
        factories.small_world(session)
        for email, (role, age, code) in ACCOUNTS.items():
            make_user(session, role, email=email, totp_secret=code,
                      created_at=utcnow() - timedelta(days=age))

    def wrong_attempts(email: str, attempts: int, addresses: int) -> None:
        with app.app_context():
            session = db.session()
            user = session.query(User).filter_by(email=email).one()
            session.add_all(FailedSignIn(user_id=user.id, address_key=f"address-{n % addresses}",
                                         at=utcnow() - timedelta(hours=n))
                            for n in range(attempts))
            session.commit()

    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": secret,
           "FORMULATRUST_INSTANCE_PATH": str(folder / "instance"),
           "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / "index"),
           "FORMULATRUST_SIGN_IN_RATE_LIMIT": "500/minute",  # every test signs in from here
           "FORMULATRUST_SIGN_IN_DELAY_CAP_SECONDS": "0"}
    try:
        with gunicorn(env, log=folder / "gunicorn.log") as base:
            yield base, wrong_attempts
    finally:
        db.dispose(app)


def sign_in(page, email: str, lang: str, next_url: str | None = None) -> None:
    page.goto(f"/sign-in?lang={lang}" + (f"&next={next_url}" if next_url else ""))
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")


def in_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size[
        "height"]


def shows_warning_icon(locator) -> bool:
    """True when the element holds the warning sign (a "!" drawn by the stylesheet)."""
    return locator.evaluate("""element => [...element.querySelectorAll('*')].some(
        child => getComputedStyle(child, '::before').content === '"!"'
                 && child.getBoundingClientRect().width > 0)""")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_holder_is_warned_of_wrong_attempts_on_the_first_screen_of_a_phone(
        browser, account_server, axe_source, lang):
    base, wrong_attempts = account_server
    wrong_attempts("watched@example.com", 7, 3)
    context, page = new_phone_page(browser, base, bypass_csp=True)
    sign_in(page, "watched@example.com", lang, next_url="/publish")
    alert = page.locator("main [role=alert]")
    expect(alert).to_contain_text("7")
    expect(alert).to_contain_text("3")
    assert in_first_screen(page, alert.locator("h2")), alert.bounding_box()
    assert shows_warning_icon(alert)  # a warning, not one more note in the same amber box
    # the way out is in the warning itself: a new password and, for this role, the code
    expect(alert.locator("a[href='/account/totp']")).to_be_visible()
    expect(alert.locator("a[href='/publish']")).to_be_visible()
    check_accessible(page, axe_source)
    page.reload()
    expect(page.locator("main [role=alert]")).to_have_count(0)  # told once
    context.close()


def test_a_role_without_the_code_is_not_told_to_turn_it_on(browser, account_server):
    base, wrong_attempts = account_server
    wrong_attempts("assoc@example.com", 2, 1)
    context, page = new_phone_page(browser, base, bypass_csp=True)
    sign_in(page, "assoc@example.com", "en")
    alert = page.locator("main [role=alert]")
    expect(alert).to_contain_text("2 wrong passwords or security codes")
    expect(alert).to_contain_text("from 1 address")
    expect(alert).to_contain_text("ask your administrator for a new password")
    expect(alert).not_to_contain_text("security code at sign-in")
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_overdue_account_is_told_to_set_up_the_code_now_and_can_copy_the_key(
        browser, account_server, axe_source, lang):
    base, _ = account_server
    context, page = new_phone_page(browser, base, bypass_csp=True)
    sign_in(page, "late@example.com", lang)
    note = page.locator("main [role=note]")
    expect(note).to_contain_text("请现在设置" if lang == "zh" else "Set it up now")
    expect(note).not_to_contain_text(str(utcnow().year - 1))
    expect(note).not_to_contain_text(re.compile(r"\bby\b|前完成"))  # no deadline already past
    page.goto(f"/publish?lang={lang}")
    assert page.url.endswith("/account/totp")
    warning = page.locator("main [role=alert]")
    assert in_first_screen(page, warning)
    key = page.locator("main .secret-key")
    expect(key).to_be_visible()
    assert page.evaluate(BROKEN_WORDS, "main .secret-key") == []  # each group on one line
    key.click()  # one tap selects the whole key, ready to copy
    selected = page.evaluate("getSelection().toString()")
    assert re.fullmatch(r"[A-Z2-7]{32}", selected.replace(" ", "")), selected
    assert page.locator("main .panel svg").bounding_box()["width"] >= 120
    check_accessible(page, axe_source)
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wrong_security_code_is_reported_on_the_first_screen(browser, account_server,
                                                               axe_source, lang):
    base, _ = account_server
    context, page = new_phone_page(browser, base, bypass_csp=True)
    sign_in(page, "coded@example.com", lang)
    assert page.url.split("?")[0].endswith("/sign-in/code")
    expect(page.locator("main")).to_contain_text("管理员" if lang == "zh" else "administrator")
    check_accessible(page, axe_source)
    field = page.locator("#code")
    assert field.bounding_box()["width"] < 300  # sized for six digits
    field.fill("12345x")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    summary = page.locator(".error-summary")
    assert in_first_screen(page, summary)
    expect(page.locator("#code-error")).to_be_visible()
    check_accessible(page, axe_source)
    context.close()


def test_the_account_page_lists_the_browsers_signed_in_and_signs_them_all_out(
        browser, account_server):
    base, _ = account_server
    other_context, other = new_phone_page(browser, base, bypass_csp=True)
    sign_in(other, "multi@example.com", "en")
    context, page = new_phone_page(browser, base, bypass_csp=True)
    sign_in(page, "multi@example.com", "en")
    browsers = page.locator("main .sign-ins li")
    expect(browsers).to_have_count(2)
    expect(browsers.filter(has_text="this browser")).to_have_count(1)
    page.get_by_role("button", name="Sign out everywhere").click()
    other.goto("/account?lang=en")
    assert "/sign-in" in other.url
    page.goto("/account?lang=en")
    assert "/sign-in" in page.url
    context.close()
    other_context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_account_page_is_accessible_and_fits(browser, account_server, axe_source, size,
                                                   lang):
    base, _ = account_server
    width = 360 if size == "phone" else 1280
    pages = []
    for email, paths in [("watched@example.com", ["/account", "/account/totp"]),
                         ("late@example.com", ["/account", "/account/totp"]),
                         ("coded@example.com", ["/sign-in/code"])]:
        if size == "phone":
            context, page = new_phone_page(browser, base, bypass_csp=True)
        else:
            context = browser.new_context(base_url=base, bypass_csp=True, **DESKTOP)
            page = context.new_page()
        sign_in(page, email, lang)
        for path in paths:
            if path != "/sign-in/code":
                page.goto(f"{path}?lang={lang}")
            found = axe_problems(page, axe_source)
            assert found["violations"] == [] and found["scroll_width"] <= width, (path, found)
            gap = page.evaluate("""() => document.querySelector('.site-footer')
                .getBoundingClientRect().top - [...document.querySelectorAll('main > *')].at(-1)
                .getBoundingClientRect().bottom""")
            assert gap >= 16, (path, gap)  # the last button does not sit on the footer
            misaligned = page.evaluate("""() => [...document.querySelectorAll('.facts dt')]
                .filter(term => Math.abs(term.getBoundingClientRect().top
                    - term.nextElementSibling.getBoundingClientRect().top) > 2
                    && getComputedStyle(term.parentElement).gridTemplateColumns.includes(' '))
                .map(term => term.textContent)""")
            assert misaligned == [], (path, misaligned)  # each label level with its value
            pages.append(path)
        context.close()
    assert len(pages) == 5


def test_without_javascript_an_overdue_administrator_sets_up_the_code(browser,
                                                                      account_server):
    base, _ = account_server
    context, page = new_phone_page(browser, base, java_script_enabled=False)
    sign_in(page, "nojs@example.com", "en")
    page.goto("/publish?lang=en")
    assert page.url.endswith("/account/totp")
    key = page.locator("main .secret-key").inner_text()
    secret = re.sub(r"\s", "", key)
    page.locator("#code").fill(totp.totp(totp.secret_bytes(secret), time.time()))
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/account")
    expect(page.locator("main .facts")).to_contain_text("On")
    context.close()
