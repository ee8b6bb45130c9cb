"""Database models shared by every area of the site."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


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


class Enterprise(Base):
    """A producer of infant formula (生产企业)."""

    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    licence_no: Mapped[str] = mapped_column(String(16))
    district_zh: Mapped[str] = mapped_column(String(50))
    district_en: Mapped[str] = mapped_column(String(50))
    address_zh: Mapped[str] = mapped_column(String(300))
    address_en: Mapped[str] = mapped_column(String(300))
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    brands: Mapped[list[Brand]] = relationship(
        back_populates="enterprise", order_by="Brand.slug"
    )


class Brand(Base):
    """A brand sold by one enterprise."""

    __tablename__ = "brand"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship(back_populates="brands")
    products: Mapped[list[Product]] = relationship(
        back_populates="brand", order_by="Product.stage"
    )


class Product(Base):
    """A registered infant-formula product: one recipe, one stage, one GTIN."""

    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("gtin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), index=True)
    gtin: Mapped[str] = mapped_column(String(14))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    stage: Mapped[int]
    registration_no: Mapped[str] = mapped_column(String(40))
    net_content_g: Mapped[int]
    is_demo: Mapped[bool] = mapped_column(default=False)

    brand: Mapped[Brand] = relationship(back_populates="products")
