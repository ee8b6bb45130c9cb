"""The outbox: messages waiting to be sent, each sent once, retried with back-off.

A row is written in the transaction that decides to send it (a confirmation, an alert); the
worker (``flask --app wsgi outbox work``) delivers what is due and marks it sent once the mail
server has accepted it. An alert's row is keyed by (change, subscription), so a change is never
fanned out twice, and its ``Message-ID`` comes from that key, so a retry carries the same id.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta

from flask import current_app, has_request_context
from sqlalchemy import BigInteger, DateTime, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from formulatrust.core.clock import utcnow
from formulatrust.core.config import site_origin
from formulatrust.core.models import Base, timestamp_column

MAX_ATTEMPTS = 8
BACK_OFF_SECONDS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600)


class MailDelivery(Base):
    """One message to one address: written once, sent once."""

    __tablename__ = "mail_delivery"
    __table_args__ = (UniqueConstraint("change_id", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)  # the Message-ID's left part
    change_id: Mapped[int | None] = mapped_column(BigInteger)
    subscription_id: Mapped[int | None] = mapped_column(index=True)
    recipient: Mapped[str] = mapped_column(String(254))  # emptied once sent
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = timestamp_column()
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def site_context() -> AbstractContextManager:
    """A request context for writing messages outside a request (commands, the worker): links
    start with the site's own address, as they do in pages."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context("/", base_url=site_origin(current_app.config))


def due(session: Session, limit: int = 100) -> list[MailDelivery]:
    """The deliveries to try now, oldest first."""
    return list(session.scalars(
        select(MailDelivery).where(MailDelivery.sent_at.is_(None),
                                   MailDelivery.attempts < MAX_ATTEMPTS,
                                   MailDelivery.due_at <= utcnow())
        .order_by(MailDelivery.id).limit(limit)))


def mark_sent(delivery: MailDelivery) -> None:
    delivery.sent_at = utcnow()
    delivery.recipient = ""  # the address is not kept in what was sent


def mark_failed(delivery: MailDelivery, error: str) -> None:
    """Count a failed attempt and set when to try again."""
    delivery.attempts += 1
    delivery.last_error = error[:300]
    wait = BACK_OFF_SECONDS[min(delivery.attempts - 1, len(BACK_OFF_SECONDS) - 1)]
    delivery.due_at = utcnow() + timedelta(seconds=wait)
