"""API tokens: issue, check and revoke the bearer tokens enterprise systems push data with.

A token reads ``ftk_<public id>_<secret>``: the public id (12 hex digits) finds the row, the
secret (32 random bytes, URL-safe base64) proves possession. Only the secret's SHA-256 is
stored, compared in constant time; a random 256-bit secret needs no salt or slow hash. The
whole token is shown once, when it is issued. Plain functions with no Flask imports; callers
commit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from formulatrust.core.clock import aware, utcnow
from formulatrust.core.db import changed_rows
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import audit
from formulatrust.publishing.models import ApiToken, User

PREFIX = "ftk"
_SHAPE = re.compile(r"ftk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
MAX_NAME = 100
EXPIRY_DAYS = (30, 90, 365)  # the choices offered on the page; the CLI takes any number
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()


def hash_secret(secret: str) -> str:
    """Return the stored form of a secret: SHA-256, hex."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()




def clean_name(text: str | None) -> str:
    """Return the token's name with stray spaces removed; ValueError if empty or too long."""
    name = " ".join((text or "").split())
    if not name:
        raise ValueError("name_missing")
    if len(name) > MAX_NAME:
        raise ValueError("name_too_long")
    return name


def issue(session: Session, enterprise: Enterprise, name: str, created_by: User | None = None,
          expires_in_days: int | None = None, now: datetime | None = None
          ) -> tuple[ApiToken, str]:
    """Add a token for ``enterprise`` with an audit entry; return it and its whole text.

    The text is the only copy of the secret: show it once and forget it.
    """
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    token = ApiToken(public_id=secrets.token_hex(6), secret_hash=hash_secret(secret),
                     enterprise_id=enterprise.id, name=clean_name(name),
                     created_by_id=created_by.id if created_by else None, created_at=now,
                     expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
    session.add(token)
    session.flush()
    audit.record(session, created_by, "create", "api_token", token.id,
                 {"enterprise": enterprise.slug, "name": token.name,
                  "expires_at": token.expires_at})
    return token, f"{PREFIX}_{token.public_id}_{secret}"


@dataclass(frozen=True)
class Check:
    """The outcome of checking a presented token: the token, or why there is none."""

    token: ApiToken | None
    problem: str = ""  # missing, malformed, unknown, revoked, expired


def bearer(header: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def public_id(text: str) -> str | None:
    """Return the public id of a well-formed token, or None."""
    match = _SHAPE.fullmatch(text)
    return match.group(1) if match else None


def verify(session: Session, text: str | None, now: datetime | None = None) -> Check:
    """Find the live token ``text`` is, or say why it is refused (nothing is written)."""
    if not text:
        return Check(None, "missing")
    match = _SHAPE.fullmatch(text)
    if match is None:
        return Check(None, "malformed")
    public_id, secret = match.groups()
    token = session.scalar(select(ApiToken).where(ApiToken.public_id == public_id))
    # Compare against something even for an unknown id, so both take about as long.
    matches = hmac.compare_digest(token.secret_hash if token else _DUMMY_HASH,
                                  hash_secret(secret))
    if token is None or not matches:
        return Check(None, "unknown")
    now = now or utcnow()
    if token.revoked_at is not None:
        return Check(None, "revoked")
    if token.expires_at is not None and aware(token.expires_at) <= now:
        return Check(None, "expired")
    return Check(token)


def state(token: ApiToken, now: datetime | None = None) -> str:
    """Return ``active``, ``expired`` or ``revoked``."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and aware(token.expires_at) <= now:
        return "expired"
    return "active"


def touch(session: Session, token: ApiToken, now: datetime | None = None) -> None:
    """Note that ``token`` was just used (one UPDATE; the caller commits)."""
    session.execute(update(ApiToken).where(ApiToken.id == token.id)
                    .values(last_used_at=now or utcnow()))


def revoke(session: Session, token: ApiToken, user: User | None,
           now: datetime | None = None) -> bool:
    """Revoke ``token`` with an audit entry; False when it already was (the caller commits)."""
    now = now or utcnow()
    changed = changed_rows(session.execute(update(ApiToken).where(
        ApiToken.id == token.id, ApiToken.revoked_at.is_(None)
    ).values(revoked_at=now, revoked_by_id=user.id if user else None)))
    if changed:
        audit.record(session, user, "revoke", "api_token", token.id,
                     {"enterprise_id": token.enterprise_id, "name": token.name})
    session.expire(token)
    return bool(changed)
