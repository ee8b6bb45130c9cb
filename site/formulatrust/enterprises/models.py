"""Enterprises and what they make (brands, products, factories), their ratings and their
integrity records: licences, certifications, penalties, inspections, standards commitments
and the enterprise's own replies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.core.clock import utcnow
from formulatrust.core.models import Base, timestamp_column

if TYPE_CHECKING:
    from formulatrust.publishing.models import User


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


class Factory(Base):
    """A production site of an enterprise, with its own production licence."""

    __tablename__ = "factory"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    licence_no: Mapped[str] = mapped_column(String(16))
    address_zh: Mapped[str] = mapped_column(String(300))
    address_en: Mapped[str] = mapped_column(String(300))

    enterprise: Mapped[Enterprise] = relationship()


class Rating(Base):
    """An integrity grade given to an enterprise; every assessment is kept as history."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    grade: Mapped[str] = mapped_column(String(2))
    assessed_on: Mapped[date]
    valid_until: Mapped[date]
    assessor: Mapped[str] = mapped_column(String(200))
    assessor_en: Mapped[str] = mapped_column(String(200), default="")  # where known
    score: Mapped[float | None]
    criteria: Mapped[list | None] = mapped_column(JSON)  # [[name, weight, score, basis], …]
    capped_by: Mapped[list | None] = mapped_column(JSON)
    methodology: Mapped[str] = mapped_column(String(20), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship()


class Licence(Base):
    """A production licence event: granted, changed or renewed."""

    __tablename__ = "licence"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(10))  # granted, changed, renewed
    on: Mapped[date]
    valid_until: Mapped[date]
    scope_zh: Mapped[str] = mapped_column(String(300), default="")
    scope_en: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")


class Certification(Base):
    """A management-system certification (HACCP, ISO 22000, GMP …) with its validity."""

    __tablename__ = "certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date]
    valid_until: Mapped[date]


class Penalty(Base):
    """An administrative penalty decision, public for its legally required period."""

    __tablename__ = "penalty"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    decision_no: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date]
    facts_zh: Mapped[str] = mapped_column(Text)
    facts_en: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(300))
    amount_yuan: Mapped[float] = mapped_column(default=0)
    suspended_production: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="in_force")
    publish_until: Mapped[date]
    source_url: Mapped[str] = mapped_column(String(500), default="")
    # Set when a regulator publishes the penalty through the site (imports leave them empty).
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    published_by: Mapped[User | None] = relationship("User")


class Inspection(Base):
    """A regulator's inspection: scope, findings, and the rectification it required."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    inspected_on: Mapped[date]
    scope_zh: Mapped[str] = mapped_column(String(300))
    scope_en: Mapped[str] = mapped_column(String(300), default="")
    findings_zh: Mapped[str] = mapped_column(Text, default="")
    findings_en: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool] = mapped_column(default=True)
    rectify_by: Mapped[date | None]
    rectified_on: Mapped[date | None]
    source_url: Mapped[str] = mapped_column(String(500), default="")


class StandardCommitment(Base):
    """An enterprise standard stricter than the national one, with the indicators compared."""

    __tablename__ = "standard_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    effective_on: Mapped[date]
    # [{"name_zh", "name_en", "unit", "national", "enterprise"}]
    indicators: Mapped[list] = mapped_column(JSON, default=list)


class Reply(Base):
    """The enterprise's own dated response to a rating, penalty or result, and appeal status."""

    __tablename__ = "reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    target: Mapped[str] = mapped_column(String(10))  # rating, penalty, result
    target_id: Mapped[int]
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text, default="")
    appeal_status: Mapped[str] = mapped_column(String(12), default="none")
    replied_on: Mapped[date]
    created_at: Mapped[datetime] = timestamp_column()

    enterprise: Mapped[Enterprise] = relationship()


APPEAL_TARGETS = ("result", "penalty", "rating")
APPEAL_OUTCOMES = ("upheld", "partly", "overturned")


class Appeal(Base):
    """An enterprise's appeal against a result, penalty or rating: filed by the enterprise with
    its grounds, decided only by a regulator with a reason; the original is never hidden."""

    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    target: Mapped[str] = mapped_column(String(12))  # APPEAL_TARGETS
    target_id: Mapped[int] = mapped_column(index=True)
    grounds_zh: Mapped[str] = mapped_column(Text)
    grounds_en: Mapped[str] = mapped_column(Text, default="")
    filed_on: Mapped[date]
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(12), default="filed")  # or an APPEAL_OUTCOMES
    outcome_reason_zh: Mapped[str] = mapped_column(Text, default="")
    outcome_reason_en: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    enterprise: Mapped[Enterprise] = relationship()
