"""Issuing signed codes from the enterprises' publishing page: the counters are reserved, the
label sheets made and the issue audited in one transaction, so a failure issues nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

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
Sheets = TypeVar("Sheets")


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
    batch, labels, archive = issue(user, product.gtin, lot, count, lang, fmt,
                                   lambda labels: issue_zip(labels, fmt))
    return IssuedCodes(batch, labels, archive)


def issue(user: User, gtin: str, lot: str, count: int, lang: str, fmt: str,
             make_sheets: Callable[[list[Label]], Sheets]
          ) -> tuple[Batch, list[Label], Sheets]:
    """Reserve ``count`` codes for a batch, make their sheets with ``make_sheets`` and audit the
    issue in one transaction: the web form (a ZIP) and ``codes issue`` (files) share it.

    Raises ``IssueError`` (nothing issued) when the batch is unknown or has too few serials left.
    """
    base = f"https://{current_app.config['SITE_HOST']}"
    with db.transaction() as session:
        batch, labels = codes.issue(session, gtin, lot, count, signing.signer(),
                                    signing.short_codes(), base, lang)
        sheets = make_sheets(labels)
        audit.record(session, user, "create", "code_issue", batch.id, {
            "enterprise": batch.product.brand.enterprise.slug, "gtin": gtin, "lot": batch.lot,
            "count": len(labels), "first_serial": labels[0].serial,
            "last_serial": labels[-1].serial, "format": fmt})
    return batch, labels, sheets
