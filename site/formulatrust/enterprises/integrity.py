"""An enterprise's integrity file from the database: evidence, ratings, records and replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from formulatrust.domain import rating
from formulatrust.enterprises.models import (
    Brand,
    Certification,
    Enterprise,
    Inspection,
    Licence,
    Penalty,
    Product,
    Rating,
    Reply,
    StandardCommitment,
)
from formulatrust.results.models import Recall, SamplingResult


@dataclass
class Profile:
    """What the enterprise page shows."""

    enterprise: Enterprise
    ratings: list[Rating]
    licences: list[Licence]
    certifications: list[Certification]
    penalties: list[Penalty]
    inspections: list[Inspection]
    standards: list[StandardCommitment]
    replies: dict[tuple[str, int], list[Reply]] = field(default_factory=dict)
    results_total: int = 0
    results_failed: int = 0
    recalls: list[Recall] = field(default_factory=list)

    @property
    def rating(self) -> Rating | None:
        """The current rating, if any."""
        return self.ratings[0] if self.ratings else None

    def timeline(self) -> list[tuple[date, str, object]]:
        """Licences, penalties and inspections, newest first, as (date, kind, record)."""
        events: list[tuple[date, str, object]] = [(x.on, "licence", x) for x in self.licences]
        events += [(x.decided_on, "penalty", x) for x in self.penalties]
        events += [(x.inspected_on, "inspection", x) for x in self.inspections]
        return sorted(events, key=lambda event: event[0], reverse=True)


def _all(session: Session, model: type[Any], enterprise_id: int,
         order: InstrumentedAttribute[Any]) -> list[Any]:
    return list(session.scalars(select(model).where(model.enterprise_id == enterprise_id)
                                .order_by(order.desc())))


def profile(session: Session, enterprise: Enterprise) -> Profile:
    """Load everything shown on an enterprise's page."""
    eid = enterprise.id
    replies: dict[tuple[str, int], list[Reply]] = {}
    for reply in _all(session, Reply, eid, Reply.replied_on):
        replies.setdefault((reply.target, reply.target_id), []).append(reply)
    counts = dict(session.execute(
        select(SamplingResult.compliant, func.count(SamplingResult.id))
        .where(SamplingResult.enterprise_id == eid).group_by(SamplingResult.compliant)).all())
    recalls = session.scalars(
        select(Recall).join(Product).join(Brand).where(Brand.enterprise_id == eid)
        .order_by(Recall.announced_on.desc())).all()
    return Profile(
        enterprise=enterprise,
        ratings=_all(session, Rating, eid, Rating.assessed_on),
        licences=_all(session, Licence, eid, Licence.on),
        certifications=_all(session, Certification, eid, Certification.valid_until),
        penalties=_all(session, Penalty, eid, Penalty.decided_on),
        inspections=_all(session, Inspection, eid, Inspection.inspected_on),
        standards=_all(session, StandardCommitment, eid, StandardCommitment.effective_on),
        replies=replies, results_total=sum(counts.values()),
        results_failed=counts.get(False, 0), recalls=list(recalls),
    )


def evidence(session: Session, enterprise: Enterprise, on: date,
             self_inspections: tuple[int, int] = (0, 0),
             complaints: tuple[int, int] = (0, 0)) -> rating.Evidence:
    """Gather the rating evidence for ``enterprise`` as of ``on``."""
    results = session.scalars(
        select(SamplingResult).where(SamplingResult.enterprise_id == enterprise.id,
                                     SamplingResult.announced_on.is_not(None))
        .options(selectinload(SamplingResult.failed_items))).all()
    eid = enterprise.id
    return rating.Evidence(
        samples=tuple(rating.SampleOutcome(cast(date, r.announced_on), r.compliant,  # not None
                                           tuple(f.item for f in r.failed_items))
                      for r in results),
        penalties=tuple(rating.PenaltyFact(p.decided_on, p.amount_yuan, p.suspended_production,
                                           p.status)
                        for p in _all(session, Penalty, eid, Penalty.decided_on)),
        inspections=tuple(rating.InspectionFact(i.inspected_on, i.passed, i.rectify_by,
                                                i.rectified_on)
                          for i in _all(session, Inspection, eid, Inspection.inspected_on)),
        self_inspections_due=self_inspections[1], self_inspections_on_time=self_inspections[0],
        valid_certifications=sum(1 for c in _all(session, Certification, eid,
                                                  Certification.valid_until)
                                 if c.valid_from <= on <= c.valid_until),
        complaints=complaints[1], complaints_handled=complaints[0],
    )


def record_assessment(session: Session, enterprise: Enterprise, result: rating.Assessment,
                      assessor: str, assessor_en: str = "") -> Rating:
    """Store an assessment as the enterprise's newest rating; earlier ones stay as history.
    ``assessor`` is the assessor's Chinese name, ``assessor_en`` its English one where known."""
    row = Rating(enterprise_id=enterprise.id, grade=result.grade, score=result.score,
                 assessed_on=result.assessed_on, valid_until=result.valid_until,
                 assessor=assessor, assessor_en=assessor_en, methodology=result.methodology,
                 criteria=[[c.name, c.weight, c.score, c.basis] for c in result.criteria],
                 capped_by=list(result.capped_by))
    session.add(row)
    session.flush()
    return row
