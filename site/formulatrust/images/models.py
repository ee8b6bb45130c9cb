"""Uploaded images and their encoded widths; the bytes live in the database so every node
serves them without a shared disk.

An image belongs to one owner (``owner_kind`` and ``owner_ref``: a brand's slug for a
showcase photo; articles can use the same store), and, for brands, to the enterprise whose
editors may upload and use it. The uploader declares that it shows no infant and no
comparison with breast milk; regulators review it afterwards and may reject it, which takes
it off every page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.models import Base, timestamp_column
from formulatrust.publishing.models import User

REVIEW_STATUSES = ("pending", "approved", "rejected")


class StoredImage(Base):
    """An uploaded image: owner, descriptions, the uploader's declaration, the review."""

    __tablename__ = "stored_image"
    __table_args__ = (
        CheckConstraint("review_status IN ('pending', 'approved', 'rejected')",
                        name="review_status"),
        CheckConstraint("declared_no_infant", name="declared"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # from the content's hash
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_ref: Mapped[str] = mapped_column(String(120))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    extension: Mapped[str] = mapped_column(String(5))
    width: Mapped[int]
    height: Mapped[int]
    alt_zh: Mapped[str] = mapped_column(String(200))
    alt_en: Mapped[str] = mapped_column(String(200))
    declared_no_infant: Mapped[bool] = mapped_column(Boolean)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = timestamp_column()
    review_status: Mapped[str] = mapped_column(String(10), default="pending")
    review_reason: Mapped[str] = mapped_column(String(500), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    variants: Mapped[list[ImageVariant]] = relationship(
        back_populates="image", order_by="ImageVariant.width", cascade="all, delete-orphan",
        passive_deletes=True)
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def address(self) -> str:
        """The address editors put in a showcase's photo slot."""
        return f"/images/{self.key}"

    @property
    def shown(self) -> bool:
        return self.review_status != "rejected"


class ImageVariant(Base):
    """One width of an image, encoded in the upload's format."""

    __tablename__ = "image_variant"
    __table_args__ = (UniqueConstraint("image_id", "width"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("stored_image.id", ondelete="CASCADE"))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    image: Mapped[StoredImage] = relationship(back_populates="variants")
