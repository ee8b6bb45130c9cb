"""The account's writes: signing in and out, wrong attempts and the second factor, each
committed with its audit entry (where the account's holder should see it) in one transaction."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, or_, update

from formulatrust.core import db
from formulatrust.publishing import accounts, audit, sign_in_attempts
from formulatrust.publishing.models import User
from formulatrust.publishing.sign_in_attempts import FailureNotice


def record_failed_attempt(user: User, address_key: str, cap_seconds: int) -> None:
    """Count a wrong attempt on ``user``: the account waits a little longer before the next."""
    with db.transaction() as session:
        sign_in_attempts.record_failure(session, user, address_key, cap_seconds)


def complete_sign_in(user: User, lifetime_seconds: float) -> tuple[str, FailureNotice | None]:
    """Sign ``user`` in: return the token the browser's cookie carries and the notice of the
    wrong attempts since the last sign-in, if any."""
    with db.transaction() as session:
        notice = sign_in_attempts.take_notice(session, user)
        audit.record(session, user, "sign_in", "user", user.id)
        token = accounts.start_sign_in(session, user, lifetime_seconds)
    return token, notice


def claim_code_step(user: User, step: int) -> bool:
    """Record that an authenticator code of time ``step`` was used; False if it already was
    (or a later one), so each code works once even from two browsers at the same moment."""
    with db.transaction() as session:
        result = session.execute(
            update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                        User.totp_last_step < step))
            .values(totp_last_step=step))
        claimed = cast(CursorResult[Any], result).rowcount
    db.session().refresh(user)
    return bool(claimed == 1)


def sign_out(token: object) -> None:
    """Forget one signed-in browser on the server."""
    with db.transaction() as session:
        accounts.end_sign_in(session, token)


def sign_out_everywhere(user: User) -> None:
    """Sign every browser of ``user`` out: older cookies and server records stop working."""
    with db.transaction() as session:
        session.execute(update(User).where(User.id == user.id)
                        .values(session_version=User.session_version + 1))
        accounts.end_every_sign_in(session, user.id)
        audit.record(session, user, "sign_out_everywhere", "user", user.id)


def set_second_factor(user: User, secret: str | None) -> None:
    """Turn the authenticator-app second factor on (with ``secret``) or off (None)."""
    with db.transaction() as session:
        user.totp_secret = secret
        audit.record(session, user, "change", "user", user.id,
                     {"totp": "enabled" if secret else "disabled"})
