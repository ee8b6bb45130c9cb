"""Accounts for tests: one per role, signed in by writing the session cookie directly."""

from __future__ import annotations

import time

from sqlalchemy.orm import object_session
from werkzeug.security import generate_password_hash

from formulatrust.publishing import accounts, organisations
from formulatrust.publishing.models import ORGANISATION_KINDS, User

from .pagecheck import check_page

PASSWORD = "correct horse battery staple"
PASSWORD_HASH = generate_password_hash(PASSWORD)  # once: scrypt is slow on purpose


def make_user(session, role: str, enterprise=None, email: str | None = None,
              organisation: str | None = None, **fields) -> User:
    """Add and commit an account with ``PASSWORD``, in its role's default organisation (or
    the one whose slug is ``organisation``, made as needed)."""
    if organisation and role != "enterprise" and organisations.by_slug(session,
                                                                        organisation) is None:
        organisations.create(session, organisation, ORGANISATION_KINDS[role],
                             f"测试机构{organisation}", f"Test organisation {organisation}")
    member_of = organisations.for_account(session, role, enterprise, organisation)
    user = User(email=email or f"{role}-{enterprise.slug if enterprise else 'x'}@example.com",
                display_name=f"Test {role}", password_hash=PASSWORD_HASH, role=role,
                enterprise_id=enterprise.id if enterprise else None,
                organisation_id=member_of.id, **fields)
    session.add(user)
    session.commit()
    return user


def acting_as(session, role: str = "regulator", enterprise=None) -> list[str]:
    """Return the ``--by EMAIL`` arguments of a command run as an account of ``role``."""
    email = f"cli-{role}-{enterprise.slug if enterprise else 'x'}@example.com"
    if session.query(User).filter_by(email=email).first() is None:
        make_user(session, role, enterprise, email=email)
    return ["--by", email]


class ActingRunner:
    """A CLI runner whose commands all run as one account (``--by EMAIL`` added)."""

    def __init__(self, runner, by: list[str]) -> None:
        self.runner, self.by = runner, by

    def invoke(self, args, **options):
        return self.runner.invoke(args=[*args, *self.by], **options)


def sign_in_as(client, user: User | None) -> None:
    """Make ``client`` signed in as ``user`` (None: signed out) without the sign-in form."""
    token = None
    if user is not None:
        dbs = object_session(user)
        lifetime = client.application.permanent_session_lifetime.total_seconds()
        token = accounts.start_sign_in(dbs, user, int(lifetime))
        dbs.commit()
    with client.session_transaction() as cookie:
        for key in (accounts.USER_KEY, accounts.VERSION_KEY, accounts.SINCE_KEY,
                    accounts.TOKEN_KEY):
            cookie.pop(key, None)
        if user is not None:
            cookie[accounts.USER_KEY] = user.id
            cookie[accounts.VERSION_KEY] = user.session_version
            cookie[accounts.SINCE_KEY] = time.time()
            cookie[accounts.TOKEN_KEY] = token


def csrf_token(client, path: str = "/sign-in") -> str:
    """Return a CSRF token for ``client``'s session, read from a page with a form."""
    response = client.get(path)
    soup = check_page(response.get_data(as_text=True))
    return soup.find("input", attrs={"name": "csrf_token"})["value"]
