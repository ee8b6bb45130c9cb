"""An enterprise's replies beside its ratings, penalties and sampling results: written,
changed and withdrawn here only, each in one transaction with its audit entry (the audit log
keeps the earlier words of a changed or withdrawn reply)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from formulatrust.core.db import committing
from formulatrust.enterprises.models import Enterprise, Penalty, Rating, Reply
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.results.models import SamplingResult

RESULTS_LISTED = 100
TEXT_FIELDS = ("body_zh", "body_en", "appeal_status", "replied_on")


@dataclass(frozen=True)
class Answerable:
    """The records an enterprise may answer, and its replies by (target, id), newest first."""

    replies: dict[tuple[str, int], list[Reply]]
    ratings: list[Rating]
    penalties: list[Penalty]
    results: list[SamplingResult]


def answerable(session: Session, enterprise_id: int,
               results_listed: int = RESULTS_LISTED) -> Answerable:
    """Return the enterprise's ratings, penalties, non-compliant (or answered) results, and
    its replies."""
    by_target: dict[tuple[str, int], list[Reply]] = {}
    for reply in session.scalars(select(Reply).where(Reply.enterprise_id == enterprise_id)
                                 .order_by(Reply.replied_on.desc(), Reply.id.desc())):
        by_target.setdefault((reply.target, reply.target_id), []).append(reply)
    answered = [target_id for target, target_id in by_target if target == "result"]
    results = session.scalars(
        select(SamplingResult).where(SamplingResult.enterprise_id == enterprise_id, or_(
            SamplingResult.compliant.is_(False), SamplingResult.id.in_(answered or [-1])))
        .order_by(SamplingResult.announced_on.desc(), SamplingResult.id.desc())
        .limit(results_listed)).all()
    ratings = session.scalars(select(Rating).where(Rating.enterprise_id == enterprise_id)
                              .order_by(Rating.assessed_on.desc())).all()
    penalties = session.scalars(select(Penalty).where(Penalty.enterprise_id == enterprise_id)
                                .order_by(Penalty.decided_on.desc())).all()
    return Answerable(by_target, list(ratings), list(penalties), list(results))


def replies_to(session: Session, target: str, target_id: int) -> list[Reply]:
    """Return the replies to one record, oldest first."""
    return list(session.scalars(select(Reply).where(
        Reply.target == target, Reply.target_id == target_id).order_by(Reply.replied_on)))


def reply_of(session: Session, enterprise: Enterprise, reply_id: int) -> Reply | None:
    """Return the enterprise's own reply ``reply_id``, or None."""
    reply = session.get(Reply, reply_id)
    return reply if reply is not None and reply.enterprise_id == enterprise.id else None


def _summary(enterprise: Enterprise, reply: Reply) -> dict[str, Any]:
    return {"enterprise": enterprise.slug, "target": reply.target, "target_id": reply.target_id,
            **{name: getattr(reply, name) for name in TEXT_FIELDS}}


def write(session: Session, user: User | None, enterprise: Enterprise, target: str,
          target_id: int, words: dict[str, str], today: date) -> Reply:
    """Add a reply dated ``today`` (``words``: body_zh, body_en, appeal_status); commit."""
    with committing(session):
        reply = Reply(enterprise_id=enterprise.id, target=target, target_id=target_id,
                      body_zh=words["body_zh"], body_en=words["body_en"],
                      appeal_status=words["appeal_status"], replied_on=today)
        session.add(reply)
        session.flush()
        audit.record(session, user, "create", "reply", reply.id, _summary(enterprise, reply))
    return reply


def change(session: Session, user: User | None, reply: Reply, words: dict[str, str],
           today: date) -> Reply:
    """Change a reply's words and status; it is dated ``today`` again; commit."""
    with committing(session):
        before = {name: getattr(reply, name) for name in TEXT_FIELDS}
        after = {**{name: words[name] for name in TEXT_FIELDS[:3]}, "replied_on": today}
        for name, value in after.items():
            setattr(reply, name, value)
        changed = audit.changes(before, after)
        if changed:
            audit.record(session, user, "change", "reply", reply.id, changed)
    return reply


def withdraw(session: Session, user: User | None, enterprise: Enterprise, reply: Reply) -> None:
    """Delete a reply from the public pages; its audit entry keeps what it said; commit."""
    with committing(session):
        audit.record(session, user, "delete", "reply", reply.id, _summary(enterprise, reply))
        session.delete(reply)
