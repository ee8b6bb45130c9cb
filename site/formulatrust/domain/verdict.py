"""The verdict a product, batch or can page opens with: all the evidence, most severe first.

1. a recall covering the lot (ongoing or completed: a can from a recalled lot stays recalled;
   a withdrawn recall is only a note);
2. the regulator's non-compliant result for this lot (overturned on appeal: a note);
3. the code check: a serial that fails its signature or is not on record, a code whose query
   history shows a burst of devices (domain/genuine.py: it may be copied onto other cans), and
   an expiry date in the code (GS1 AI 17) that has passed or differs from the batch's
   best-before on record;
4. non-compliant results for the product in the last 24 months (a warning);
5. the maker's rating (information).

Evidence from the regulator always outranks the absence of trace data: a lot known only from a
sampling result is that lot, and its missing trace record never makes the can "possibly
counterfeit". Records are passed in as they are; only the attributes named below are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

LEVELS = ("danger", "warning", "note", "ok")  # most severe first
PRODUCT_WINDOW = timedelta(days=730)  # "the last 24 months"


class RecallLike(Protocol):
    status: str


class ResultLike(Protocol):
    compliant: bool
    overturned_on: date | None
    announced_on: date | None


@dataclass(frozen=True)
class Burst:
    """When more devices than one household has checked a can's code, and how many."""

    at: datetime
    devices: int


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: its kind, how severe it is, and the record it rests on."""

    kind: str
    level: str
    record: Any = None


@dataclass(frozen=True)
class Verdict:
    """The page's summary: the most severe level and every reason, most severe first."""

    level: str
    reasons: tuple[Reason, ...]

    @property
    def headline(self) -> Reason | None:
        """Return the reason the page leads with."""
        return self.reasons[0] if self.reasons else None


def judge(*, recalls: Sequence[RecallLike] = (), lot_results: Sequence[ResultLike] = (),
          serial_status: str | None = None, lot_given: bool = False,
          lot_on_record: bool = False, product_results: Sequence[ResultLike] = (),
          rating: Any = None, code_expiry: date | None = None,
          best_before: date | None = None, burst: Burst | None = None,
          today: date) -> Verdict:
    """Weigh the evidence about one product, lot and serial."""
    reasons: list[Reason] = []
    for recall in recalls:
        withdrawn = recall.status == "withdrawn"
        reasons.append(Reason("recall_withdrawn" if withdrawn else "recall",
                              "note" if withdrawn else "danger", recall))
    for result in lot_results:
        if not result.compliant:
            overturned = result.overturned_on is not None
            reasons.append(Reason("lot_failure_overturned" if overturned else "lot_failure",
                                  "note" if overturned else "danger", result))
    sampled = bool(lot_results)
    if lot_given and not lot_on_record:
        # The maker has not registered the lot; only without the regulator's word is that a
        # reason to doubt the can itself.
        reasons.append(Reason("lot_not_registered", "note" if sampled else "warning"))
    elif serial_status == "unknown":
        reasons.append(Reason("serial_unknown", "warning"))
    if burst is not None:
        reasons.append(Reason("code_copied", "warning", burst))
    if code_expiry is not None and code_expiry < today:
        reasons.append(Reason("code_expired", "warning", code_expiry))
    elif code_expiry is not None and best_before is not None and code_expiry != best_before:
        reasons.append(Reason("code_expiry_mismatch", "warning", (code_expiry, best_before)))
    recent = [r for r in product_results if not r.compliant and r.overturned_on is None
              and r.announced_on is not None and today - r.announced_on <= PRODUCT_WINDOW]
    if recent:
        reasons.append(Reason("product_failures", "warning", tuple(recent)))
    if rating is not None:
        reasons.append(Reason("rating", "ok", rating))
    reasons.sort(key=lambda reason: LEVELS.index(reason.level))  # stable: order kept within
    level = next((r.level for r in reasons if r.level in ("danger", "warning")), "ok")
    return Verdict(level=level, reasons=tuple(reasons))
