"""Sampling results, their failed items and corrections, recalls and the key-supervision list."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, timestamp_column
from formulatrust.domain.web_address import is_web_address, web_addresses

if TYPE_CHECKING:
    from formulatrust.enterprises.models import Enterprise, Penalty, Product, Rating
    from formulatrust.publishing.models import User


RECALL_STATUSES = ("ongoing", "completed", "withdrawn")
RECALL_LEVELS = (1, 2, 3)


class Recall(Base):
    """A recall of a product, of some of its lots or of all of them."""

    __tablename__ = "recall"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    lots: Mapped[list] = mapped_column(JSON, default=list)  # empty: every lot
    announced_on: Mapped[date]
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    action_zh: Mapped[str] = mapped_column(Text)
    action_en: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="ongoing")  # RECALL_STATUSES
    # The level of the food recall measures (一级 most serious … 三级), when announced.
    level: Mapped[int | None] = mapped_column()
    status_reason: Mapped[str] = mapped_column(Text, default="")  # why withdrawn, and the like
    quantity_affected: Mapped[int | None] = mapped_column()  # cans, where known
    quantity_recovered: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Set when a regulator publishes the recall through the site (imports leave them empty).
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    product: Mapped[Product] = relationship()
    published_by: Mapped[User | None] = relationship("User")
    revisions: Mapped[list[RecallRevision]] = relationship(order_by="RecallRevision.version")

    @property
    def withdrawn(self) -> bool:
        """A recall the regulator withdrew: shown as a note, not as danger."""
        return self.status == "withdrawn"

    @property
    def english_complete(self) -> bool:
        """Tell whether the regulator gave both the reason and the advice in English."""
        return bool(self.reason_en and self.action_en)

    def covers(self, lot: str | None) -> bool:
        """Tell whether this recall covers ``lot`` (a recall without lots covers all)."""
        return not self.lots or lot in self.lots


class RecallRevision(Base):
    """A recall as it was before a regulator changed it: every version stays public."""

    __tablename__ = "recall_revision"
    __table_args__ = (UniqueConstraint("recall_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recall_id: Mapped[int] = mapped_column(ForeignKey("recall.id"), index=True)
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = timestamp_column()
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    replaced_by: Mapped[User | None] = relationship()


class SamplingResult(Base):
    """One regulator sampling result (抽检结果) as published."""

    __tablename__ = "sampling_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_no: Mapped[str] = mapped_column(String(60), default="", index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    enterprise_name: Mapped[str] = mapped_column(String(200), default="")
    enterprise_address: Mapped[str] = mapped_column(String(300), default="")
    sampled_unit: Mapped[str] = mapped_column(String(200), default="")
    sampled_unit_en: Mapped[str] = mapped_column(String(200), default="")  # where known
    sampled_unit_address: Mapped[str] = mapped_column(String(300), default="")
    # Category, subcategory and province hold the vocabulary entry's Chinese form when the
    # published text names one (so facets group one entry under one value), else the text as
    # published; the *_raw column keeps the published text when it differs.
    province: Mapped[str] = mapped_column(String(20), default="")
    province_raw: Mapped[str] = mapped_column(String(20), default="")
    product_name: Mapped[str] = mapped_column(String(200), default="")
    specification: Mapped[str] = mapped_column(String(100), default="")
    trademark: Mapped[str] = mapped_column(String(100), default="")
    production_date_or_lot: Mapped[str] = mapped_column(String(60), default="")
    lot: Mapped[str] = mapped_column(String(20), default="", index=True)
    produced_on: Mapped[date | None]
    category: Mapped[str] = mapped_column(String(100), default="")
    category_raw: Mapped[str] = mapped_column(String(100), default="")
    announcement_no: Mapped[str] = mapped_column(String(100), default="")
    announced_on: Mapped[date | None] = mapped_column(index=True)
    task_source: Mapped[str] = mapped_column(String(300), default="")
    lab: Mapped[str] = mapped_column(String(200), default="")
    lab_en: Mapped[str] = mapped_column(String(200), default="")  # where known
    note: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")  # "a ; b" for several
    compliant: Mapped[bool] = mapped_column(index=True)
    overturned_on: Mapped[date | None]  # the day an appeal overturned a non-compliant finding
    shelf_life: Mapped[str] = mapped_column(String(60), default="")
    subcategory: Mapped[str] = mapped_column(String(100), default="")
    subcategory_raw: Mapped[str] = mapped_column(String(100), default="")
    source_file: Mapped[str] = mapped_column(String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    product: Mapped[Product | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    revisions: Mapped[list[ResultRevision]] = relationship(order_by="ResultRevision.id")
    failed_items: Mapped[list[FailedItem]] = relationship(
        back_populates="result", order_by="FailedItem.id", cascade="all, delete-orphan"
    )

    @property
    def source_urls(self) -> list[str]:
        """The announcement and its reprints, each a web address that can be linked."""
        return [url for url in web_addresses(self.source_url or "") if is_web_address(url)]


class FailedItem(Base):
    """One failed test item of a non-compliant result: measured value against the limit."""

    __tablename__ = "failed_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("sampling_result.id"), index=True)
    item: Mapped[str] = mapped_column(String(200))  # the vocabulary entry's Chinese form
    item_raw: Mapped[str] = mapped_column(String(200), default="")  # as published, if different
    measured: Mapped[str] = mapped_column(String(200), default="")
    limit: Mapped[str] = mapped_column(String(300), default="")
    label_requirement: Mapped[str] = mapped_column(String(300), default="")

    result: Mapped[SamplingResult] = relationship(back_populates="failed_items")


class SupervisionListing(Base):
    """An entry on the key-supervision list (重点监管名单) after a failed result."""

    __tablename__ = "supervision_listing"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    listed_on: Mapped[date]
    delisted_on: Mapped[date | None]
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship()
    product: Mapped[Product | None] = relationship()


class ResultRevision(Base):
    """A published result as it was before a re-import corrected it."""

    __tablename__ = "result_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("sampling_result.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300), default="")
    replaced_at: Mapped[datetime] = timestamp_column()


REVIEW_STATUSES = ("pending", "confirmed", "declined")


class ReviewProposal(Base):
    """Something the site proposes and a regulator must confirm or decline with a reason:
    listing a product on the key-supervision list after a non-compliant result
    (``supervision_listing``), or re-assessing an enterprise's rating after a non-compliant
    result or a published penalty (``reassessment``, naming the one or the other)."""

    __tablename__ = "review_proposal"
    __table_args__ = (UniqueConstraint("kind", "result_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), default="supervision_listing")
    result_id: Mapped[int | None] = mapped_column(ForeignKey("sampling_result.id"), index=True)
    penalty_id: Mapped[int | None] = mapped_column(ForeignKey("penalty.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # the regulator's, when decided
    proposed_at: Mapped[datetime] = timestamp_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_listing.id"))
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("rating.id"))  # a re-assessment's

    result: Mapped[SamplingResult | None] = relationship()
    penalty: Mapped[Penalty | None] = relationship()
    rating: Mapped[Rating | None] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    product: Mapped[Product | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
