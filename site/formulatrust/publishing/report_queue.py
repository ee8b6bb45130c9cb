"""The regulators' queue of problem reports and the audit log: the queries the pages show, and
moving a report on, audited in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, or_, select, update

from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.publishing import audit
from formulatrust.publishing.models import AuditEntry, User
from formulatrust.scan.models import ProblemReport


def move_report(user: User, report: ProblemReport, seen: str, new: str) -> bool:
    """Move ``report`` from status ``seen`` to ``new``; False (nothing written) when someone
    else moved it since, so two people cannot both move it."""
    with db.transaction() as session:
        result = session.execute(update(ProblemReport).where(
            ProblemReport.id == report.id, ProblemReport.status == seen).values(status=new))
        moved = cast(CursorResult[Any], result).rowcount
        if moved:
            audit.record(session, user, "change", "problem_report", report.id,
                         {"status": [seen, new]})
    if not moved:
        db.session().refresh(report)
    return bool(moved)


def reports_query(status: str = "") -> tuple[Select[ProblemReport], Select[Any]]:
    """The reports (with ``status``, or all), newest first, and the query counting them."""
    query = select(ProblemReport).order_by(ProblemReport.created_at.desc(),
                                           ProblemReport.id.desc())
    count = select(func.count(ProblemReport.id))
    if status:
        query = query.where(ProblemReport.status == status)
        count = count.where(ProblemReport.status == status)
    return query, count


def counts_by_status() -> dict[str, int]:
    """How many reports have each status."""
    rows = db.session().execute(select(ProblemReport.status, func.count(ProblemReport.id))
                                .group_by(ProblemReport.status))
    return {status: count for status, count in rows}


def history(report: ProblemReport) -> list[AuditEntry]:
    """The audit entries of ``report``, oldest first."""
    return list(db.session().scalars(
        select(AuditEntry).where(AuditEntry.object_type == "problem_report",
                                 AuditEntry.object_id == str(report.id))
        .order_by(AuditEntry.at, AuditEntry.id)))


def audit_log_query() -> tuple[Select[AuditEntry], Select[Any]]:
    """The whole audit log, newest first, and the query counting it."""
    return (select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
            select(func.count(AuditEntry.id)))


def purge_closed(days: int) -> int:
    """Delete the contact details and free text of closed reports older than ``days``; return
    how many reports lost them (the reports stay, so the queue's figures remain)."""
    cutoff = utcnow() - timedelta(days=days)
    with db.transaction() as session:
        result = session.execute(
            update(ProblemReport)
            .where(ProblemReport.status == "closed", ProblemReport.created_at < cutoff,
                   or_(ProblemReport.contact != "", ProblemReport.description != ""))
            .values(contact="", description=""))
        count = cast(CursorResult[Any], result).rowcount
        if count:
            audit.record(session, None, "purge", "problem_report", "",
                         {"contacts_deleted": count, "days": days})
    return int(count)
