"""Issuing signed codes from the enterprises' publishing page: the counters are reserved, the
label sheets made and the issue audited in one transaction, so a failure issues nothing."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from formulatrust.core import db, signing
from formulatrust.domain.labels import Label, issue_zip
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.scan import codes
from formulatrust.scan.models import Batch

IssueError = codes.IssueError


@dataclass(frozen=True)
class IssuedCodes:
    """The batch codes were issued for, their labels and the ZIP archive of the sheets."""

    batch: Batch
    labels: list[Label]
    archive: bytes


def products_of(enterprise: Enterprise) -> dict[str, Product]:
    """The enterprise's products by GTIN, in GTIN order."""
    return {product.gtin: product for product in db.session().scalars(
        select(Product).join(Brand).where(Brand.enterprise_id == enterprise.id)
        .order_by(Product.gtin))}


def recent_lots(enterprise: Enterprise, limit: int) -> list[str]:
    """The lots of the enterprise's latest batches, newest first."""
    return list(db.session().scalars(
        select(Batch.lot).join(Product).join(Brand).where(Brand.enterprise_id == enterprise.id)
        .order_by(Batch.produced_on.desc(), Batch.id.desc()).limit(limit)))


def lot_on_record(product: Product, lot: str) -> bool:
    """Tell whether the product has a batch with ``lot`` on record."""
    return db.session().scalar(select(Batch.id).where(Batch.product_id == product.id,
                                                      Batch.lot == lot)) is not None


def issue_codes(user: User, enterprise: Enterprise, product: Product, lot: str, count: int,
                fmt: str, lang: str) -> IssuedCodes:
    """Issue ``count`` codes for a batch and return their label sheets in ``fmt``.

    Raises ``IssueError`` (nothing issued) when the batch has too few serials left.
    """
    base = f"https://{current_app.config['SITE_HOST']}"
    with db.transaction() as session:
        batch, labels = codes.issue(session, product.gtin, lot, count, signing.signer(),
                                    signing.short_codes(), base, lang)
        archive = issue_zip(labels, fmt)
        audit.record(session, user, "create", "code_issue", batch.id, {
            "enterprise": enterprise.slug, "gtin": product.gtin, "lot": batch.lot,
            "count": len(labels), "first_serial": labels[0].serial,
            "last_serial": labels[-1].serial, "format": fmt})
    return IssuedCodes(batch, labels, archive)
