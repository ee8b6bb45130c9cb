"""The integrity rating (诚信等级): a published, weighted methodology, no Flask.

Each criterion gives a score from 0 to 100 from its evidence; the total is the weighted mean.
Grades: A ≥ 90, B ≥ 75, C ≥ 60, otherwise D. A serious sampling failure (a pathogen such as
Cronobacter) in the last 12 months, or a penalty in force that suspended production, caps the
grade at C whatever the score. A rating is valid for 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

METHODOLOGY_VERSION = "2026.1"
VALIDITY = timedelta(days=365)
LOOKBACK = timedelta(days=3 * 365)
SERIOUS_WINDOW = timedelta(days=365)
GRADES = (("A", 90), ("B", 75), ("C", 60), ("D", 0))
SERIOUS_ITEMS = ("阪崎肠杆菌", "沙门氏菌", "金黄色葡萄球菌", "三聚氰胺", "黄曲霉毒素",
                 "cronobacter", "salmonella", "melamine", "aflatoxin")
WEIGHTS = {"sampling": 30, "penalties": 25, "inspections": 20, "self_inspection": 10,
           "certifications": 10, "complaints": 5}


@dataclass(frozen=True)
class SampleOutcome:
    """One sampling result: when, whether compliant, and the failed items."""

    on: date
    compliant: bool
    failed_items: tuple[str, ...] = ()

    @property
    def serious(self) -> bool:
        """A failure on a pathogen or contaminant, rather than a nutrient or label."""
        return any(word in item.lower() for item in self.failed_items for word in SERIOUS_ITEMS)


@dataclass(frozen=True)
class PenaltyFact:
    """A penalty decision; overturned ones do not count."""

    on: date
    amount_yuan: float
    suspended_production: bool = False
    status: str = "in_force"  # in_force, appealed, corrected, overturned


@dataclass(frozen=True)
class InspectionFact:
    """An inspection: passed, or findings to rectify by a deadline."""

    on: date
    passed: bool
    rectify_by: date | None = None
    rectified_on: date | None = None


@dataclass(frozen=True)
class Evidence:
    """Everything the rating uses about one enterprise."""

    samples: tuple[SampleOutcome, ...] = ()
    penalties: tuple[PenaltyFact, ...] = ()
    inspections: tuple[InspectionFact, ...] = ()
    self_inspections_due: int = 0
    self_inspections_on_time: int = 0
    valid_certifications: int = 0
    complaints: int = 0
    complaints_handled: int = 0


@dataclass(frozen=True)
class CriterionScore:
    """How one criterion scored, and on what evidence."""

    name: str
    weight: int
    score: float
    basis: str  # a short machine-readable account, shown translated by the site


@dataclass(frozen=True)
class Assessment:
    """A grade with its score, criterion breakdown, caps and validity."""

    grade: str
    score: float
    criteria: tuple[CriterionScore, ...]
    capped_by: tuple[str, ...] = field(default=())
    assessed_on: date = date.min
    valid_until: date = date.min
    methodology: str = METHODOLOGY_VERSION


def grade_for(score: float) -> str:
    """Return the grade a total score earns before caps."""
    return next(grade for grade, floor in GRADES if score >= floor)


def sampling_score(samples: tuple[SampleOutcome, ...], on: date) -> CriterionScore:
    """100, minus 4 per percentage point of failed samples and 20 per serious failure
    (both over the last three years), so often-sampled producers are judged by their rate."""
    recent = [s for s in samples if on - LOOKBACK <= s.on <= on]
    serious = sum(1 for s in recent if not s.compliant and s.serious)
    failed = sum(1 for s in recent if not s.compliant)
    rate = 100 * failed / len(recent) if recent else 0
    score = round(max(0, 100 - 4 * rate - 20 * serious), 1)
    return CriterionScore("sampling", WEIGHTS["sampling"], score,
                          f"samples={len(recent)} failed={failed} serious={serious}")


def penalty_score(penalties: tuple[PenaltyFact, ...], on: date) -> CriterionScore:
    """100, minus 40 per major and 20 per other penalty in the last three years (not overturned)."""
    counted = [p for p in penalties if on - LOOKBACK <= p.on <= on and p.status != "overturned"]
    major = sum(1 for p in counted if p.suspended_production or p.amount_yuan >= 100_000)
    score = max(0, 100 - 40 * major - 20 * (len(counted) - major))
    return CriterionScore("penalties", WEIGHTS["penalties"], score,
                          f"penalties={len(counted)} major={major}")


def inspection_score(inspections: tuple[InspectionFact, ...], on: date) -> CriterionScore:
    """Mean over recent inspections: passed 100, rectified on time 70, late 40, overdue 10."""
    recent = [i for i in inspections if on - LOOKBACK <= i.on <= on]
    if not recent:
        return CriterionScore("inspections", WEIGHTS["inspections"], 80, "inspections=0")
    score = sum(_inspection_points(i, on) for i in recent) / len(recent)
    return CriterionScore("inspections", WEIGHTS["inspections"], round(score, 1),
                          f"inspections={len(recent)}")


def _inspection_points(inspection: InspectionFact, on: date) -> int:
    if inspection.passed:
        return 100
    deadline = inspection.rectify_by or inspection.on
    if inspection.rectified_on is None:
        return 10 if on > deadline else 40
    return 70 if inspection.rectified_on <= deadline else 40


def ratio_score(name: str, done: int, due: int, none_score: int = 80) -> CriterionScore:
    """Share of ``due`` that was ``done``, as 0–100 (``none_score`` when nothing was due)."""
    score = none_score if due == 0 else round(100 * min(done, due) / due, 1)
    return CriterionScore(name, WEIGHTS[name], score, f"done={done} due={due}")


def assess(evidence: Evidence, on: date) -> Assessment:
    """Grade an enterprise on ``on`` from its evidence."""
    criteria = (
        sampling_score(evidence.samples, on),
        penalty_score(evidence.penalties, on),
        inspection_score(evidence.inspections, on),
        ratio_score("self_inspection", evidence.self_inspections_on_time,
                    evidence.self_inspections_due),
        CriterionScore("certifications", WEIGHTS["certifications"],
                       min(100, 34 * evidence.valid_certifications),
                       f"valid={evidence.valid_certifications}"),
        ratio_score("complaints", evidence.complaints_handled, evidence.complaints, 100),
    )
    total = round(sum(c.score * c.weight for c in criteria) / sum(WEIGHTS.values()), 1)
    caps = _caps(evidence, on)
    grade = grade_for(total)
    if caps and grade in ("A", "B"):
        grade = "C"
    return Assessment(grade=grade, score=total, criteria=criteria, capped_by=caps,
                      assessed_on=on, valid_until=on + VALIDITY)


def _caps(evidence: Evidence, on: date) -> tuple[str, ...]:
    caps = []
    if any(not s.compliant and s.serious and on - SERIOUS_WINDOW <= s.on <= on
           for s in evidence.samples):
        caps.append("serious_failure_12_months")
    if any(p.suspended_production and p.status in ("in_force", "appealed")
           and on - SERIOUS_WINDOW <= p.on <= on for p in evidence.penalties):
        caps.append("production_suspended")
    return tuple(caps)
