"""Appeals as a workflow: an enterprise files one, with its grounds, against its own result,
penalty or rating; only a regulator decides it (upheld, partly or overturned) with a reason.
Each step is dated and audited; an overturned result or penalty says so, never disappears."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.enterprises.models import (
    APPEAL_OUTCOMES,
    APPEAL_TARGETS,
    Appeal,
    Enterprise,
    Penalty,
    Rating,
)
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.results.models import SamplingResult

TARGET_MODELS = {"result": SamplingResult, "penalty": Penalty, "rating": Rating}
MIN_TEXT = 10


class AppealError(ValueError):
    """An appeal that cannot be filed or decided; ``code`` says why (views word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def target_of(session: Session, enterprise: Enterprise, target: str,
              target_id: int) -> object | None:
    """Return the enterprise's own result, penalty or rating, or None."""
    model = TARGET_MODELS.get(target)
    record = session.get(model, target_id) if model else None
    if record is None or getattr(record, "enterprise_id", None) != enterprise.id:
        return None
    return record


def file(session: Session, user: User, enterprise: Enterprise, target: str, target_id: int,
         grounds_zh: str, grounds_en: str, today: date) -> Appeal:
    """File an appeal for ``enterprise`` (the caller checked the account is its own)."""
    if target not in APPEAL_TARGETS or target_of(session, enterprise, target,
                                                    target_id) is None:
        raise AppealError("target")
    if len(grounds_zh.strip()) < MIN_TEXT:
        raise AppealError("grounds")
    pending = session.scalar(select(Appeal.id).where(
        Appeal.target == target, Appeal.target_id == target_id, Appeal.status == "filed"))
    if pending is not None:
        raise AppealError("pending")
    appeal = Appeal(enterprise_id=enterprise.id, target=target, target_id=target_id,
                    grounds_zh=grounds_zh.strip(), grounds_en=grounds_en.strip(),
                    filed_on=today, filed_by_id=user.id)
    session.add(appeal)
    session.flush()
    audit.record(session, user, "create", "appeal", appeal.id,
                 {"target": target, "target_id": target_id, "enterprise": enterprise.slug})
    return appeal


def decide(session: Session, user: User | None, appeal: Appeal, outcome: str,
           reason_zh: str, reason_en: str, today: date) -> Appeal:
    """Record a regulator's decision; an overturned result or penalty is marked as such."""
    if appeal.status != "filed":
        raise AppealError("decided")
    if outcome not in APPEAL_OUTCOMES:
        raise AppealError("outcome")
    if len(reason_zh.strip()) < MIN_TEXT:
        raise AppealError("reason")
    appeal.status, appeal.decided_on = outcome, today
    appeal.outcome_reason_zh, appeal.outcome_reason_en = reason_zh.strip(), reason_en.strip()
    appeal.decided_by_id = user.id if user else None
    record = session.get(TARGET_MODELS[appeal.target], appeal.target_id)
    if outcome == "overturned" and isinstance(record, SamplingResult):
        record.overturned_on = today
    elif outcome == "overturned" and isinstance(record, Penalty):
        record.status = "overturned"
    audit.record(session, user, "change", "appeal", appeal.id,
                 {"status": outcome, "reason_zh": appeal.outcome_reason_zh})
    return appeal


def for_targets(session: Session, target: str, ids: list[int]) -> dict[tuple[str, int], list]:
    """Return the appeals about the given records, oldest first, by (target, id)."""
    found: dict[tuple[str, int], list[Appeal]] = {}
    if not ids:
        return found
    for appeal in session.scalars(select(Appeal).where(
            Appeal.target == target, Appeal.target_id.in_(ids)).order_by(Appeal.filed_on,
                                                                        Appeal.id)):
        found.setdefault((appeal.target, appeal.target_id), []).append(appeal)
    return found
