"""Following by e-mail: sign-up, confirmation (48 hours), unsubscribing and the purge.

An address is kept only while it follows something: unconfirmed items go after 48 hours,
an unsubscribed item at once, and the address with its last item.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.core.db import changed_rows, committing
from formulatrust.core.outbox import MAX_ATTEMPTS, MailDelivery
from formulatrust.follow.models import FollowedItem, Follower

CONFIRM_SECONDS = 48 * 3600
CONFIRM_SALT = "follow-confirm"


class TooManyItems(Exception):
    """The address already follows the most items allowed."""


def address_key(email: str) -> str:
    """A stand-in for an address in rate-limit counters and logs (never the address itself)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def ask_to_follow(session: Session, email: str, language: str, gtin: str, lot: str,
                  max_items: int, confirmation: Callable[[FollowedItem], MailDelivery]
                  ) -> FollowedItem:
    """Follow ``gtin``/``lot`` for ``email`` and queue ``confirmation(item)`` unless the item is
    confirmed already; commit. Raises TooManyItems (nothing written)."""
    with committing(session):
        item = follow(session, email, language, gtin, lot, max_items)
        if item.confirmed_at is None:
            session.add(confirmation(item))
    return item


def follow(session: Session, email: str, language: str, gtin: str, lot: str,
           max_items: int) -> FollowedItem:
    """Add (or find) the item ``gtin``/``lot`` for ``email``, unconfirmed until confirmed (the
    caller commits)."""
    follower = session.scalar(select(Follower).where(Follower.email == email))
    if follower is None:
        follower = Follower(email=email, language=language, token=secrets.token_urlsafe(32))
        session.add(follower)
        session.flush()
    follower.language = language
    item = session.scalar(select(FollowedItem).where(
        FollowedItem.follower_id == follower.id, FollowedItem.gtin == gtin,
        FollowedItem.lot == lot))
    if item is not None:
        return item
    count = session.scalar(select(func.count()).select_from(FollowedItem)
                           .where(FollowedItem.follower_id == follower.id)) or 0
    if count >= max_items:
        raise TooManyItems
    item = FollowedItem(follower_id=follower.id, gtin=gtin, lot=lot,
                        token=secrets.token_urlsafe(32))
    session.add(item)
    session.flush()
    return item


def confirmation_token(secret_key: str, item: FollowedItem) -> str:
    """The signed token of ``item``'s confirmation link."""
    return URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT).dumps(item.token)


def confirm(session: Session, secret_key: str, token: str) -> FollowedItem | None:
    """Confirm the item a link names; commit. None when the link expired, was altered or is
    unknown."""
    try:
        item_token = URLSafeTimedSerializer(secret_key, salt=CONFIRM_SALT).loads(
            token, max_age=CONFIRM_SECONDS)
    except BadSignature:
        return None
    with committing(session):
        item = session.scalar(select(FollowedItem).where(FollowedItem.token == str(item_token)))
        if item is not None and item.confirmed_at is None:
            item.confirmed_at = utcnow()
    return item


def item_by_token(session: Session, token: str) -> FollowedItem | None:
    """Return the followed item of a stop link's token, or None."""
    return session.scalar(select(FollowedItem).where(FollowedItem.token == token))


def follower_by_token(session: Session, token: str) -> Follower | None:
    """Return the address of a manage link's token, or None."""
    return session.scalar(select(Follower).where(Follower.token == token))


def stop(session: Session, item: FollowedItem) -> None:
    """Stop following ``item``: its unsent messages go, and the address with its last item;
    commit."""
    with committing(session):
        follower = item.follower
        session.execute(delete(MailDelivery).where(MailDelivery.subscription_id == item.id,
                                                   MailDelivery.sent_at.is_(None)))
        session.delete(item)
        session.flush()
        if not follower.items:
            session.delete(follower)


def purge(session: Session) -> tuple[int, int]:
    """Delete items left unconfirmed for 48 hours and addresses that follow nothing; commit.

    Returns (items deleted, addresses deleted).
    """
    with committing(session):
        return _purge(session)


def _purge(session: Session) -> tuple[int, int]:
    cutoff = utcnow() - timedelta(seconds=CONFIRM_SECONDS)
    stale = list(session.scalars(select(FollowedItem.id).where(
        FollowedItem.confirmed_at.is_(None), FollowedItem.created_at < cutoff)))
    session.execute(delete(MailDelivery).where(MailDelivery.subscription_id.in_(stale),
                                               MailDelivery.sent_at.is_(None)))
    items = changed_rows(session.execute(delete(FollowedItem).where(FollowedItem.id.in_(stale))))
    following = select(FollowedItem.follower_id)
    addresses = changed_rows(session.execute(delete(Follower).where(Follower.id.not_in(following))))
    # Sent messages (their address already emptied) and ones the worker gave up on.
    session.execute(delete(MailDelivery).where(or_(MailDelivery.sent_at < cutoff,
                                                   MailDelivery.attempts >= MAX_ATTEMPTS)))
    return int(items or 0), int(addresses or 0)
