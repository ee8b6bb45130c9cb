"""The record sets the API serves without a complete file: ratings history, bulletins, products,
batches, appeals and replies. Each is one SQL query ordered by id, paged with count, offset and
limit, so a page never reads more rows than it shows. Only facts the site's pages already show
are here: never a can's serial, a batch's issued-code count or who filed or decided an appeal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from formulatrust.enterprises.models import (
    Appeal,
    Brand,
    Enterprise,
    Factory,
    Product,
    Rating,
    Reply,
)
from formulatrust.open_data import api_fields
from formulatrust.open_data.dump_sources import plain
from formulatrust.open_data.fields import Dataset
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.publishing.bulletins.store import visible
from formulatrust.scan.links import absolute
from formulatrust.scan.models import Batch


@dataclass(frozen=True)
class RecordSet:
    """One record set: its dataset, its rows (a query ordered by id) and a row's record."""

    dataset: Dataset
    query: Callable[[], Select]
    record: Callable[[tuple], dict]

    def count(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(self.query().subquery())) or 0

    def page(self, session: Session, offset: int, limit: int) -> list[dict]:
        return [self.record(row) for row in session.execute(
            self.query().offset(offset).limit(limit))]


def columns(record: object, dataset: Dataset) -> dict:
    """The dataset's fields that are the record's own columns, as JSON has them."""
    return {f.key: plain(getattr(record, f.key)) for f in dataset.fields
            if not f.key.startswith("enterprise_") and hasattr(record, f.key)}


def of_enterprise(model: type[Any], dataset: Dataset) -> RecordSet:  # has enterprise_id
    """An enterprise's records of ``model`` with the enterprise's slug and names."""
    def query() -> Select:
        return (select(model, Enterprise).join(Enterprise, Enterprise.id == model.enterprise_id)
                .order_by(model.id))

    def record(row: tuple) -> dict:
        item, enterprise = row
        return {"enterprise_slug": enterprise.slug, "enterprise_name_zh": enterprise.name_zh,
                "enterprise_name_en": enterprise.name_en, **columns(item, dataset)}
    return RecordSet(dataset, query, record)


def page_link(*elements: str) -> str:
    """The absolute address of a product's or batch's page: ``/01/<gtin>[/10/<lot>]``."""
    return absolute("/01/" + "/".join(elements))


def bulletin_record(row: tuple) -> dict:
    bulletin = row[0]
    return {**columns(bulletin, api_fields.BULLETINS),
            "permalink": url_for("bulletins.detail", slug=bulletin.slug, _external=True)}


def product_record(row: tuple) -> dict:
    product, brand, enterprise = row
    return {**columns(product, api_fields.PRODUCTS), "brand_slug": brand.slug,
            "brand_name_zh": brand.name_zh, "brand_name_en": brand.name_en,
            "enterprise_slug": enterprise.slug, "permalink": page_link(product.gtin)}


def batch_record(row: tuple) -> dict:
    batch, gtin, factory = row
    return {"id": batch.id, "gtin": gtin, "lot": batch.lot,
            "produced_on": plain(batch.produced_on), "best_before": plain(batch.best_before),
            "factory_name_zh": factory.name_zh, "factory_name_en": factory.name_en,
            "factory_licence_no": factory.licence_no, "version": batch.version,
            "permalink": page_link(gtin, "10", batch.lot)}


RECORD_SETS = {
    "ratings": of_enterprise(Rating, api_fields.RATING_HISTORY),
    "bulletins": RecordSet(
        api_fields.BULLETINS, lambda: select(Bulletin).where(visible()).order_by(Bulletin.id),
        bulletin_record),
    "products": RecordSet(
        api_fields.PRODUCTS, lambda: select(Product, Brand, Enterprise)
        .join(Brand, Brand.id == Product.brand_id)
        .join(Enterprise, Enterprise.id == Brand.enterprise_id).order_by(Product.id),
        product_record),
    "batches": RecordSet(
        api_fields.BATCHES, lambda: select(Batch, Product.gtin, Factory)
        .join(Product, Product.id == Batch.product_id)
        .join(Factory, Factory.id == Batch.factory_id).order_by(Batch.id),
        batch_record),
    "appeals": of_enterprise(Appeal, api_fields.APPEALS),
    "replies": of_enterprise(Reply, api_fields.REPLIES),
}
