"""Signing in and out, the account page and the optional second factor (TOTP)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from functools import cache

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from formulatrust.core import db
from formulatrust.core.errors import render_error
from formulatrust.core.extensions import limiter
from formulatrust.domain import second_factor, totp
from formulatrust.domain.labels import qr_svg
from formulatrust.publishing import accounts, sign_in_attempts, sign_ins
from formulatrust.publishing.accounts import (
    login_required,
    private,
    role_required,
    signed_in_user,
)
from formulatrust.publishing.models import User

bp = Blueprint("account", __name__)
bp.record_once(lambda state: accounts.init_app(state.app))

PENDING_KEY = "account_pending"  # (user id, session version, time) between password and code
PENDING_SECONDS = 300
SETUP_KEY = "account_totp_setup"  # a nonce the new secret is derived from, never the secret
NOTICE_KEY = "account_failure_notice"  # (attempts, addresses, next) shown once after sign-in
SIGN_IN_FAILED = _l("The email address or password is wrong. After wrong attempts an account "
                    "waits a few seconds longer before the next; try again shortly, or ask your "
                    "administrator.")
CODE_FAILED = _l("The code is wrong or has expired. Enter the 6-digit code your authenticator "
                 "app shows now.")
PENDING_EXPIRED = _l("Your sign-in took too long or was interrupted. Sign in again with your "
                     "email address and password.")
ROLE_NAMES = {
    "admin": _l("Site administrator"),
    "regulator": _l("Regulator editor"),
    "association": _l("Association editor"),
    "enterprise": _l("Enterprise editor"),
    "science": _l("Science editor"),
}


@bp.app_context_processor
def role_names() -> dict:
    return {"role_name": lambda role: ROLE_NAMES.get(role, role)}


def sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@cache
def _dummy_hash() -> str:
    # Checked against when the email is unknown, so the answer takes as long either way.
    return generate_password_hash(secrets.token_hex(16))


class SignInForm(FlaskForm):
    """Email address and password."""

    email = StringField(_l("Email address"),
                        validators=[DataRequired(_l("Enter your email address.")),
                                    Length(max=254, message=_l("Use at most 254 characters."))],
                        render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")),
                    Length(max=200, message=_l("Use at most 200 characters."))],
        render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class CodeForm(FlaskForm):
    """The six digits an authenticator app shows."""

    code = StringField(_l("Security code"),
                       validators=[DataRequired(_l("Enter the 6-digit code from your "
                                                   "authenticator app."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "spellcheck": "false", "class": "code-input"})
    next = HiddenField()


def _failed(user: User | None) -> None:
    """Count a wrong attempt on an existing account: it waits a little longer before the next."""
    if user is None:
        return
    config = current_app.config
    key = sign_in_attempts.address_key(config["SECRET_KEY"], request.remote_addr)
    sign_ins.record_failed_attempt(user, key, int(config["SIGN_IN_DELAY_CAP_SECONDS"]))


def _complete(user: User, next_url: str | None):
    token, notice = sign_ins.complete_sign_in(
        user, current_app.permanent_session_lifetime.total_seconds())
    session.pop(PENDING_KEY, None)
    accounts.remember(user, token)
    target = accounts.safe_next(next_url)
    if notice is not None:  # the holder hears of the wrong attempts before going on
        session[NOTICE_KEY] = [notice.attempts, notice.addresses, target]
        return redirect(url_for("account.page"), 303)
    return redirect(target or url_for("account.page"), 303)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in():
    """Check an email address and password; go on to the code step if the account has one."""
    form = SignInForm() if request.method == "POST" else SignInForm(
        next=accounts.safe_next(request.args.get("next")))
    failed = False
    if request.method == "POST" and form.validate():
        email = (form.email.data or "").strip().lower()
        user = db.session().scalar(select(User).where(User.email == email))
        password_ok = check_password_hash(user.password_hash if user else _dummy_hash(),
                                          form.password.data or "")
        if user is not None and user.active and password_ok and not sign_in_attempts.waiting(user):
            if user.totp_secret:
                session[PENDING_KEY] = [user.id, user.session_version, time.time()]
                return redirect(url_for("account.sign_in_code",
                                        next=accounts.safe_next(form.next.data)), 303)
            return _complete(user, form.next.data)
        if user is not None and user.active and not sign_in_attempts.waiting(user):
            _failed(user)
        failed = True
    if failed:
        form.email.errors = [*form.email.errors, SIGN_IN_FAILED]
    status = 400 if request.method == "POST" else 200
    body = render_template("account/sign_in.html", form=form)
    return private(current_app.make_response((body, status)))


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - float(pending[2]) > PENDING_SECONDS:
        return None
    user = db.session().get(User, pending[0])
    if user is None or not user.active or user.session_version != pending[1] \
            or not user.totp_secret:
        return None
    return user


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in_code():
    """Ask for the authenticator code of an account whose password was just checked."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        if request.method == "POST":
            return private(render_error(400, str(PENDING_EXPIRED)))
        return redirect(url_for("account.sign_in"), 303)
    form = CodeForm() if request.method == "POST" else CodeForm(
        next=accounts.safe_next(request.args.get("next")))
    if request.method == "POST" and form.validate():
        if not sign_in_attempts.waiting(user) and _accept_code(user, form.code.data or ""):
            return _complete(user, form.next.data)
        if not sign_in_attempts.waiting(user):
            _failed(user)
        form.code.errors = [*form.code.errors, CODE_FAILED]
    status = 400 if request.method == "POST" else 200
    body = render_template("account/sign_in_code.html", form=form)
    return private(current_app.make_response((body, status)))


def _accept_code(user: User, code: str, secret: str | None = None) -> bool:
    """Check ``code`` and record its time step atomically, so it works only once."""
    secret = secret or user.totp_secret or ""
    step = totp.verify(secret, code, time.time(), last_step=user.totp_last_step)
    if step is None:
        return False
    return sign_ins.claim_code_step(user, step)


@bp.post("/sign-out")
@login_required
def sign_out():
    """Sign this browser out, here and on the server (a copy of its cookie stops working)."""
    sign_ins.sign_out(session.get(accounts.TOKEN_KEY))
    accounts.forget()
    return redirect(url_for("main.home"), 303)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """Sign out every browser of this account, this one included."""
    user = signed_in_user()
    sign_ins.sign_out_everywhere(user)
    accounts.forget()
    return redirect(url_for("main.home"), 303)


@bp.get("/account")
@login_required
def page():
    """Show who is signed in and on which browsers, with the sign-out buttons (and, once, any
    wrong attempts since)."""
    notice = session.pop(NOTICE_KEY, None)
    user = signed_in_user()
    browsers = accounts.signed_in_browsers(
        db.session(), user, current_app.permanent_session_lifetime.total_seconds())
    return private(current_app.make_response(render_template(
        "account/page.html", user=user, notice=notice, browsers=browsers,
        totp_deadline=accounts.enrolment_deadline(), totp_overdue=accounts.enrolment_overdue(),
        totp_allowed=accounts.allowed("account.totp"))))


def _setup_secret(user: User) -> str:
    """Return the secret being set up, derived from a nonce so the cookie never holds it."""
    nonce = session.get(SETUP_KEY)
    if not nonce:
        nonce = session[SETUP_KEY] = secrets.token_hex(16)
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(),
                      f"totp-setup:{user.id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


@bp.route("/account/totp", methods=["GET", "POST"], endpoint="totp")
@role_required()
def totp_setup():
    """Turn the authenticator-app second factor on (shown as text and QR) or off."""
    user = signed_in_user()
    form = CodeForm()
    enabled = bool(user.totp_secret)
    secret = None if enabled else _setup_secret(user)
    locked_on = enabled and second_factor.required(user.role)  # on for good in this role
    if request.method == "POST" and locked_on:
        abort(403)
    if request.method == "POST" and form.validate():
        if _accept_code(user, form.code.data or "", user.totp_secret if enabled else secret):
            sign_ins.set_second_factor(user, None if enabled else secret)
            session.pop(SETUP_KEY, None)
            return redirect(url_for("account.page"), 303)
        form.code.errors = [*form.code.errors, CODE_FAILED]
    qr = None
    if secret:
        uri = totp.provisioning_uri(secret, user.email, current_app.config["SITE_NAME"])
        qr = Markup(qr_svg(uri, 40, title=str(_l("QR code to add this account to an "
                                                  "authenticator app"))))
    status = 400 if request.method == "POST" else 200
    body = render_template("account/totp.html", form=form, enabled=enabled, qr=qr,
                           locked_on=locked_on, deadline=accounts.enrolment_deadline(),
                           overdue=accounts.enrolment_overdue(),
                           secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)]
                           if secret else [])
    return private(current_app.make_response((body, status)))

