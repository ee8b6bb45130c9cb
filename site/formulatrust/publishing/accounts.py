"""Who is signed in, and the checks every protected route makes against the rule table.

The session cookie holds the user id, the account's ``session_version``, the sign-in time and a
random sign-in token whose hash the database keeps (:class:`SignIn`). Signing out deletes that
row, so a copied cookie stops working on every node. A different version (after "sign out
everywhere", a disable or a password reset), a disabled account or a sign-in older than
``PERMANENT_SESSION_LIFETIME`` signs the browser out too.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask.sansio.app import App
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from formulatrust.core import db
from formulatrust.core.clock import aware, utcnow
from formulatrust.domain import authz, second_factor
from formulatrust.publishing.models import SignIn, User

View = Callable[..., ResponseReturnValue]

log = logging.getLogger(__name__)

USER_KEY = "account_user"
VERSION_KEY = "account_version"
SINCE_KEY = "account_since"
TOKEN_KEY = "account_token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})




def current_user() -> User | None:
    """Return the signed-in user for this request, or None."""
    if "current_user" not in g:
        g.current_user = _load_user()
    return g.current_user


def signed_in_user() -> User:
    """Return the signed-in user of a route that requires one (its guard let them in)."""
    user = current_user()
    if user is None:  # only a route without a sign-in guard can get here
        abort(403)
    return user


def _load_user() -> User | None:
    user_id = session.get(USER_KEY)
    if user_id is None:
        return None
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if time.time() - float(session.get(SINCE_KEY, 0)) > lifetime:
        forget()
        return None
    user = db.session().get(User, user_id)
    if user is None or not user.active or user.session_version != session.get(VERSION_KEY):
        forget()
        return None
    if _sign_in_owner(db.session(), session.get(TOKEN_KEY)) != user.id:
        forget()
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sign_in_owner(dbs: Session, token: object) -> int | None:
    if not isinstance(token, str) or not token:
        return None
    return dbs.scalar(select(SignIn.user_id).where(SignIn.token_hash == _digest(token)))


def start_sign_in(dbs: Session, user: User, lifetime_seconds: float) -> str:
    """Record a newly signed-in browser of ``user``; return the token its cookie carries.

    The account's sign-ins older than the session lifetime go at the same time: they can no
    longer be used, and nothing else needs to remember them.
    """
    token = secrets.token_urlsafe(32)
    dbs.execute(delete(SignIn).where(SignIn.user_id == user.id,
                                     SignIn.started_at < utcnow()
                                     - timedelta(seconds=lifetime_seconds)))
    dbs.add(SignIn(user_id=user.id, token_hash=_digest(token)))
    return token


def end_sign_in(dbs: Session, token: object) -> None:
    """Forget one signed-in browser on the server: its cookie no longer signs anyone in."""
    if isinstance(token, str) and token:
        dbs.execute(delete(SignIn).where(SignIn.token_hash == _digest(token)))


def end_every_sign_in(dbs: Session, user_id: int) -> None:
    """Forget every signed-in browser of one account."""
    dbs.execute(delete(SignIn).where(SignIn.user_id == user_id))


def signed_in_browsers(dbs: Session, user: User,
                       lifetime_seconds: float) -> list[tuple[datetime, bool]]:
    """When each browser still signed in to ``user`` signed in, newest first, and whether it is
    the one asking."""
    own = session.get(TOKEN_KEY)
    own_hash = _digest(own) if isinstance(own, str) and own else None
    rows = dbs.execute(select(SignIn.started_at, SignIn.token_hash)
                       .where(SignIn.user_id == user.id,
                              SignIn.started_at >= utcnow() - timedelta(seconds=lifetime_seconds))
                       .order_by(SignIn.started_at.desc(), SignIn.id.desc())).all()
    return [(aware(started), token_hash == own_hash) for started, token_hash in rows]


def remember(user: User, token: str) -> None:
    """Sign ``user`` in on this browser (the password and any second factor are checked)."""
    session[USER_KEY] = user.id
    session[VERSION_KEY] = user.session_version
    session[SINCE_KEY] = time.time()
    session[TOKEN_KEY] = token
    session.permanent = True
    g.current_user = user


def forget() -> None:
    """Sign this browser out, keeping the rest of the session (such as open-day bookings)."""
    for key in (USER_KEY, VERSION_KEY, SINCE_KEY, TOKEN_KEY):
        session.pop(key, None)
    g.current_user = None


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def refuse() -> BaseResponse:
    """Answer a refused request: sign-in for the signed-out, 403 for everyone else."""
    if current_user() is None:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("account.sign_in", next=target), 303)
    abort(403)


def allowed(endpoint: str, owner_enterprise_id: int | None = None) -> bool:
    """Tell whether the current user may use ``endpoint`` on a record of that enterprise."""
    user = current_user()
    return authz.can(user.role if user else None, endpoint, owner_enterprise_id,
                     user.enterprise_id if user else None)


def enrolment_deadline() -> datetime | None:
    """When the signed-in account must have set up its security code by (None: no need)."""
    user = current_user()
    if user is None:
        return None
    return second_factor.enrol_by(user.role, bool(user.totp_secret), aware(user.created_at),
                                  int(current_app.config["TOTP_ENROLMENT_GRACE_DAYS"]))


def enrolment_overdue() -> bool:
    """True when the signed-in account's grace period to set up a security code is over."""
    deadline = enrolment_deadline()
    return deadline is not None and utcnow() >= deadline


def _could(endpoint: str) -> bool:
    user = current_user()
    return authz.could(user.role if user else None, endpoint,
                       user.enterprise_id if user else None)


def role_required(owner: Callable[..., int | None] | None = None
                  ) -> Callable[[View], View]:
    """Guard a view with its rule in ``authz.RULES``.

    ``owner``, given the view's arguments, returns the enterprise that owns the record; it is
    called only once the role is known to qualify, so strangers cannot probe what exists.
    Routes with an ``OwnEnterprise`` rule need it (for a new record of the user's own
    enterprise, ``owner=lambda **_: current_user().enterprise_id``); without it only the
    rule's ``also`` roles get through.
    """
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            endpoint = request.endpoint or ""
            if not _could(endpoint):
                return refuse()
            if enrolment_overdue() and endpoint not in second_factor.WHILE_OVERDUE:
                return redirect(url_for("account.totp"), 303)
            if owner is not None:
                if not allowed(endpoint, owner(*args, **kwargs)):
                    return refuse()
            elif callable(authz.rule_for(endpoint)) and not allowed(endpoint):
                # An ownership rule with no owner given: only the roles allowed everywhere.
                return refuse()
            return view(*args, **kwargs)
        return guarded
    return decorate


login_required = role_required()  # for routes whose rule is SIGNED_IN; the table still decides


def enforce_rules() -> BaseResponse | None:
    """Refuse a write request its rule does not allow, even if a view forgot its decorator."""
    endpoint = request.endpoint
    if request.method not in WRITE_METHODS or endpoint is None:
        return None
    if authz.rule_for(endpoint) is None:
        log.error("no rule in formulatrust.domain.authz.RULES for write endpoint %s", endpoint)
        abort(403)
    if not _could(endpoint):
        return refuse()
    if enrolment_overdue() and endpoint not in second_factor.WHILE_OVERDUE:
        return redirect(url_for("account.totp"), 303)
    return None


def private(response: Response) -> Response:
    """Keep signed-in pages out of shared caches."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def private_page(template: str, status: int = 200, **context: Any) -> Response:
    """Render a signed-in page, kept out of shared caches."""
    return private(current_app.make_response((render_template(template, **context), status)))


def init_app(app: App) -> None:
    """Check every write request against the rule table; offer ``current_user`` to templates."""
    app.before_request(enforce_rules)
    # Functions, not values: public pages never touch the session unless a template asks.
    app.context_processor(lambda: {"current_user": current_user, "allowed": allowed})
