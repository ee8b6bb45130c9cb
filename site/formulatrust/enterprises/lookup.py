"""Finding the enterprise a publishing page belongs to (by its slug in the URL)."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise


def enterprise_id_of(slug: str, **_ignored: object) -> int | None:
    """Return the id of the enterprise ``slug`` (the owner of every page under its URL)."""
    return db.session().scalar(select(Enterprise.id).where(Enterprise.slug == slug))


def by_slug(session: Session, slug: str) -> Enterprise | None:
    """Return the enterprise ``slug``, or None."""
    return session.scalar(select(Enterprise).where(Enterprise.slug == slug))


def get_enterprise(slug: str) -> Enterprise:
    """Return the enterprise ``slug``, or answer 404."""
    enterprise = by_slug(db.session(), slug)
    if enterprise is None:
        abort(404)
    return enterprise
