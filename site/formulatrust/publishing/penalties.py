"""Publishing an administrative penalty on an enterprise's integrity file: written with its
audit entry and a reassessment proposal in one transaction (the change feed announces it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.enterprises.models import Enterprise, Penalty
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.results import review


def enterprises_to_penalise() -> list[Enterprise]:
    """Every enterprise, by slug (the penalty form's choices)."""
    return list(db.session().scalars(select(Enterprise).order_by(Enterprise.slug)))


def publish_penalty(user: User, enterprise: Enterprise, values: dict[str, Any]) -> Penalty:
    """Publish a penalty with ``values`` (validated fields of ``Penalty``) and commit it."""
    with db.transaction() as session:
        penalty = Penalty(enterprise_id=enterprise.id, published_at=utcnow(),
                          published_by_id=user.id, **values)
        session.add(penalty)
        session.flush()
        audit.record(session, user, "publish", "penalty", penalty.id,
                     {"enterprise": enterprise.slug, **values})
        review.propose_reassessment(session, enterprise.id, penalty=penalty)
    return penalty
