"""Issue signed serials for a batch: the database side of ``flask --app wsgi codes issue``."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from formulatrust.domain.cancodes import MAX_COUNTER, ShortCodeBook
from formulatrust.domain.gs1 import DigitalLink
from formulatrust.domain.labels import Label
from formulatrust.domain.serials import SerialSigner
from formulatrust.enterprises.models import Product
from formulatrust.scan.models import Batch

MAX_PER_RUN = 100_000


class IssueError(ValueError):
    """The batch cannot have codes issued (unknown, or the counter range is exhausted)."""


def reserve(session: Session, gtin: str, lot: str, count: int) -> tuple[Batch, range]:
    """Reserve ``count`` new can counters for a batch, atomically, and return them."""
    if not 1 <= count <= MAX_PER_RUN:
        raise IssueError(f"count must be between 1 and {MAX_PER_RUN}")
    batch = session.scalars(
        select(Batch).join(Product).where(Product.gtin == gtin, Batch.lot == lot)
        .with_for_update()
    ).first()
    if batch is None:
        raise IssueError(f"no batch {lot} of product {gtin} is on record")
    start = batch.issued_count
    if start + count - 1 > MAX_COUNTER:
        raise IssueError("this batch has no serial numbers left to issue")
    session.execute(update(Batch).where(Batch.id == batch.id)
                    .values(issued_count=Batch.issued_count + count))
    return batch, range(start, start + count)


def labels(batch: Batch, counters: range, signer: SerialSigner, book: ShortCodeBook,
           base_url: str, lang: str = "zh") -> Iterator[Label]:
    """Yield the label of each reserved can: URI, short code, product name, lot, serial."""
    product = batch.product
    name = product.name_zh if lang == "zh" else product.name_en
    for counter in counters:
        serial = signer.issue(product.gtin, batch.lot, counter)
        link = DigitalLink(product.gtin, lot=batch.lot, serial=serial)
        yield Label(uri=base_url.rstrip("/") + link.path(),
                    short_code=book.make(batch.id, counter),
                    product_name=name, lot=batch.lot, serial=serial)


def issue(session: Session, gtin: str, lot: str, count: int, signer: SerialSigner,
          book: ShortCodeBook, base_url: str, lang: str = "zh") -> tuple[Batch, list[Label]]:
    """Reserve ``count`` codes for a batch and return their labels (the caller commits).

    Shared by ``flask --app wsgi codes issue`` and the enterprises' web form.
    """
    batch, counters = reserve(session, gtin, lot, count)
    return batch, list(labels(batch, counters, signer, book, base_url, lang))
