"""Who follows what: an address (kept only while it follows something) and its followed items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.models import Base, timestamp_column


class Follower(Base):
    """An e-mail address, the language its messages are written in, and its manage-page key."""

    __tablename__ = "follower"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    language: Mapped[str] = mapped_column(String(5))
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the manage page's key
    created_at: Mapped[datetime] = timestamp_column()

    items: Mapped[list[FollowedItem]] = relationship(
        back_populates="follower", cascade="all, delete-orphan", order_by="FollowedItem.id")


class FollowedItem(Base):
    """A batch (``lot`` set) or a whole product (``lot`` empty) followed by one address."""

    __tablename__ = "followed_item"
    __table_args__ = (UniqueConstraint("follower_id", "gtin", "lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("follower.id", ondelete="CASCADE"),
                                             index=True)
    gtin: Mapped[str] = mapped_column(String(14), index=True)
    lot: Mapped[str] = mapped_column(String(20), default="")
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the unsubscribe key
    created_at: Mapped[datetime] = timestamp_column()
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    follower: Mapped[Follower] = relationship(back_populates="items")


class FollowCursor(Base):
    """How far the alert fan-out has read the change feed."""

    __tablename__ = "follow_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_change_id: Mapped[int] = mapped_column(BigInteger)
