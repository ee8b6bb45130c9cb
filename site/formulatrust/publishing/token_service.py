"""Creating, revoking and using API tokens, each write committed with its audit entry: shared by
the tokens pages, ``flask --app wsgi tokens create|revoke`` and the push API."""

from __future__ import annotations

from sqlalchemy import Row, select

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing.api_tokens import issue, revoke, touch
from formulatrust.publishing.models import ApiToken, User


def enterprise_choices() -> list[Row[tuple[str, str, str]]]:
    """Every enterprise's slug and names, by slug (an administrator's choices)."""
    return list(db.session().execute(
        select(Enterprise.slug, Enterprise.name_zh, Enterprise.name_en)
        .order_by(Enterprise.slug)))


def tokens_seen_by(user: User, every: bool) -> list[ApiToken]:
    """The tokens ``user`` may see (``every`` one, or their enterprise's): live ones first,
    newest first."""
    query = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                      ApiToken.created_at.desc(), ApiToken.id.desc())
    if not every:
        query = query.where(ApiToken.enterprise_id == user.enterprise_id)
    return list(db.session().scalars(query))


def create_token(enterprise: Enterprise, name: str, created_by: User | None = None,
                 expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a token and commit it with its audit entry; ValueError for a bad name."""
    with db.transaction() as session:
        return issue(session, enterprise, name, created_by, expires_in_days=expires_in_days)


def revoke_token(token: ApiToken, user: User | None) -> bool:
    """Revoke ``token`` and commit with the audit entry; False when it already was."""
    with db.transaction() as session:
        return revoke(session, token, user)


def note_use(token: ApiToken) -> None:
    """Commit the time ``token`` was last used."""
    with db.transaction() as session:
        touch(session, token)
