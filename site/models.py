"""Database models shared by every area of the site."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from formulatrust.models_accounts import User


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


def _when() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow)


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


class Batch(Base):
    """One production lot of one product; corrections keep the earlier versions."""

    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("product_id", "lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    factory_id: Mapped[int] = mapped_column(ForeignKey("factory.id"))
    lot: Mapped[str] = mapped_column(String(20))
    produced_on: Mapped[date]
    best_before: Mapped[date]
    milk_source: Mapped[dict] = mapped_column(JSON, default=dict)
    raw_materials: Mapped[list] = mapped_column(JSON, default=list)
    release_inspection: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(200), default="")
    issued_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    product: Mapped[Product] = relationship()
    factory: Mapped[Factory] = relationship()
    revisions: Mapped[list[BatchRevision]] = relationship(
        back_populates="batch", order_by="BatchRevision.version"
    )


class BatchRevision(Base):
    """An earlier version of a batch record, kept when the batch is corrected."""

    __tablename__ = "batch_revision"
    __table_args__ = (UniqueConstraint("batch_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    version: Mapped[int]
    data: Mapped[dict] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = _when()

    batch: Mapped[Batch] = relationship(back_populates="revisions")


class RegisteredSerial(Base):
    """A serial printed by the enterprise itself and registered by import."""

    __tablename__ = "registered_serial"

    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)


class CanQuery(Base):
    """Consumer query history of one can: first query, count, distinct devices today and before."""

    __tablename__ = "can_query"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    lot: Mapped[str] = mapped_column(String(20), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)
    first_at: Mapped[datetime] = _when()
    last_at: Mapped[datetime] = _when()
    count: Mapped[int] = mapped_column(default=0)
    devices: Mapped[int] = mapped_column(default=0)


class CanQueryDevice(Base):
    """A device seen querying a can, as a daily-salted hash (no IP, no user agent)."""

    __tablename__ = "can_query_device"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    lot: Mapped[str] = mapped_column(String(20), primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), primary_key=True)
    device: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_at: Mapped[datetime] = _when()


class Recall(Base):
    """A recall of a product, of some of its lots or of all of them."""

    __tablename__ = "recall"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    lots: Mapped[list] = mapped_column(JSON, default=list)  # empty: every lot
    announced_on: Mapped[date]
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    action_zh: Mapped[str] = mapped_column(Text)
    action_en: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(String(500), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Set when a regulator publishes the recall through the site (imports leave them empty).
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    product: Mapped[Product] = relationship()
    published_by: Mapped[User | None] = relationship("User")

    def covers(self, lot: str | None) -> bool:
        """Tell whether this recall covers ``lot`` (a recall without lots covers all)."""
        return not self.lots or lot in self.lots


class SamplingResult(Base):
    """One regulator sampling result (抽检结果) as published."""

    __tablename__ = "sampling_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_no: Mapped[str] = mapped_column(String(60), default="", index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    enterprise_name: Mapped[str] = mapped_column(String(200), default="")
    enterprise_address: Mapped[str] = mapped_column(String(300), default="")
    sampled_unit: Mapped[str] = mapped_column(String(200), default="")
    sampled_unit_address: Mapped[str] = mapped_column(String(300), default="")
    province: Mapped[str] = mapped_column(String(20), default="")
    product_name: Mapped[str] = mapped_column(String(200), default="")
    specification: Mapped[str] = mapped_column(String(100), default="")
    trademark: Mapped[str] = mapped_column(String(100), default="")
    production_date_or_lot: Mapped[str] = mapped_column(String(60), default="")
    lot: Mapped[str] = mapped_column(String(20), default="", index=True)
    produced_on: Mapped[date | None]
    category: Mapped[str] = mapped_column(String(100), default="")
    announcement_no: Mapped[str] = mapped_column(String(100), default="")
    announced_on: Mapped[date | None] = mapped_column(index=True)
    task_source: Mapped[str] = mapped_column(String(300), default="")
    lab: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    compliant: Mapped[bool] = mapped_column(index=True)
    shelf_life: Mapped[str] = mapped_column(String(60), default="")
    subcategory: Mapped[str] = mapped_column(String(100), default="")
    source_file: Mapped[str] = mapped_column(String(300), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    product: Mapped[Product | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    revisions: Mapped[list[ResultRevision]] = relationship(order_by="ResultRevision.id")
    failed_items: Mapped[list[FailedItem]] = relationship(
        back_populates="result", order_by="FailedItem.id", cascade="all, delete-orphan"
    )


class FailedItem(Base):
    """One failed test item of a non-compliant result: measured value against the limit."""

    __tablename__ = "failed_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("sampling_result.id"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    measured: Mapped[str] = mapped_column(String(200), default="")
    limit: Mapped[str] = mapped_column(String(300), default="")
    label_requirement: Mapped[str] = mapped_column(String(300), default="")

    result: Mapped[SamplingResult] = relationship(back_populates="failed_items")


class Rating(Base):
    """An integrity grade given to an enterprise; every assessment is kept as history."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    grade: Mapped[str] = mapped_column(String(2))
    assessed_on: Mapped[date]
    valid_until: Mapped[date]
    assessor: Mapped[str] = mapped_column(String(200))
    score: Mapped[float | None]
    criteria: Mapped[list | None] = mapped_column(JSON)  # [[name, weight, score, basis], …]
    capped_by: Mapped[list | None] = mapped_column(JSON)
    methodology: Mapped[str] = mapped_column(String(20), default="")
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship()


class SupervisionListing(Base):
    """An entry on the key-supervision list (重点监管名单) after a failed result."""

    __tablename__ = "supervision_listing"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    listed_on: Mapped[date]
    delisted_on: Mapped[date | None]
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)

    enterprise: Mapped[Enterprise] = relationship()
    product: Mapped[Product | None] = relationship()


class ProblemReport(Base):
    """A "report a problem with this can" submission, for regulators to triage."""

    __tablename__ = "problem_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    gtin: Mapped[str] = mapped_column(String(14))
    lot: Mapped[str] = mapped_column(String(20), default="")
    serial: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = _when()


class ResultRevision(Base):
    """A published result as it was before a re-import corrected it."""

    __tablename__ = "result_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("sampling_result.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300), default="")
    replaced_at: Mapped[datetime] = _when()
