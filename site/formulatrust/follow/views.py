"""Following a batch or product: the Atom feeds, the sign-up page, confirmation, the manage
page and one-click unsubscribe. Kept apart from the cached can pages, which set no cookies."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.config import site_origin
from formulatrust.core.errors import render_error
from formulatrust.core.extensions import csrf, limiter
from formulatrust.core.i18n import atom_feed, current_language
from formulatrust.domain.gs1 import is_valid_gtin
from formulatrust.enterprises.models import Product
from formulatrust.follow import events, messages, subscriptions
from formulatrust.follow.forms import FollowForm
from formulatrust.open_data.downloads import atom_response
from formulatrust.scan.gs1_messages import malformed_qualifiers

bp = Blueprint("follow", __name__)
log = logging.getLogger(__name__)
PRIVATE = {"Cache-Control": "private, no-store"}
BAD_CONFIRMATION = _l("This confirmation link has expired or is not one we sent. "
                      "Nothing was changed; ask for a new link from the batch's page.")
UNKNOWN_LINK = _l("This link is not one we sent, or you have already stopped following. "
                  "Nothing was changed.")
TOO_MANY = _l("This address already follows 50 batches and products, the most allowed. "
              "Stop following one on the page linked in any of our messages first.")


def product_or_404(gtin: str) -> Product:
    product = events.product_by_gtin(db.session(), gtin) if is_valid_gtin(gtin) else None
    if product is None:
        abort(404)
    return product


@bp.get("/feeds/batches/<gtin>/<lot>.atom")
@atom_feed
def batch_feed(gtin: str, lot: str) -> Response:
    """The recalls and non-compliant results concerning one batch, as Atom. A well-formed lot
    not on record has a feed too: a can page offers to follow its lot before the maker's record
    or any finding exists, and the feed fills when one does."""
    product = product_or_404(gtin)
    if (refusal := malformed_qualifiers(lot=lot)) is not None:
        return refusal
    found = events.events_for(db.session(), product, lot)
    return feed_response(product, lot, found)


@bp.get("/feeds/products/<gtin>.atom")
@atom_feed
def product_feed(gtin: str) -> Response:
    """The recalls and non-compliant results concerning a product, as Atom."""
    product = product_or_404(gtin)
    found = events.events_for(db.session(), product)
    return feed_response(product, "", found)


def feed_response(product: Product, lot: str, found: list[events.Event]) -> Response:
    return atom_response("follow/feed.atom", product=product, lot=lot, events=found,
                         self_href=feed_url(product.gtin, lot),
                         site_origin=site_origin(current_app.config),
                         fallback_updated=datetime(2026, 1, 1, tzinfo=UTC))


def feed_url(gtin: str, lot: str) -> str:
    if lot:
        return url_for("follow.batch_feed", gtin=gtin, lot=lot, _external=True)
    return url_for("follow.product_feed", gtin=gtin, _external=True)


def address_limit_key() -> str:
    return "follow-address:" + subscriptions.address_key(request.form.get("email", ""))


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FOLLOW_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["FOLLOW_ADDRESS_RATE_LIMIT"], methods=["POST"],
               key_func=address_limit_key)
def follow():
    """Ask for an address and a language; send a confirmation link, nothing else yet."""
    form = FollowForm(request.form if request.method == "POST" else request.args)
    if request.method == "GET":
        form.language.data = form.language.data or current_language()
    product = product_or_404(form.gtin.data or "")
    lot = form.lot.data or ""
    if (refusal := malformed_qualifiers(lot=lot)) is not None:
        return refusal
    if request.method == "POST" and form.validate():
        email = (form.email.data or "").strip().lower()
        name = product.name_zh if form.language.data == "zh" else product.name_en
        try:
            subscriptions.ask_to_follow(
                db.session(), email, form.language.data, product.gtin, lot,
                int(current_app.config["FOLLOW_MAX_ITEMS"]),
                lambda item: messages.confirmation(item, name))
        except subscriptions.TooManyItems:
            return render_error(409, TOO_MANY)
        log.info("follow requested by address %s", subscriptions.address_key(email))
        return render_template("follow/check_mail.html", product=product, lot=lot), 200, PRIVATE
    status = 400 if request.method == "POST" else 200
    return render_template("follow/follow.html", form=form, product=product, lot=lot,
                           feed_url=feed_url(product.gtin, lot)), \
        status, PRIVATE


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """A confirmation link opens a page with one button (mail scanners only open links)."""
    if request.method == "GET":
        return render_template("follow/confirm.html", token=token), 200, PRIVATE
    item = subscriptions.confirm(db.session(), current_app.config["SECRET_KEY"], token)
    if item is None:
        return render_error(400, BAD_CONFIRMATION)
    manage_token = item.follower.token
    return render_template("follow/confirmed.html", item=item, manage_token=manage_token), \
        200, PRIVATE


@bp.route("/follow/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail program posts without a form of ours
def stop(token: str):
    """Stop following one item: a button on GET, done on POST (one-click from the message)."""
    session = db.session()
    item = subscriptions.item_by_token(session, token)
    if item is None:
        return render_error(404, UNKNOWN_LINK)
    if request.method == "GET":
        return render_template("follow/stop.html", item=item, token=token), 200, PRIVATE
    gtin, lot = item.gtin, item.lot
    subscriptions.stop(session, item)
    return render_template("follow/stopped.html", gtin=gtin, lot=lot), 200, PRIVATE


@bp.get("/follow/manage/<token>")
def manage(token: str):
    """Everything one address follows, each with a button to stop."""
    follower = subscriptions.follower_by_token(db.session(), token)
    if follower is None:
        return render_error(404, UNKNOWN_LINK)
    return render_template("follow/manage.html", follower=follower), 200, PRIVATE
