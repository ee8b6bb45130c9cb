"""Integrity records of enterprises: licences, certifications, penalties, inspections,
standards commitments and the enterprise's own replies."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from formulatrust.models import Base, Enterprise, _when

if TYPE_CHECKING:
    from formulatrust.models_accounts import User


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
    created_at: Mapped[datetime] = _when()

    enterprise: Mapped[Enterprise] = relationship()
