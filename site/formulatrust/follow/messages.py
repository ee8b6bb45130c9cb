"""The messages a follower receives, written in the follower's language: the confirmation
request and the alerts. Each becomes a row of the outbox."""

from __future__ import annotations

import secrets

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from formulatrust.core.config import site_origin
from formulatrust.core.outbox import MailDelivery
from formulatrust.follow.events import Event
from formulatrust.follow.models import FollowedItem
from formulatrust.follow.subscriptions import confirmation_token
from formulatrust.results.models import Recall
from formulatrust.results.recall_changes import status_name
from formulatrust.scan.links import gs1_path


def page_url(item: FollowedItem) -> str:
    return site_origin(current_app.config) + gs1_path(item.gtin, item.lot or None)


def item_links(item: FollowedItem) -> dict[str, str]:
    return {"page_url": page_url(item),
            "unsubscribe_url": url_for("follow.stop", token=item.token, _external=True),
            "manage_url": url_for("follow.manage", token=item.follower.token, _external=True)}


def confirmation(item: FollowedItem, product_name: str) -> MailDelivery:
    """The request to confirm following ``item``; nothing else is sent before it is answered."""
    link = url_for("follow.confirm",
                   token=confirmation_token(current_app.config["SECRET_KEY"], item),
                   _external=True)
    context = {"item": item, "product_name": product_name, "confirm_url": link,
               **item_links(item)}
    return delivery(item, f"confirm-{item.id}-{secrets.token_hex(6)}", "confirm", context)


def alert(item: FollowedItem, event: Event, change_id: int) -> MailDelivery:
    """The alert about ``event`` for the follower of ``item``, keyed by (change, item)."""
    with force_locale(item.follower.language):
        recall = event.record if event.kind == "recall" else None
        status = status_name(recall.status) if isinstance(recall, Recall) else ""
    context = {"item": item, "event": event, "record": event.record, "status": status,
               **item_links(item)}
    row = delivery(item, f"alert-{change_id}-{item.id}", "alert", context)
    row.change_id = change_id
    return row


def delivery(item: FollowedItem, key: str, template: str, context: dict) -> MailDelivery:
    with force_locale(item.follower.language):
        subject = render_template(f"follow/mail_{template}_subject.txt", **context).strip()
        text = render_template(f"follow/mail_{template}.txt", **context)
        html = render_template(f"follow/mail_{template}.html", subject=subject, **context)
    return MailDelivery(key=key, subscription_id=item.id, recipient=item.follower.email,
                        subject=subject, body_text=text, body_html=html,
                        unsubscribe_url=context["unsubscribe_url"])
