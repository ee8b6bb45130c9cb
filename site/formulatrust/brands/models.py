"""Brand showcases edited in the browser: every saved version, what is published, and waivers.

A showcase belongs to one brand. Each save adds a revision holding the whole text (the latest
is the working draft); publishing records the number of the revision that passed
the advertising-compliance checker, so later drafts never reach readers until published.
A published showcase takes the place of the brand's file in ``content/brands/``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.clock import aware, utcnow
from formulatrust.core.models import Base, BilingualText, editor_column, timestamp_column
from formulatrust.enterprises.models import Brand
from formulatrust.publishing.models import User

STATUSES = ("draft", "published")
CONTENT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en",
                  "photos", "events")




class Showcase(Base):
    """A brand's showcase: its status, its published version and who published it when."""

    __tablename__ = "showcase"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("status = 'draft' OR published_number IS NOT NULL",
                        name="published_has_revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id", ondelete="CASCADE"),
                                          unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published_number: Mapped[int | None]  # the number of the published revision
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    brand: Mapped[Brand] = relationship()
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    revisions: Mapped[list[ShowcaseRevision]] = relationship(
        back_populates="showcase", order_by="ShowcaseRevision.number",
        foreign_keys="ShowcaseRevision.showcase_id", cascade="all, delete-orphan",
        passive_deletes=True)
    waivers: Mapped[list[ShowcaseWaiver]] = relationship(
        back_populates="showcase", order_by="ShowcaseWaiver.id", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def draft(self) -> ShowcaseRevision | None:
        """Return the latest saved version (what the editor works on)."""
        return self.revisions[-1] if self.revisions else None

    @property
    def published_revision(self) -> ShowcaseRevision | None:
        """Return the version readers see, or None."""
        if self.status != "published":
            return None
        return next((each for each in self.revisions if each.number == self.published_number),
                    None)

    @property
    def is_published(self) -> bool:
        return self.status == "published" and self.published_number is not None

    @property
    def last_published(self) -> datetime | None:
        return aware(self.published_at)


class ShowcaseRevision(BilingualText, Base):
    """One saved version of a showcase: the whole text, who saved it and when."""

    __tablename__ = "showcase_revision"
    __table_args__ = (UniqueConstraint("showcase_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    showcase_id: Mapped[int] = mapped_column(ForeignKey("showcase.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1 for the first version, counting up
    # [{"src": "/static/…", "alt_zh": …, "alt_en": …}]
    photos: Mapped[list] = mapped_column(JSON, default=list)
    # [{"date": "2026-12-12", "title_zh", "title_en", "description_zh", "description_en"}]
    events: Mapped[list] = mapped_column(JSON, default=list)
    edited_by_id: Mapped[int | None] = editor_column()
    edited_at: Mapped[datetime] = timestamp_column()

    showcase: Mapped[Showcase] = relationship(back_populates="revisions",
                                              foreign_keys=[showcase_id])
    edited_by: Mapped[User | None] = relationship()

    @property
    def has_english(self) -> bool:
        return bool(self.title_en)

    @property
    def saved_at(self) -> datetime:
        return aware(self.edited_at)

    def content(self) -> dict:
        """Return the fields a version keeps."""
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


class ShowcaseWaiver(Base):
    """A regulator's decision that one phrase in one showcase does not break one rule."""

    __tablename__ = "showcase_waiver"
    __table_args__ = (UniqueConstraint("showcase_id", "rule", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    showcase_id: Mapped[int] = mapped_column(ForeignKey("showcase.id", ondelete="CASCADE"),
                                             index=True)
    rule: Mapped[str] = mapped_column(String(64))
    phrase: Mapped[str] = mapped_column(String(200))  # exactly as written
    reason: Mapped[str] = mapped_column(String(500))
    waived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    waived_at: Mapped[datetime] = timestamp_column()

    showcase: Mapped[Showcase] = relationship(back_populates="waivers")
    waived_by: Mapped[User | None] = relationship()
