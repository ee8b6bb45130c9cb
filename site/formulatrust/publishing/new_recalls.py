"""Publishing a recall, shared by the publishing form and ``flask --app wsgi recalls publish``:
the recall is written at once with the time and its author, audited and put in site search."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from flask import current_app
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.pages.search_documents import recall_document
from formulatrust.publishing import audit
from formulatrust.publishing.forms import RecallForm
from formulatrust.publishing.models import User
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.scan.models import Batch
from formulatrust.search import add_to_index, index_write


def known_lots(session: Session, product_id: int, lots: Iterable[str]) -> set[str]:
    """Return which of ``lots`` the site knows for the product: a batch on record or a sampling
    result naming the lot."""
    wanted = list(lots)
    batches = select(Batch.lot).where(Batch.product_id == product_id, Batch.lot.in_(wanted))
    sampled = select(SamplingResult.lot).where(SamplingResult.product_id == product_id,
                                               SamplingResult.lot.in_(wanted))
    return set(session.scalars(union(batches, sampled)))


def checked_against_records(session: Session, form: RecallForm) -> RecallForm:
    """Let ``form`` tell the lots the site has no record of, to ask for a confirmation."""
    form.known_lots = partial(known_lots, session)
    return form


def publish(session: Session, user: User, form: RecallForm) -> Recall:
    """Write the recall a validated ``form`` describes, commit it and add it to site search."""
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
    session.commit()  # every worker drops its cached pages of the product (see freshness)
    with index_write(f"recall {recall.id}"):
        add_to_index(current_app.config["SEARCH_INDEX_DIR"], [recall_document(recall)])
    return recall
