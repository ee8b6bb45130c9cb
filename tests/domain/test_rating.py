"""The integrity rating: each criterion, the boundaries between grades, caps and validity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from formulatrust.domain.rating import (
    WEIGHTS,
    Evidence,
    InspectionFact,
    PenaltyFact,
    SampleOutcome,
    assess,
    grade_for,
    inspection_score,
    penalty_score,
    sampling_score,
)

ON = date(2026, 11, 1)
CLEAN = Evidence(samples=(SampleOutcome(ON - timedelta(days=30), True),),
                 inspections=(InspectionFact(ON - timedelta(days=60), True),),
                 self_inspections_due=4, self_inspections_on_time=4, valid_certifications=3,
                 complaints=2, complaints_handled=2)


@pytest.mark.parametrize(("score", "grade"), [(100, "A"), (90, "A"), (89.9, "B"), (75, "B"),
                                              (74.9, "C"), (60, "C"), (59.9, "D"), (0, "D")])
def test_grade_boundaries(score, grade):
    assert grade_for(score) == grade


def test_weights_add_up_to_one_hundred():
    assert sum(WEIGHTS.values()) == 100


def test_a_clean_record_is_grade_a_and_valid_for_a_year():
    result = assess(CLEAN, ON)
    assert result.grade == "A" and result.score == 100
    assert result.valid_until == date(2027, 11, 1)
    assert [c.name for c in result.criteria] == list(WEIGHTS)


def test_sampling_failures_count_by_rate_and_seriousness_and_age():
    passes = tuple(SampleOutcome(ON - timedelta(days=d), True) for d in range(1, 99))
    samples = passes + (SampleOutcome(ON - timedelta(days=10), False, ("阪崎肠杆菌",)),
                        SampleOutcome(ON - timedelta(days=100), False, ("维生素A",)),
                        SampleOutcome(ON - timedelta(days=4 * 365), False, ("硒",)))  # too old
    assert sampling_score(samples, ON).score == 100 - 4 * 2 - 20  # 2 % failed, 1 serious


def test_overturned_penalties_do_not_count_and_large_ones_weigh_more():
    penalties = (PenaltyFact(ON - timedelta(days=5), 200_000),
                 PenaltyFact(ON - timedelta(days=50), 5_000),
                 PenaltyFact(ON - timedelta(days=80), 900_000, status="overturned"))
    assert penalty_score(penalties, ON).score == 100 - 40 - 20


def test_inspections_reward_rectifying_on_time():
    inspections = (InspectionFact(ON - timedelta(days=90), False, ON - timedelta(days=60),
                                  ON - timedelta(days=70)),
                   InspectionFact(ON - timedelta(days=90), False, ON - timedelta(days=30)))
    assert inspection_score(inspections, ON).score == (70 + 10) / 2


def test_a_serious_failure_in_the_last_year_caps_the_grade_at_c():
    evidence = Evidence(**{**CLEAN.__dict__, "samples": (
        SampleOutcome(ON - timedelta(days=20), False, ("Cronobacter",)),
        *[SampleOutcome(ON - timedelta(days=d), True) for d in range(40, 400, 40)])})
    result = assess(evidence, ON)
    assert result.score >= 75 and result.grade == "C"
    assert result.capped_by == ("serious_failure_12_months",)


def test_downgrade_after_a_penalty_is_visible_in_history():
    before = assess(CLEAN, ON)
    penalised = Evidence(**{**CLEAN.__dict__, "penalties": (
        PenaltyFact(ON + timedelta(days=10), 300_000, suspended_production=True),)})
    after = assess(penalised, ON + timedelta(days=30))
    assert before.grade == "A" and after.grade == "C"
    assert "production_suspended" in after.capped_by
