"""The regulators' review queue: the site proposes, a regulator confirms or declines.

A non-compliant result proposes listing its product on the key-supervision list. A regulator
confirms (the listing is made, dated, with the reason) or declines with a reason; each decision
is audited. A product with an active listing is not proposed again.

A non-compliant result, or a penalty published on the web, also proposes re-assessing the
enterprise's rating (one waiting proposal per enterprise). Confirming runs the same rules as
``ratings assess`` and keeps the new rating; declining keeps the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.core.db import committing
from formulatrust.domain.transliteration import has_chinese, pinyin
from formulatrust.enterprises import assessment
from formulatrust.enterprises.models import Penalty
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.results.models import ReviewProposal, SamplingResult, SupervisionListing
from formulatrust.search.vocabularies import vocabulary

MIN_REASON = 10
REASSESSMENT = "reassessment"
# A rating names who assessed it; an account may have no name.
DEFAULT_ASSESSOR = {"assessor": "监管部门", "assessor_en": "the market regulator"}


class ReviewError(ValueError):
    """A decision that cannot be made; ``code`` says why (the views word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _listed(session: Session, result: SamplingResult) -> bool:
    return session.scalar(select(SupervisionListing.id).where(
        SupervisionListing.enterprise_id == result.enterprise_id,
        or_(SupervisionListing.product_id == result.product_id,
            SupervisionListing.product_id.is_(None)),
        SupervisionListing.delisted_on.is_(None))) is not None


def propose(session: Session, results: Iterable[SamplingResult]) -> list[ReviewProposal]:
    """Propose a listing for each non-compliant result of a known enterprise not yet proposed
    or listed, and a re-assessment of its enterprise; return the new listing proposals (the
    caller commits)."""
    made = []
    for result in results:
        if result.compliant or result.enterprise_id is None or result.overturned_on:
            continue
        propose_reassessment(session, result.enterprise_id, result=result)
        exists = session.scalar(select(ReviewProposal.id).where(
            ReviewProposal.kind == "supervision_listing", ReviewProposal.result_id == result.id))
        if exists is not None or _listed(session, result):
            continue
        proposal = ReviewProposal(result_id=result.id, enterprise_id=result.enterprise_id,
                                  product_id=result.product_id)
        session.add(proposal)
        made.append(proposal)
    session.flush()
    return made


def propose_reassessment(session: Session, enterprise_id: int, *,
                         result: SamplingResult | None = None,
                         penalty: Penalty | None = None) -> ReviewProposal | None:
    """Propose re-assessing an enterprise's rating because of ``result`` or ``penalty``,
    unless a re-assessment already waits for it or this record already proposed one."""
    proposal = ReviewProposal(kind=REASSESSMENT, enterprise_id=enterprise_id,
                              result_id=result.id if result else None,
                              penalty_id=penalty.id if penalty else None)
    same_record = (ReviewProposal.result_id == proposal.result_id if result else
                   ReviewProposal.penalty_id == proposal.penalty_id)
    exists = session.scalar(select(ReviewProposal.id).where(
        ReviewProposal.kind == REASSESSMENT,
        or_(and_(ReviewProposal.enterprise_id == enterprise_id,
                 ReviewProposal.status == "pending"), same_record)))
    if exists is not None:
        return None
    session.add(proposal)
    session.flush()
    return proposal


def recently_decided(session: Session, limit: int) -> list[ReviewProposal]:
    """Return the ``limit`` newest decided proposals, newest first."""
    return list(session.scalars(select(ReviewProposal).where(
        ReviewProposal.status != "pending").order_by(ReviewProposal.decided_at.desc())
        .limit(limit)))


def pending(session: Session) -> list[ReviewProposal]:
    """Return the proposals waiting for a regulator, oldest first."""
    return list(session.scalars(select(ReviewProposal).where(
        ReviewProposal.status == "pending").order_by(ReviewProposal.proposed_at,
                                                      ReviewProposal.id)))


def listing_reasons(result: SamplingResult, reason: str) -> tuple[str, str]:
    """Word a listing's reason in Chinese and in English: the failed items, each in its own
    language, then the regulator's reason (in the English only when written without Chinese,
    so an English reader never gets Chinese unmarked)."""
    items = [item.item for item in result.failed_items]
    items_en = [_english_item(item) for item in items]
    reason_zh = f"抽检不合格（{'、'.join(items)}）。{reason}" if items else f"抽检不合格。{reason}"
    reason_en = f"Failed sampling ({', '.join(items_en)})." if items else "Failed sampling."
    return reason_zh, reason_en if has_chinese(reason) else f"{reason_en} {reason}"


def _english_item(item: str) -> str:
    entry = vocabulary().match(item, "test_items")
    return entry.en if entry is not None and entry.en else pinyin(item)


def decide(session: Session, user: User | None, proposal: ReviewProposal, confirm: bool,
           reason: str, today: date) -> ReviewProposal:
    """Confirm (list the product) or decline a pending proposal, with a reason; audited;
    commit. Raises ReviewError ``decided`` or ``reason`` and writes nothing."""
    with committing(session):
        return apply_decision(session, user, proposal, confirm, reason, today)


def apply_decision(session: Session, user: User | None, proposal: ReviewProposal,
                   confirm: bool, reason: str, today: date) -> ReviewProposal:
    """Decide a proposal in the caller's transaction (the demo loader's); audited."""
    reason = reason.strip()
    if proposal.status != "pending":
        raise ReviewError("decided")
    if len(reason) < MIN_REASON:
        raise ReviewError("reason")
    proposal.status = "confirmed" if confirm else "declined"
    proposal.reason, proposal.decided_at = reason, utcnow()
    proposal.decided_by_id = user.id if user else None
    if confirm and proposal.kind == REASSESSMENT:
        names = assessment.assessor_names(user) if user else {}
        if not names.get("assessor"):
            names = DEFAULT_ASSESSOR
        made = assessment.grade(session, user, [proposal.enterprise], today, names["assessor"],
                                 names["assessor_en"])
        proposal.rating_id = made[proposal.enterprise.slug].id
    elif confirm:
        result = proposal.result
        assert result is not None  # a listing proposal names its result
        reason_zh, reason_en = listing_reasons(result, reason)
        listing = SupervisionListing(
            enterprise_id=proposal.enterprise_id, product_id=proposal.product_id,
            listed_on=today, reason_zh=reason_zh, reason_en=reason_en, is_demo=result.is_demo)
        session.add(listing)
        session.flush()
        proposal.listing_id = listing.id
    audit.record(session, user, "change", "review_proposal", proposal.id,
                 {"status": proposal.status, "reason": reason, "result": proposal.result_id})
    return proposal
