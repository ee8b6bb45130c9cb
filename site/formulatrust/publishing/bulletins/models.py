"""Quality bulletins from industry associations: text, statistics, revisions and PDF files."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from formulatrust.core.clock import aware as _aware
from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, BilingualText, editor_column, timestamp_column
from formulatrust.publishing.models import User

STATUSES = ("draft", "published")
CONTENT_FIELDS = ("organisation_zh", "organisation_en", "title_zh", "title_en", "summary_zh",
                  "summary_en", "body_zh", "body_en", "statistics")




class Bulletin(BilingualText, Base):
    """A bulletin: bilingual Markdown (English optional), statistics tables, a publication time.

    A published bulletin is shown once ``publish_at`` has passed; visibility is worked out when
    it is read, so a scheduled bulletin appears on time without any timer.
    """

    __tablename__ = "bulletin"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("status = 'draft' OR publish_at IS NOT NULL", name="published_has_time"),
        Index("ix_bulletin_status_publish_at", "status", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)  # never changes once made
    # The publishing organisation; its names below are as they were when it was written.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"),
                                                        index=True)
    organisation_zh: Mapped[str] = mapped_column(String(200))
    organisation_en: Mapped[str] = mapped_column(String(200), default="")
    statistics: Mapped[list] = mapped_column(JSON, default=list)  # see domain.statistics.Table
    status: Mapped[str] = mapped_column(String(12), default="draft")
    publish_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    edited_by_id: Mapped[int | None] = editor_column()
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])
    revisions: Mapped[list[BulletinRevision]] = relationship(
        back_populates="bulletin", order_by="BulletinRevision.number",
        cascade="all, delete-orphan", passive_deletes=True)
    attachments: Mapped[list[BulletinAttachment]] = relationship(
        back_populates="bulletin", order_by="BulletinAttachment.id",
        cascade="all, delete-orphan", passive_deletes=True)

    @validates("publish_at")
    def _utc(self, _key: str, value: datetime | None) -> datetime | None:
        # SQLite keeps the wall time and drops the offset, so only UTC is ever stored.
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("publish_at must be timezone-aware")
        return value.astimezone(UTC)

    @property
    def published_at(self) -> datetime | None:
        """Return the publication time as an aware UTC datetime."""
        return _aware(self.publish_at)

    @property
    def last_changed(self) -> datetime:
        """Return when the text last changed, as an aware UTC datetime."""
        return _aware(self.updated_at)

    def is_visible(self, now: datetime | None = None) -> bool:
        """Tell whether readers see the bulletin at ``now``: published and due."""
        when = self.published_at
        return self.status == "published" and when is not None and when <= (now or utcnow())

    def is_scheduled(self, now: datetime | None = None) -> bool:
        """Tell whether the bulletin is published for a moment still to come."""
        when = self.published_at
        return self.status == "published" and when is not None and when > (now or utcnow())

    @property
    def has_english(self) -> bool:
        """Tell whether the English version was written (title, summary and text go together)."""
        return bool(self.title_en)

    def content(self) -> dict:
        """Return the fields a revision keeps."""
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


class BulletinRevision(BilingualText, Base):
    """An earlier version of a bulletin, kept when it was replaced: what it said, who, when."""

    __tablename__ = "bulletin_revision"
    __table_args__ = (UniqueConstraint("bulletin_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1 for the first version, counting up
    organisation_zh: Mapped[str] = mapped_column(String(200))
    organisation_en: Mapped[str] = mapped_column(String(200), default="")
    statistics: Mapped[list] = mapped_column(JSON, default=list)
    # Who wrote this version and when; whether readers could see it when it was replaced.
    edited_by_id: Mapped[int | None] = editor_column()
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_at: Mapped[datetime] = timestamp_column()
    public: Mapped[bool] = mapped_column(default=False)

    bulletin: Mapped[Bulletin] = relationship(back_populates="revisions")
    edited_by: Mapped[User | None] = relationship()

    @property
    def has_english(self) -> bool:
        return bool(self.title_en)

    @property
    def last_changed(self) -> datetime:
        return _aware(self.edited_at)


class BulletinAttachment(Base):
    """A PDF attached to a bulletin; the bytes live in the database so every node serves them."""

    __tablename__ = "bulletin_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(
        ForeignKey("bulletin.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # sanitised; escaped when shown
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = timestamp_column()

    bulletin: Mapped[Bulletin] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()
