"""Industry statistics: each release (an upload or a form), each figure's current value and
every value it ever had."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.models import Base, timestamp_column
from formulatrust.publishing.models import Organisation, User


class IndustryRelease(Base):
    """One publication of figures by an organisation: a file, a form or a command."""

    __tablename__ = "industry_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = timestamp_column()
    via: Mapped[str] = mapped_column(String(10))  # upload, form, command or demo
    filename: Mapped[str] = mapped_column(String(200), default="")
    created: Mapped[int] = mapped_column(default=0)
    corrected: Mapped[int] = mapped_column(default=0)
    first_period: Mapped[str] = mapped_column(String(7), default="")
    last_period: Mapped[str] = mapped_column(String(7), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship()
    published_by: Mapped[User | None] = relationship()


class IndustryFigure(Base):
    """A figure's current value; one per organisation, period, category, stage and measure."""

    __tablename__ = "industry_figure"
    __table_args__ = (UniqueConstraint("organisation_id", "period", "category_zh", "stage_zh",
                                       "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # 2026-03 or 2026-Q1
    category_zh: Mapped[str] = mapped_column(String(100))
    category_en: Mapped[str] = mapped_column(String(100), default="")
    stage_zh: Mapped[str] = mapped_column(String(100), default="")  # empty: all stages
    stage_en: Mapped[str] = mapped_column(String(100), default="")
    measure: Mapped[str] = mapped_column(String(20))  # a key of industry_figures.MEASURES
    unit: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(24))  # exact decimal text: 1250, 1250.5
    source_zh: Mapped[str] = mapped_column(String(300))
    source_en: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(default=1)
    release_id: Mapped[int] = mapped_column(ForeignKey("industry_release.id"), index=True)
    updated_at: Mapped[datetime] = timestamp_column()

    organisation: Mapped[Organisation] = relationship()
    release: Mapped[IndustryRelease] = relationship()
    versions: Mapped[list[IndustryFigureVersion]] = relationship(
        back_populates="figure", order_by="IndustryFigureVersion.version",
        cascade="all, delete-orphan", passive_deletes=True)


class IndustryFigureVersion(Base):
    """A value a figure had, kept for good: the first and every correction."""

    __tablename__ = "industry_figure_version"
    __table_args__ = (UniqueConstraint("figure_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    figure_id: Mapped[int] = mapped_column(
        ForeignKey("industry_figure.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    value: Mapped[str] = mapped_column(String(24))
    unit: Mapped[str] = mapped_column(String(10))
    source_zh: Mapped[str] = mapped_column(String(300))
    source_en: Mapped[str] = mapped_column(String(300), default="")
    release_id: Mapped[int] = mapped_column(ForeignKey("industry_release.id"), index=True)
    recorded_at: Mapped[datetime] = timestamp_column()

    figure: Mapped[IndustryFigure] = relationship(back_populates="versions")
    release: Mapped[IndustryRelease] = relationship()
