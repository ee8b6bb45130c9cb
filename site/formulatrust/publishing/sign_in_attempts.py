"""Wrong sign-in attempts on an account: a growing delay, and a notice for its holder.

Shared by the password and security-code steps. No address is stored: only a keyed hash, enough
to tell the holder from how many different addresses someone tried.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.domain.sign_in_delay import delay_after
from formulatrust.publishing.accounts import aware
from formulatrust.publishing.models import FailedSignIn, User

KEPT_FOR = timedelta(days=30)  # attempts older than this are no longer worth telling


@dataclass(frozen=True)
class FailureNotice:
    """What the holder is told at the next sign-in."""

    attempts: int
    addresses: int


def address_key(secret: str, address: str | None) -> str:
    """A keyed hash of a client address: different addresses differ, none can be read back."""
    return hmac.new(secret.encode(), f"sign-in:{address or ''}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def waiting(user: User, now: datetime | None = None) -> bool:
    """True while the account's delay after wrong attempts has not yet passed."""
    until = aware(user.locked_until)
    return until is not None and until > (now or utcnow())


def record_failure(dbs: Session, user: User, key: str, cap_seconds: int) -> None:
    """Count one wrong attempt: lengthen the account's delay and keep it for the holder."""
    now = utcnow()
    user.failed_logins += 1
    user.locked_until = now + timedelta(seconds=delay_after(user.failed_logins, cap_seconds))
    dbs.execute(delete(FailedSignIn).where(FailedSignIn.user_id == user.id,
                                           FailedSignIn.at < now - KEPT_FOR))
    dbs.add(FailedSignIn(user_id=user.id, address_key=key, at=now))


def take_notice(dbs: Session, user: User) -> FailureNotice | None:
    """On a successful sign-in: clear the delay and return (then forget) the wrong attempts."""
    user.failed_logins = 0
    user.locked_until = None
    attempts, addresses = dbs.execute(
        select(func.count(), func.count(func.distinct(FailedSignIn.address_key)))
        .where(FailedSignIn.user_id == user.id)).one()
    dbs.execute(delete(FailedSignIn).where(FailedSignIn.user_id == user.id))
    return FailureNotice(attempts, addresses) if attempts else None
