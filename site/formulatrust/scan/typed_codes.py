"""What a person typed or pasted from a can, turned into the can's canonical page, and the
products a problem report may name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from formulatrust.core import db, signing
from formulatrust.domain.gs1 import DigitalLink, Gs1Error, is_valid_gtin, parse_scan
from formulatrust.domain.shortcode import ShortCodeError, normalise
from formulatrust.enterprises.models import Product
from formulatrust.scan.gs1_messages import SHORT_CODE_MESSAGES, gs1_message
from formulatrust.scan.models import Batch

MAX_CODE_LENGTH = 200
SHORT_CODE_CHARS = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U")


class CodeError(ValueError):
    """A typed code that cannot be used, with the message to show."""


def resolve_typed(text: str) -> str:
    """Return the canonical path for what a person typed or pasted."""
    text = text.strip()
    if not text:
        raise CodeError(_l("Enter the code printed on the can."))
    if len(text) > MAX_CODE_LENGTH:
        raise CodeError(_l("That is too long to be a code from a can."))
    compact = normalise(text)
    if looks_like_short_code(compact):
        return short_code_path(compact)
    try:
        return parse_scan(compact if compact.isdigit() else text).path()
    except Gs1Error as error:
        raise CodeError(gs1_message(error.code, error.part)) from error


def looks_like_short_code(compact: str) -> bool:
    """Tell a short code (letters and digits, 12–16 long, not a GTIN) from other codes."""
    return (12 <= len(compact) <= 16 and set(compact) <= SHORT_CODE_CHARS
            and not (compact.isdigit() and is_valid_gtin(compact)))


def short_code_path(compact: str) -> str:
    """Return the can page a short code names, or raise CodeError saying what is wrong."""
    try:
        can = signing.short_codes().read(compact)
    except ShortCodeError as error:
        raise CodeError(SHORT_CODE_MESSAGES[error.code]) from error
    batch = db.session().get(Batch, can.batch_id)
    if batch is None or can.counter >= batch.issued_count:
        raise CodeError(SHORT_CODE_MESSAGES["forged"])
    product = db.session().get_one(Product, batch.product_id)
    serial = signing.signer().issue(product.gtin, batch.lot, can.counter)
    return DigitalLink(product.gtin, lot=batch.lot, serial=serial).path()


def product_with_gtin(gtin: str) -> Product | None:
    """Return the product with this GTIN, or None when the GTIN is malformed or unknown."""
    if not is_valid_gtin(gtin):
        return None
    return db.session().scalar(select(Product).where(Product.gtin == gtin))
