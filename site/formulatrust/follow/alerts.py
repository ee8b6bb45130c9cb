"""The fan-out: read the change feed after the last id processed and write one outbox row per
confirmed follower concerned, in the same transaction as the new last id."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formulatrust.core.change_feed import Change
from formulatrust.core.outbox import MailDelivery
from formulatrust.follow import messages
from formulatrust.follow.events import Event, event_of_change
from formulatrust.follow.models import FollowCursor, FollowedItem

log = logging.getLogger(__name__)
CURSOR = "alerts"
BATCH = 500


def cursor(session: Session) -> FollowCursor:
    """The fan-out's place in the feed; a new one starts at the newest change (no old news)."""
    row = session.get(FollowCursor, CURSOR)
    if row is None:
        newest = session.scalar(select(func.max(Change.id))) or 0
        row = FollowCursor(name=CURSOR, last_change_id=newest)
        session.add(row)
        session.flush()
    return row


def fan_out(session: Session) -> int:
    """Write the deliveries for the next changes; return how many were written."""
    place = cursor(session)
    changes = list(session.scalars(select(Change).where(Change.id > place.last_change_id)
                                   .order_by(Change.id).limit(BATCH)))
    told: set[tuple[tuple[str, int], int]] = set()  # one message per record and item per pass
    written = 0
    for change in changes:
        event = event_of_change(session, change)
        if event is not None:
            written += write_deliveries(session, change.id, event, told)
        place.last_change_id = change.id
    return written


def write_deliveries(session: Session, change_id: int, event: Event,
                     told: set[tuple[tuple[str, int], int]]) -> int:
    items = session.scalars(select(FollowedItem).where(
        FollowedItem.gtin == event.product.gtin, FollowedItem.confirmed_at.is_not(None)))
    written = 0
    for item in items:
        if not event.concerns(item.gtin, item.lot) or (event.subject, item.id) in told:
            continue
        told.add((event.subject, item.id))
        exists = session.scalar(select(MailDelivery.id).where(
            MailDelivery.change_id == change_id, MailDelivery.subscription_id == item.id))
        if exists is None:
            session.add(messages.alert(item, event, change_id))
            written += 1
    log.info("change %s: %s alerts written", change_id, written)
    return written
