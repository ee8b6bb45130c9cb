"""The verdict a can page opens with: the regulator's evidence first, never contradicted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from formulatrust.domain.verdict import Burst, judge

TODAY = date(2026, 12, 1)


@dataclass
class Recall:
    status: str = "ongoing"


@dataclass
class Result:
    compliant: bool
    announced_on: date | None = date(2026, 9, 1)
    overturned_on: date | None = None


def kinds(verdict) -> list[str]:
    return [reason.kind for reason in verdict.reasons]


def test_an_ordinary_can_is_ok_and_names_the_rating():
    verdict = judge(serial_status="registered", lot_given=True, lot_on_record=True,
                    rating="A", today=TODAY)
    assert verdict.level == "ok" and kinds(verdict) == ["rating"]


def test_a_recall_outranks_everything_and_a_completed_recall_is_still_danger():
    verdict = judge(recalls=[Recall("completed")], lot_results=[Result(False)],
                    serial_status="unknown", lot_given=True, lot_on_record=True, today=TODAY)
    assert verdict.level == "danger"
    assert kinds(verdict) == ["recall", "lot_failure", "serial_unknown"]


def test_a_withdrawn_recall_is_a_note_not_danger():
    verdict = judge(recalls=[Recall("withdrawn")], lot_given=True, lot_on_record=True,
                    serial_status="issued", today=TODAY)
    assert verdict.level == "ok" and kinds(verdict) == ["recall_withdrawn"]


def test_a_failed_result_for_the_lot_is_danger_and_an_overturned_one_is_a_note():
    assert judge(lot_results=[Result(False)], lot_given=True, lot_on_record=True,
                 today=TODAY).level == "danger"
    overturned = judge(lot_results=[Result(False, overturned_on=date(2026, 10, 1))],
                       lot_given=True, lot_on_record=True, today=TODAY)
    assert overturned.level == "ok" and kinds(overturned) == ["lot_failure_overturned"]


def test_a_lot_known_only_from_sampling_is_never_called_counterfeit():
    verdict = judge(lot_results=[Result(False)], lot_given=True, lot_on_record=False,
                    serial_status="unknown", today=TODAY)
    assert verdict.level == "danger"
    assert kinds(verdict) == ["lot_failure", "lot_not_registered"]
    assert verdict.reasons[1].level == "note"
    assert "serial_unknown" not in kinds(verdict)


def test_a_lot_nobody_knows_is_a_warning():
    verdict = judge(lot_given=True, lot_on_record=False, today=TODAY)
    assert verdict.level == "warning" and kinds(verdict) == ["lot_not_registered"]


def test_an_unknown_serial_is_a_warning_below_the_regulators_findings():
    verdict = judge(lot_results=[Result(True)], serial_status="unknown", lot_given=True,
                    lot_on_record=True, today=TODAY)
    assert verdict.level == "warning" and kinds(verdict) == ["serial_unknown"]


def test_product_failures_count_only_within_24_months_and_not_when_overturned():
    old = Result(False, announced_on=date(2024, 11, 1))
    overturned = Result(False, overturned_on=date(2026, 10, 2))
    recent = Result(False, announced_on=date(2025, 6, 1))
    assert judge(product_results=[old, overturned], today=TODAY).level == "ok"
    verdict = judge(product_results=[old, recent, Result(True)], today=TODAY)
    assert verdict.level == "warning" and verdict.reasons[0].record == (recent,)


def test_a_burst_of_devices_warns_that_the_code_may_be_copied_below_the_regulator():
    burst = Burst(at=datetime(2026, 9, 23, tzinfo=UTC), devices=23)
    alone = judge(serial_status="registered", lot_given=True, lot_on_record=True, rating="A",
                  burst=burst, today=TODAY)
    assert alone.level == "warning" and kinds(alone) == ["code_copied", "rating"]
    recalled = judge(recalls=[Recall()], lot_results=[Result(False)], serial_status="registered",
                     lot_given=True, lot_on_record=True, burst=burst, today=TODAY)
    assert recalled.level == "danger"
    assert kinds(recalled) == ["recall", "lot_failure", "code_copied"]
