"""Moving a problem report through the regulators' queue, audited in the same transaction."""

from __future__ import annotations

from sqlalchemy import update

from formulatrust.core import db
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.scan.models import ProblemReport


def move_report(user: User, report: ProblemReport, seen: str, new: str) -> bool:
    """Move ``report`` from status ``seen`` to ``new``; False (nothing written) when someone
    else moved it since, so two people cannot both move it."""
    with db.transaction() as session:
        moved = session.execute(update(ProblemReport)
                                .where(ProblemReport.id == report.id, ProblemReport.status == seen)
                                .values(status=new)).rowcount
        if moved:
            audit.record(session, user, "change", "problem_report", report.id,
                         {"status": [seen, new]})
    if not moved:
        db.session().refresh(report)
    return bool(moved)
