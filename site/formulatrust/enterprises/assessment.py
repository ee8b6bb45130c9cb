"""Assessing integrity ratings: the one path the command line, the regulator's "assess"
button and the review queue's re-assessments take, so each applies the same rules.

Functions take the session and the acting user and add the audit entry in the same
transaction: ``assess`` commits it; ``grade`` leaves the commit to a caller whose own decision
the grades belong to (the review queue's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.db import committing
from formulatrust.domain import rating
from formulatrust.enterprises import integrity
from formulatrust.enterprises.models import Enterprise, Rating
from formulatrust.publishing import audit
from formulatrust.publishing.models import User


def preview(session: Session, enterprise: Enterprise, day: date) -> rating.Assessment:
    """Return the grade the published methodology gives ``enterprise`` on ``day`` (not kept)."""
    return rating.assess(integrity.evidence(session, enterprise, day), day)


def assess(session: Session, user: User | None, enterprises: Sequence[Enterprise], day: date,
           assessor: str, assessor_en: str = "") -> dict[str, Rating]:
    """Grade each enterprise on ``day``, keep it as its newest rating, audited; commit."""
    with committing(session):
        return grade(session, user, enterprises, day, assessor, assessor_en)


def grade(session: Session, user: User | None, enterprises: Sequence[Enterprise], day: date,
          assessor: str, assessor_en: str = "") -> dict[str, Rating]:
    """Grade each enterprise on ``day`` and keep it as its newest rating; earlier ones stay.
    ``assessor_en`` is the assessor's English name, where known. The caller commits."""
    made = {}
    for enterprise in enterprises:
        made[enterprise.slug] = integrity.record_assessment(
            session, enterprise, preview(session, enterprise, day), assessor, assessor_en)
    audit.record(session, user, "assess", "ratings", day.isoformat(),
                 {"assessor": assessor, "grades": {slug: row.grade for slug, row in made.items()}})
    return made


def newest_rating(session: Session, enterprise_id: int) -> Rating | None:
    """Return the enterprise's newest rating, or None."""
    return session.scalar(select(Rating).where(Rating.enterprise_id == enterprise_id)
                          .order_by(Rating.assessed_on.desc(), Rating.id.desc()))


def assessor_names(user: User) -> dict[str, str]:
    """Suggest who assesses as the rating shows it, in Chinese and English: the account's
    organisation, else its name (never its e-mail address, which ratings would make public)."""
    if user.organisation is not None:
        return {"assessor": user.organisation.name_zh,
                "assessor_en": user.organisation.name_en or ""}
    return {"assessor": user.display_name, "assessor_en": ""}
