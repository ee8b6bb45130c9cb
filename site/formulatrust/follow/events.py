"""What a follower of a batch or product is told about: recalls covering it and non-compliant
sampling results of it, with corrections of either. Shared by the Atom feeds and the alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.change_feed import Change
from formulatrust.domain.feed_times import as_moment, aware
from formulatrust.enterprises.models import Product
from formulatrust.results.models import FailedItem, Recall, SamplingResult

# The change-feed kinds that can alert, and how each names the recall or result it is about.
PARENT_KEY = {"recall": "id", "recall_revision": "recall_id", "sampling_result": "id",
              "result_revision": "result_id", "failed_item": "id"}


@dataclass(frozen=True)
class Event:
    """A recall or a non-compliant result, as one feed entry or one alert."""

    kind: str  # "recall" or "result"
    record: Recall | SamplingResult
    product: Product
    lots: tuple[str, ...]  # the lots it concerns; empty: every lot of the product
    corrected: bool  # a correction (or a change of status or scope) of an earlier one

    @property
    def subject(self) -> tuple[str, int]:
        return (self.kind, self.record.id)

    @property
    def source_url(self) -> str:
        if isinstance(self.record, Recall):
            return self.record.source_url or ""
        return next(iter(self.record.source_urls), "")

    @property
    def published(self) -> datetime:
        """When the authority announced it (midnight in Shanghai), else when it changed."""
        day = self.record.announced_on
        return as_moment(day) if day else aware(self.updated)

    @property
    def updated(self) -> datetime:
        if isinstance(self.record, SamplingResult) and self.record.updated_at:
            return aware(self.record.updated_at)
        day = self.record.announced_on or datetime(2026, 1, 1, tzinfo=UTC).date()
        return datetime.combine(day, time(), tzinfo=UTC)

    def concerns(self, gtin: str, lot: str) -> bool:
        """Tell whether a follower of ``gtin`` (and ``lot``, "" for the product) is concerned."""
        return gtin == self.product.gtin and (not lot or not self.lots or lot in self.lots)


def recall_event(recall: Recall, corrected: bool) -> Event:
    return Event("recall", recall, recall.product, tuple(recall.lots or ()), corrected)


def result_event(result: SamplingResult, corrected: bool) -> Event | None:
    if result.product is None:
        return None
    lots = (result.lot,) if result.lot else ()
    return Event("result", result, result.product, lots, corrected)


def product_by_gtin(session: Session, gtin: str) -> Product | None:
    """Return the product with ``gtin``, or None."""
    return session.scalar(select(Product).where(Product.gtin == gtin))


def events_for(session: Session, product: Product, lot: str = "") -> list[Event]:
    """The recalls and non-compliant results of ``product`` (of ``lot`` when given), newest
    first: the entries of its feed."""
    recalls = session.scalars(select(Recall).where(Recall.product_id == product.id))
    results = session.scalars(select(SamplingResult).where(
        SamplingResult.product_id == product.id, SamplingResult.compliant.is_(False)))
    events = [recall_event(r, r.version > 1) for r in recalls]
    events += [e for r in results if (e := result_event(r, bool(r.revisions)))]
    return sorted((e for e in events if e.concerns(product.gtin, lot)),
                  key=lambda e: e.updated, reverse=True)


def event_of_change(session: Session, change: Change) -> Event | None:
    """The alert a change of the feed calls for, if any."""
    key = PARENT_KEY.get(change.kind)
    keys: dict[str, Any] = change.keys or {}
    if key is None or change.action == "delete" or not isinstance(keys.get(key), int):
        return None
    corrected = change.action == "update" or change.kind.endswith("_revision")
    if change.kind.startswith("recall"):
        recall = session.get(Recall, keys[key])
        return recall_event(recall, corrected) if recall else None
    result_id = keys[key]
    if change.kind == "failed_item":
        item = session.get(FailedItem, keys[key])
        result_id = item.result_id if item else None
    result = session.get(SamplingResult, result_id) if result_id else None
    if result is None or (result.compliant and not (corrected and was_non_compliant(result))):
        return None
    return result_event(result, corrected)


def was_non_compliant(result: SamplingResult) -> bool:
    """A result corrected from non-compliant to compliant still tells its followers."""
    return any(revision.data.get("compliant") is False for revision in result.revisions)
