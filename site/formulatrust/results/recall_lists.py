"""Recalls and key-supervision listings as published: newest first, with their products and
enterprises, for the pages, the API, the downloads and the complete data files."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from formulatrust.core import db
from formulatrust.enterprises.models import Brand, Product
from formulatrust.results.models import Recall, SupervisionListing

WITH_ENTERPRISE = joinedload(Recall.product).joinedload(Product.brand).joinedload(Brand.enterprise)


def recall_query() -> Select[Recall]:
    """Every recall, newest first, with its product, brand and enterprise."""
    return (select(Recall).options(WITH_ENTERPRISE)
            .order_by(Recall.announced_on.desc(), Recall.id.desc()))


def recent_recalls(limit: int | None = None) -> list[Recall]:
    """Return recalls, newest first, with their products, brands and enterprises."""
    query = recall_query()
    return list(db.session().scalars(query.limit(limit) if limit else query))


def recall_json(recall: Recall) -> dict:
    """Return one recall as published (the fields of ``RECALLS``)."""
    product, enterprise = recall.product, recall.product.brand.enterprise
    return {
        "id": recall.id, "announced_on": recall.announced_on.isoformat(), "gtin": product.gtin,
        "product_name_zh": product.name_zh, "product_name_en": product.name_en,
        "enterprise_slug": enterprise.slug, "enterprise_name_zh": enterprise.name_zh,
        "enterprise_name_en": enterprise.name_en, "lots": list(recall.lots or []),
        "reason_zh": recall.reason_zh, "reason_en": recall.reason_en,
        "action_zh": recall.action_zh, "action_en": recall.action_en,
        "source_url": recall.source_url or None, "status": recall.status,
        "status_reason": recall.status_reason, "level": recall.level, "version": recall.version,
        "permalink": url_for("recalls.detail", recall_id=recall.id, _external=True),
    }


def listing_json(listing: SupervisionListing) -> dict:
    """Return one key-supervision listing (the fields of ``SUPERVISION``)."""
    enterprise, product = listing.enterprise, listing.product
    return {
        "id": listing.id, "enterprise_slug": enterprise.slug,
        "enterprise_name_zh": enterprise.name_zh, "enterprise_name_en": enterprise.name_en,
        "gtin": product.gtin if product else None,
        "product_name_zh": product.name_zh if product else None,
        "product_name_en": product.name_en if product else None,
        "listed_on": listing.listed_on.isoformat(),
        "delisted_on": listing.delisted_on.isoformat() if listing.delisted_on else None,
        "listed": listing.delisted_on is None, "reason_zh": listing.reason_zh,
        "reason_en": listing.reason_en,
        "enterprise_url": url_for("enterprises.detail", slug=enterprise.slug, _external=True),
    }


def supervision_listings() -> list[SupervisionListing]:
    """Every listing, those in force first, newest first, with enterprise and product."""
    return list(db.session().scalars(
        select(SupervisionListing)
        .options(joinedload(SupervisionListing.enterprise), joinedload(SupervisionListing.product))
        .order_by(SupervisionListing.delisted_on.is_not(None),
                  SupervisionListing.listed_on.desc(), SupervisionListing.id.desc())))
