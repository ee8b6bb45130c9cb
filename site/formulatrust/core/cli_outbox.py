"""``flask --app wsgi outbox work [--once]``: fan alerts out of the change feed, then send
what is due, with retries and back-off; without ``--once`` it runs until stopped."""

from __future__ import annotations

import logging
import smtplib
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from formulatrust.core import db, mail, outbox

outbox_group = AppGroup("outbox", help="Messages waiting to be sent: alerts and confirmations.")
log = logging.getLogger(__name__)
IDLE_SECONDS = 5


@outbox_group.command("work")
@click.option("--once", is_flag=True, help="One pass (fan-out, then send what is due), then exit.")
def work(once: bool) -> None:
    """Fan alerts out of the change feed and send due messages."""
    while True:
        try:
            written, sent, failed = one_pass()
        except SQLAlchemyError:
            if once:
                raise
            log.warning("the outbox could not reach the database; trying again shortly")
            written = sent = failed = 0
        if once:
            click.echo(f"{written} alerts written, {sent} messages sent, {failed} failed.")
            return
        if not (written or sent):
            time.sleep(IDLE_SECONDS)


def one_pass() -> tuple[int, int, int]:
    from formulatrust.follow.alerts import fan_out  # the area that follows the feed

    # Alerts are rendered as pages are: with the site's own address and a request's context.
    with outbox.site_context(), db.transaction() as session:
        written = fan_out(session)
    sent = failed = 0
    with db.transaction() as session:
        for delivery in outbox.due(session):
            if send_one(delivery):
                sent += 1
            else:
                failed += 1
            session.commit()  # each message's outcome is kept at once
    return written, sent, failed


def send_one(delivery: outbox.MailDelivery) -> bool:
    """Send one delivery; mark it sent once the server accepted it, else schedule a retry."""
    config = current_app.config
    host = str(config["SITE_HOST"])
    message = mail.message(
        key=delivery.key, host=host,
        sender=config.get("MAIL_SENDER") or f"no-reply@{host.split(':')[0]}",
        recipient=delivery.recipient, subject=delivery.subject, text=delivery.body_text,
        html=delivery.body_html, unsubscribe_url=delivery.unsubscribe_url)
    try:
        mail.send(config, current_app.instance_path, message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("delivery %s failed: %s", delivery.key, type(error).__name__)
        outbox.mark_failed(delivery, type(error).__name__)
        return False
    outbox.mark_sent(delivery)
    return True
