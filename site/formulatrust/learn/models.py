"""Learn articles: each article, and every version of it ever saved with its review."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.models import Base, timestamp_column
from formulatrust.publishing.models import User


class Article(Base):
    """One article: its address, the version readers see and when it is next due a review."""

    __tablename__ = "learn_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    # No foreign key: the version points back at its article, and one cycle is enough.
    published_version_id: Mapped[int | None] = mapped_column()
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    next_review_due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = timestamp_column()
    # Set when an editor or an administrator takes the article down; approving a version
    # publishes it again and clears them.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str] = mapped_column(String(500), default="")

    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.number", cascade="all, delete-orphan")
    waivers: Mapped[list[ArticleWaiver]] = relationship(
        back_populates="article", order_by="ArticleWaiver.id", cascade="all, delete-orphan")

    @property
    def published(self) -> ArticleVersion | None:
        return next((v for v in self.versions if v.id == self.published_version_id), None)

    @property
    def latest(self) -> ArticleVersion:
        return self.versions[-1]


class ArticleVersion(Base):
    """One saved version, never changed afterwards except to record its review."""

    __tablename__ = "learn_article_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("learn_article.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    topic: Mapped[str] = mapped_column(String(20))
    title_zh: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(200), default="")
    summary_zh: Mapped[str] = mapped_column(String(500), default="")
    summary_en: Mapped[str] = mapped_column(String(500), default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[list] = mapped_column(JSON, default=list)  # title, publisher, date, url
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    saved_at: Mapped[datetime] = timestamp_column()
    passed_checks: Mapped[bool] = mapped_column(default=False)  # the advertising rules
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept as they were on the day: a reviewer's later name or qualification changes nothing.
    reviewer_name: Mapped[str] = mapped_column(String(100), default="")
    reviewer_qualification: Mapped[str] = mapped_column(String(200), default="")
    reviewed_on: Mapped[date | None] = mapped_column(Date)

    article: Mapped[Article] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class ArticleWaiver(Base):
    """A regulator's decision that one phrase in one article does not break one rule."""

    __tablename__ = "learn_article_waiver"
    __table_args__ = (UniqueConstraint("article_id", "rule", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("learn_article.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(64))
    phrase: Mapped[str] = mapped_column(String(200))  # exactly as written
    reason: Mapped[str] = mapped_column(String(500))
    waived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    waived_by_name: Mapped[str] = mapped_column(String(100), default="")
    waived_at: Mapped[datetime] = timestamp_column()

    article: Mapped[Article] = relationship(back_populates="waivers")
