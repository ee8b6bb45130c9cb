"""The operator's writes to accounts (``flask --app wsgi users …``): each committed with its
audit entry in one transaction. ``user`` None in the audit log: an operator on the server."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import accounts, audit, organisations
from formulatrust.publishing.models import Organisation, User


def create_account(email: str, role: str, password: str, name: str = "",
                   enterprise: Enterprise | None = None,
                   organisation_slug: str | None = None) -> tuple[User, Organisation]:
    """Create an account of ``role`` and return it with its organisation.

    Raises ``OrganisationError`` (nothing written) when the organisation does not fit the role.
    """
    with db.transaction() as session:
        organisation = organisations.for_account(session, role, enterprise, organisation_slug)
        user = User(email=email, display_name=name.strip()[:100],
                    password_hash=generate_password_hash(password), role=role,
                    enterprise_id=enterprise.id if enterprise else None,
                    organisation_id=organisation.id)
        session.add(user)
        session.flush()
        audit.record(session, None, "create", "user", user.id,
                     {"role": role, "enterprise": enterprise.slug if enterprise else None,
                      "organisation": organisation.slug})
    return user, organisation


def disable_account(user: User) -> None:
    """Disable ``user`` and sign it out everywhere."""
    with db.transaction() as session:
        user.active = False
        user.session_version += 1
        accounts.end_every_sign_in(session, user.id)
        audit.record(session, None, "disable", "user", user.id)


def set_reviewer(user: User, qualification: str | None) -> None:
    """Let ``user`` approve others' articles with ``qualification``, or stop it (None)."""
    with db.transaction() as session:
        user.reviewer = qualification is not None
        user.reviewer_qualification = qualification or ""
        audit.record(session, None, "update", "user", user.id,
                     {"reviewer": user.reviewer, "qualification": user.reviewer_qualification})


def reset_account(user: User, password: str, remove_totp: bool = False) -> None:
    """Set a new password, unlock and re-enable ``user``, and sign it out everywhere."""
    with db.transaction() as session:
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        accounts.end_every_sign_in(session, user.id)
        user.failed_logins = 0
        user.locked_until = None
        user.active = True
        if remove_totp:
            user.totp_secret = None
        audit.record(session, None, "reset", "user", user.id, {"totp_removed": remove_totp})
