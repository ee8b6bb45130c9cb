"""Publishing and changing recalls, shared by the publishing forms and ``flask --app wsgi recalls
publish|status``: each write is validated, committed with its audit entry (the change feed
records it in the same transaction, so every worker drops its cached pages of the product) and
put in site search, here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session, joinedload

from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.enterprises.models import Brand, Product
from formulatrust.pages.search_documents import recall_document
from formulatrust.publishing import audit
from formulatrust.publishing.forms import RecallForm
from formulatrust.publishing.indexing import index_documents
from formulatrust.publishing.models import User
from formulatrust.results import recall_changes
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.scan.models import Batch

RecallChangeError = recall_changes.RecallChangeError


def known_lots(session: Session, product_id: int, lots: Iterable[str]) -> set[str]:
    """Return which of ``lots`` the site knows for the product: a batch on record or a sampling
    result naming the lot."""
    wanted = list(lots)
    batches = select(Batch.lot).where(Batch.product_id == product_id, Batch.lot.in_(wanted))
    sampled = select(SamplingResult.lot).where(SamplingResult.product_id == product_id,
                                               SamplingResult.lot.in_(wanted))
    return set(session.scalars(union(batches, sampled)))


def checked_against_records(form: RecallForm) -> RecallForm:
    """Let ``form`` tell the lots the site has no record of, to ask for a confirmation."""
    form.known_lots = partial(known_lots, db.session())
    return form


def products_to_recall() -> list[Product]:
    """Every product, by GTIN, with its brand and enterprise (the recall form's choices)."""
    return list(db.session().scalars(
        select(Product).options(joinedload(Product.brand).joinedload(Brand.enterprise))
        .order_by(Product.gtin)))


def publish_recall(user: User, form: RecallForm) -> Recall:
    """Write the recall a validated ``form`` describes, commit it and add it to site search."""
    with db.transaction() as session:
        recall = Recall(product_id=int(form.product.data), lots=form.lot_list,
                        announced_on=form.announced_on.data, reason_zh=form.reason_zh.data,
                        reason_en=form.reason_en.data, action_zh=form.action_zh.data,
                        action_en=form.action_en.data, source_url=form.source_url.data,
                        published_at=utcnow(), published_by_id=user.id)
        session.add(recall)
        session.flush()
        audit.record(session, user, "publish", "recall", recall.id, {
            "product": recall.product.gtin, "lots": recall.lots or "all",
            "announced_on": recall.announced_on, "reason_zh": recall.reason_zh,
            "english": recall.english_complete,
            "unknown_lots_confirmed": form.unknown_lots, "source_url": recall.source_url})
    index_documents([recall_document(recall)])
    return recall


def change_recall(user: User | None, recall: Recall, values: dict[str, Any]) -> bool:
    """Change a recall's level, status or quantities, keeping the version it replaces.

    Commits with the audit entry; raises ``RecallChangeError`` (nothing written) for a change
    that cannot be made. Returns False when nothing changed.
    """
    with db.transaction() as session:
        return recall_changes.change(session, user, recall, values)
