"""Signing in and out: generic failures, lockout, rate limit, expiry, second factor."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from formulatrust.core.clock import utcnow
from formulatrust.domain import totp
from formulatrust.publishing import accounts
from formulatrust.publishing.models import AuditEntry, User

from ..accounts_factory import PASSWORD, csrf_token, make_user, sign_in_as
from ..pagecheck import check_page, text_of


def sign_in(client, email, password=PASSWORD, next_url=None, lang="en"):
    data = {"csrf_token": csrf_token(client), "email": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(f"/sign-in?lang={lang}", data=data)


def location(response) -> str:
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sign_in_page_passes_the_checks(client, lang):
    response = client.get(f"/sign-in?lang={lang}")
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), lang)
    assert soup.find("input", attrs={"name": "password", "type": "password"})
    assert soup.form["novalidate"] is not None
    assert "no-store" in response.headers["Cache-Control"]


def test_a_user_signs_in_sees_the_account_page_and_the_sign_in_is_audited(client, session):
    user = make_user(session, "regulator", email="reg@example.com")
    response = sign_in(client, "  Reg@Example.com ")
    assert response.status_code == 303 and location(response) == "/account"
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    page = client.get("/account?lang=en")
    soup = check_page(page.get_data(as_text=True), "en")
    assert "reg@example.com" in soup.main.get_text()
    assert "Regulator editor" in soup.main.get_text()
    assert soup.find("a", href="/admin/reports")
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.user_id, entry.action, entry.object_type) == (user.id, "sign_in", "user")


@pytest.mark.parametrize(("target", "expected"), [
    ("/admin/reports?status=new", "/admin/reports?status=new"),
    ("//evil.example/", "/account"), ("https://evil.example/", "/account"),
    ("/\\evil.example", "/account")])
def test_sign_in_returns_to_local_pages_only(client, session, target, expected):
    make_user(session, "regulator")
    assert location(sign_in(client, "regulator-x@example.com", next_url=target)) == expected


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client, session):
    response = client.get("/admin/reports?status=new")
    assert response.status_code == 303
    assert location(response) == "/sign-in?next=/admin/reports?status%3Dnew"
    soup = check_page(client.get(response.headers["Location"]).get_data(as_text=True))
    assert soup.find("input", attrs={"name": "next"})["value"] == "/admin/reports?status=new"


def failure_text(response) -> str:
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error: Sign in")
    return text_of(soup, ".error-summary")


def test_failures_do_not_say_whether_the_email_exists(client, session, caplog):
    make_user(session, "admin", email="admin@example.com")
    caplog.set_level(logging.DEBUG)
    wrong_password = failure_text(sign_in(client, "admin@example.com", "not the password"))
    unknown = failure_text(sign_in(client, "nobody@example.com", "not the password"))
    assert wrong_password == unknown
    assert "email address or password is wrong" in unknown
    assert "admin@example.com" not in caplog.text and "not the password" not in caplog.text


def test_empty_fields_are_reported_with_the_form_pattern(client):
    summary = failure_text(sign_in(client, "", ""))
    assert "Enter your email address." in summary and "Enter your password." in summary


def test_wrong_attempts_slow_an_account_down_but_never_lock_it(client, session):
    user = make_user(session, "association")
    for _ in range(6):
        assert sign_in(client, user.email, "wrong password!").status_code == 400
        session.refresh(user)
        user.locked_until = None  # as if each attempt came after the wait
        session.commit()
    assert sign_in(client, user.email, "wrong password!").status_code == 400
    session.refresh(user)
    wait = accounts.aware(user.locked_until) - utcnow()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)  # 7th in a row: capped at 30 s
    assert sign_in(client, user.email).status_code == 400  # even the right password must wait
    user.locked_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert sign_in(client, user.email).status_code == 303  # never locked out


def test_a_stranger_guessing_from_one_address_cannot_lock_the_holder_out(make_app, app_overrides,
                                                                         session):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True, "SIGN_IN_DELAY_CAP_SECONDS": 1})
    user = make_user(session, "regulator")
    stranger = app.test_client()
    stranger.environ_base.update(REMOTE_ADDR="203.0.113.9", HTTP_REFERER="https://localhost/")
    statuses = [sign_in(stranger, user.email, f"guess number {n}").status_code
                for n in range(20)]
    assert set(statuses) == {400, 429} and statuses[-1] == 429  # the address is held back
    time.sleep(1.1)  # the account's delay is at most the configured cap
    holder = app.test_client()
    holder.environ_base.update(REMOTE_ADDR="198.51.100.4", HTTP_REFERER="https://localhost/")
    assert sign_in(holder, user.email).status_code == 303
    assert holder.get("/account").status_code == 200


def test_the_holder_is_told_of_wrong_attempts_at_the_next_sign_in(make_app, app_overrides,
                                                                  session):
    app = make_app({**app_overrides, "SIGN_IN_DELAY_CAP_SECONDS": 0})
    user = make_user(session, "regulator")
    for address in ("203.0.113.9", "203.0.113.9", "192.0.2.77"):
        stranger = app.test_client()
        stranger.environ_base.update(REMOTE_ADDR=address, HTTP_REFERER="https://localhost/")
        assert sign_in(stranger, user.email, "a wrong guess").status_code == 400
    holder = app.test_client()
    holder.environ_base["HTTP_REFERER"] = "https://localhost/"
    response = sign_in(holder, user.email, next_url="/publish")
    assert response.status_code == 303 and location(response) == "/account"
    soup = check_page(holder.get("/account?lang=en").get_data(as_text=True), "en")
    notice = text_of(soup, "[role=alert]")
    assert "3 wrong passwords or security codes" in notice
    assert "from 2 different addresses" in notice
    assert soup.select_one("[role=alert] a[href='/publish']")
    assert "203.0.113.9" not in holder.get("/account").get_data(as_text=True)
    again = check_page(holder.get("/account?lang=en").get_data(as_text=True), "en")
    assert again.select_one("[role=alert]") is None  # told once


def test_disabled_accounts_cannot_sign_in_and_are_signed_out(client, session):
    user = make_user(session, "science")
    sign_in_as(client, user)
    assert client.get("/account").status_code == 200
    user.active = False
    session.commit()
    assert client.get("/account").status_code == 303
    assert sign_in(client, user.email).status_code == 400


def test_sign_in_attempts_are_rate_limited(make_app, app_overrides, session):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True, "SIGN_IN_RATE_LIMIT": "2/minute"})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    statuses = [sign_in(client, "x@example.com", "wrong password!").status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_forms_without_csrf_token_are_refused(client, session):
    user = make_user(session, "admin")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    sign_in_as(client, user)
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200


def test_sign_out_ends_this_session_only(app, client, session):
    user = make_user(session, "admin")
    other = app.test_client()
    sign_in_as(client, user)
    sign_in_as(other, user)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303 and location(response) == "/"
    assert client.get("/account").status_code == 303
    assert other.get("/account").status_code == 200


def test_a_copied_session_cookie_stops_working_once_its_holder_signs_out(app, client, session):
    user = make_user(session, "admin")
    assert sign_in(client, user.email).status_code == 303
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, client.get_cookie(name).value)
    assert copy.get("/account").status_code == 200  # the copy works while the holder is in
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    answer = copy.get("/account")
    assert answer.status_code == 303 and location(answer).startswith("/sign-in")


def test_a_session_cookie_without_a_server_side_sign_in_signs_nobody_in(client, session):
    user = make_user(session, "admin")
    with client.session_transaction() as cookie:  # all a cookie could say, but no sign-in row
        cookie[accounts.USER_KEY] = user.id
        cookie[accounts.VERSION_KEY] = user.session_version
        cookie[accounts.SINCE_KEY] = time.time()
        cookie[accounts.TOKEN_KEY] = "made-up"
    assert client.get("/account").status_code == 303


def test_sign_out_everywhere_ends_every_session(app, client, session):
    user = make_user(session, "admin")
    other = app.test_client()
    sign_in_as(client, user)
    sign_in_as(other, user)
    response = client.post("/sign-out-everywhere",
                           data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    assert client.get("/account").status_code == 303
    assert other.get("/account").status_code == 303
    session.refresh(user)
    assert user.session_version == 2


def test_sessions_expire_after_the_lifetime(client, session):
    user = make_user(session, "admin")
    sign_in_as(client, user)
    with client.session_transaction() as cookie:
        cookie[accounts.SINCE_KEY] = time.time() - 8 * 3600 - 1
    assert client.get("/account").status_code == 303


# --- the second factor ----------------------------------------------------------------------

def code_at(secret: str, offset_steps: int = 0) -> str:
    return totp.totp(totp.secret_bytes(secret), time.time() + 30 * offset_steps)


def test_a_regulator_turns_on_totp_and_then_needs_a_code(client, session):
    user = make_user(session, "regulator")
    sign_in_as(client, user)
    page = client.get("/account/totp?lang=en")
    soup = check_page(page.get_data(as_text=True), "en")
    assert soup.select_one(".panel svg title")
    secret = text_of(soup, "main .code").replace(" ", "")
    assert len(secret) == 32
    assert secret not in str(client.get_cookie("session").value)
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    wrong = client.post("/account/totp?lang=en", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400
    assert check_page(wrong.get_data(as_text=True)).title.get_text().startswith("Error:")
    response = client.post("/account/totp", data={"csrf_token": token, "code": code_at(secret)})
    assert response.status_code == 303
    session.refresh(user)
    assert user.totp_secret == secret
    assert session.scalars(select(AuditEntry.summary)).all() == [{"totp": "enabled"}]

    sign_in_as(client, None)
    response = sign_in(client, user.email, next_url="/admin/reports")
    assert response.status_code == 303 and location(response).startswith("/sign-in/code")
    assert client.get("/account").status_code == 303  # not signed in yet
    form = check_page(client.get(response.headers["Location"]).get_data(as_text=True))
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    next_url = form.find("input", attrs={"name": "next"})["value"]
    bad = client.post("/sign-in/code", data={"csrf_token": token, "code": "12345x"})
    assert bad.status_code == 400
    code = code_at(secret, 1)  # the setup used this step's code: it cannot be reused
    response = client.post("/sign-in/code",
                           data={"csrf_token": token, "code": code, "next": next_url})
    # the wrong code above is reported first, with the way on to the page asked for
    assert response.status_code == 303 and location(response) == "/account"
    soup = check_page(client.get("/account?lang=en").get_data(as_text=True), "en")
    assert "1 wrong password or security code" in text_of(soup, "[role=alert]")
    assert soup.select_one("[role=alert] a[href='/admin/reports']")

    sign_in_as(client, None)
    sign_in(client, user.email)
    replay = client.post("/sign-in/code", data={"csrf_token": token, "code": code})
    assert replay.status_code == 400


def test_the_code_step_needs_a_password_first(client, session):
    assert location(client.get("/sign-in/code")) == "/sign-in"
    response = client.post("/sign-in/code?lang=en",
                           data={"csrf_token": csrf_token(client), "code": "123456"})
    assert response.status_code == 400
    assert "Sign in again" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["association", "science"])
def test_only_regulators_and_administrators_may_set_up_totp(client, session, role):
    sign_in_as(client, make_user(session, role))
    assert client.get("/account/totp").status_code == 403
    soup = check_page(client.get("/account").get_data(as_text=True))
    assert not soup.find("a", href="/account/totp")


def test_enterprise_editors_see_their_enterprise(client, session, world):
    enterprise = world["enterprises"][0]
    sign_in_as(client, make_user(session, "enterprise", enterprise))
    soup = check_page(client.get("/account?lang=zh").get_data(as_text=True), "zh")
    assert soup.find("a", href=f"/enterprises/{enterprise.slug}")
    assert session.scalar(select(User.enterprise_id)) == enterprise.id


# --- the security code is required for regulators and administrators -----------------------

@pytest.mark.parametrize(("role", "write_path"), [("regulator", "/publish/results"),
                                                ("admin", "/publish/enterprises/test-dairy/trace")])
def test_after_the_grace_period_an_account_without_a_code_can_only_set_one_up(client, session,
                                                                             role, write_path):
    user = make_user(session, role, created_at=utcnow() - timedelta(days=8))
    sign_in_as(client, user)
    blocked = client.get("/publish")
    assert blocked.status_code == 303 and location(blocked) == "/account/totp"
    write = client.post(write_path, data={"csrf_token": csrf_token(client, "/account")})
    assert write.status_code == 303 and location(write) == "/account/totp"
    soup = check_page(client.get("/account/totp?lang=en").get_data(as_text=True), "en")
    assert "until you do, this account can do nothing else" in text_of(soup, "[role=alert]")
    assert soup.select_one("form input[name=code]")
    assert client.get("/account").status_code == 200


def test_a_new_regulator_is_told_the_date_and_may_work_until_then(client, session):
    user = make_user(session, "regulator", created_at=utcnow() - timedelta(days=2))
    sign_in_as(client, user)
    assert client.get("/publish").status_code == 200
    deadline = (utcnow() + timedelta(days=5)).strftime("%B")
    soup = check_page(client.get("/account?lang=en").get_data(as_text=True), "en")
    note = text_of(soup, "[role=note]")
    assert "requires a security code" in note and deadline in note


def test_other_roles_never_need_a_code(client, session):
    user = make_user(session, "association", created_at=utcnow() - timedelta(days=400))
    sign_in_as(client, user)
    assert client.get("/publish").status_code == 200
    soup = check_page(client.get("/account?lang=en").get_data(as_text=True), "en")
    assert soup.select_one("[role=note]") is None


def test_a_required_code_cannot_be_turned_off(client, session):
    secret = totp.new_secret()
    user = make_user(session, "regulator", totp_secret=secret,
                     created_at=utcnow() - timedelta(days=30))
    sign_in_as(client, user)
    soup = check_page(client.get("/account/totp?lang=en").get_data(as_text=True), "en")
    assert "cannot be turned off" in soup.get_text() and soup.select_one("main form") is None
    response = client.post("/account/totp", data={"csrf_token": csrf_token(client, "/account"),
                                                  "code": code_at(secret)})
    assert response.status_code == 403
    session.refresh(user)
    assert user.totp_secret == secret
