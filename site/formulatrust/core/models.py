"""The declarative base every area's models share, and the columns several of them repeat."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import DateTime, ForeignKey, MetaData, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from formulatrust.core.clock import utcnow


class Base(DeclarativeBase):
    """Declarative base with a naming convention Alembic can rely on."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )

    if TYPE_CHECKING:
        __table__: ClassVar[Table]  # each model maps one table (SQLAlchemy says FromClause)


def timestamp_column() -> Mapped[datetime]:
    """A timezone-aware column that defaults to now."""
    return mapped_column(DateTime(timezone=True), default=utcnow)


def editor_column() -> Mapped[int | None]:
    """The account that wrote a version (left empty when the account is deleted)."""
    return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class BilingualText:
    """A title, a summary and a body in Chinese, each with an optional English version."""

    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    summary_zh: Mapped[str] = mapped_column(String(500))
    summary_en: Mapped[str] = mapped_column(String(500), default="")
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
