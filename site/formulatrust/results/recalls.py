"""Recalls and the key-supervision list, with their downloads, API and feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import func, select

from formulatrust.core import db
from formulatrust.core.i18n import atom_feed
from formulatrust.core.paging import page_count, page_number
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import API_PAGE_SIZE, atom_response, page_links, page_message
from formulatrust.open_data.fields import RECALLS, SUPERVISION
from formulatrust.open_data.heavy import download_limit
from formulatrust.results import feeds, recall_changes
from formulatrust.results.models import Recall, ReviewProposal
from formulatrust.results.recall_lists import (
    listing_json,
    recall_json,
    recall_query,
    recent_recalls,
    supervision_listings,
)

bp = Blueprint("recalls", __name__, url_prefix="/recalls")
supervision = Blueprint("supervision", __name__, url_prefix="/supervision")
api = downloads.open_api_blueprint(Blueprint("recalls_api", __name__, url_prefix="/api/v1"))


@bp.get("")
@download_limit
def index():
    """List every recall, newest first (``?format=csv|json`` downloads them)."""
    fmt = downloads.one_page_format()
    if fmt != "html":
        return downloads.download(RECALLS, lambda: map(recall_json, recent_recalls()), fmt,
                                  "recalls")
    return render_template("recalls/index.html", recalls=recent_recalls())


bp.add_app_template_global(recall_changes.status_name, "recall_status_name")
bp.add_app_template_global(recall_changes.level_name, "recall_level_name")
bp.add_app_template_global(recall_changes.field_name, "recall_field_name")


@bp.get("/<int:recall_id>")
def detail(recall_id: int):
    """Show one recall: what, which lots, why, and what to do."""
    recall = db.session().get(Recall, recall_id)
    if recall is None:
        abort(404)
    return render_template("recalls/detail.html", recall=recall,
                           history=recall_changes.history(recall))


@bp.get("/feed.atom")
@atom_feed
def feed():
    """Atom feed of recalls."""
    entries = feeds.recall_entries(db.session(), recent_recalls(50))
    return atom_response("recalls/feed.atom", **feeds.feed(entries))


@api.get("/recalls")
def api_recalls():
    """Recalls, 100 a page, newest first, with links to the other pages."""
    number = request.args.get("page") or "1"
    if page_number(number) is None:
        return downloads.api_error(400, downloads.lazy(page_message), parameter="page")
    session = db.session()
    total = session.scalar(select(func.count(Recall.id))) or 0
    pages = page_count(total, API_PAGE_SIZE)
    page = min(int(number), pages)
    recalls = session.scalars(recall_query().offset((page - 1) * API_PAGE_SIZE)
                              .limit(API_PAGE_SIZE)).all()
    return downloads.json_response({
        "total": total, "page": page, "pages": pages,
        "links": page_links("recalls_api.api_recalls", page, pages,
                            lambda n: {"page": str(n)} if n > 1 else {}),
        "licence": downloads.licence_url(),
        "recalls": [recall_json(r) for r in recalls]})


@api.get("/recalls/<int:recall_id>")
def api_recall(recall_id: int):
    """One recall by its stable id."""
    recall = db.session().scalars(recall_query().where(Recall.id == recall_id)).first()
    if recall is None:
        abort(404)
    return downloads.json_response(recall_json(recall))


@download_limit
def supervision_list() -> Response | str:
    """The key-supervision list: producers and products under closer watch after failures."""
    fmt = downloads.one_page_format()
    if fmt != "html":
        return downloads.download(SUPERVISION, lambda: map(listing_json, supervision_listings()),
                                  fmt, "key-supervision-list")
    listings = supervision_listings()
    return render_template("recalls/supervision.html", listings=listings,
                           regulator_reasons=regulator_reasons([x.id for x in listings]))


def regulator_reasons(listing_ids: list[int]) -> dict[int, str]:
    """Return the reason each regulator gave when confirming a listing, by listing: its
    English wording leaves out a reason written in Chinese, which English pages then show
    marked as Chinese."""
    if not listing_ids:
        return {}
    rows = db.session().execute(select(ReviewProposal.listing_id, ReviewProposal.reason)
                                .where(ReviewProposal.listing_id.in_(listing_ids)))
    return {listing_id: reason for listing_id, reason in rows if listing_id is not None}


supervision.add_url_rule("", "index", supervision_list)
