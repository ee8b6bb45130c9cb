"""Creating, revoking and using API tokens, each write committed with its audit entry: shared by
the tokens pages, ``flask --app wsgi tokens create|revoke`` and the push API."""

from __future__ import annotations

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing.api_tokens import issue, revoke, touch
from formulatrust.publishing.models import ApiToken, User


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
