"""Recalls and the key-supervision list, with their downloads, API and feed."""

from __future__ import annotations

from datetime import timedelta, timezone

from flask import Blueprint, Response, abort, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from formulatrust.core import db
from formulatrust.core.i18n import atom_feed
from formulatrust.core.paging import page_number, requested_page
from formulatrust.enterprises.models import Brand, Product
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import page_links, page_message
from formulatrust.open_data.fields import RECALLS, SUPERVISION
from formulatrust.open_data.heavy import download_limit
from formulatrust.results import feeds, recall_changes
from formulatrust.results.models import Recall, ReviewProposal, SupervisionListing
from formulatrust.results.views import API_PAGE_SIZE, atom_response

bp = Blueprint("recalls", __name__, url_prefix="/recalls")
supervision = Blueprint("supervision", __name__, url_prefix="/supervision")
api = downloads.open_api_blueprint(Blueprint("recalls_api", __name__, url_prefix="/api/v1"))
SHANGHAI = timezone(timedelta(hours=8))
WITH_ENTERPRISE = joinedload(Recall.product).joinedload(Product.brand).joinedload(Brand.enterprise)


def recall_query():
    """Every recall, newest first, with its product, brand and enterprise."""
    return (select(Recall).options(WITH_ENTERPRISE)
            .order_by(Recall.announced_on.desc(), Recall.id.desc()))


def recent_recalls(limit: int | None = None) -> list[Recall]:
    """Return recalls, newest first, with their products, brands and enterprises."""
    query = recall_query()
    return list(db.session().scalars(query.limit(limit) if limit else query))


def recall_json(recall: Recall) -> dict:
    """Return one recall as published (the fields of ``RECALLS``)."""
    product, enterprise = recall.product, recall.product.brand.enterprise
    return {
        "id": recall.id, "announced_on": recall.announced_on.isoformat(), "gtin": product.gtin,
        "product_name_zh": product.name_zh, "product_name_en": product.name_en,
        "enterprise_slug": enterprise.slug, "enterprise_name_zh": enterprise.name_zh,
        "enterprise_name_en": enterprise.name_en, "lots": list(recall.lots or []),
        "reason_zh": recall.reason_zh, "reason_en": recall.reason_en,
        "action_zh": recall.action_zh, "action_en": recall.action_en,
        "source_url": recall.source_url or None, "status": recall.status,
        "status_reason": recall.status_reason, "level": recall.level, "version": recall.version,
        "permalink": url_for("recalls.detail", recall_id=recall.id, _external=True),
    }


@bp.get("")
@download_limit
def index():
    """List every recall, newest first (``?format=csv|json`` downloads them)."""
    requested_page(request.args)  # one page only; a bad number is still a 400
    fmt = downloads.requested_format()
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
    pages = max(1, -(-total // API_PAGE_SIZE))
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


def listing_json(listing: SupervisionListing) -> dict:
    """Return one key-supervision listing (the fields of ``SUPERVISION``)."""
    enterprise, product = listing.enterprise, listing.product
    return {
        "id": listing.id, "enterprise_slug": enterprise.slug,
        "enterprise_name_zh": enterprise.name_zh, "enterprise_name_en": enterprise.name_en,
        "gtin": product.gtin if product else None,
        "product_name_zh": product.name_zh if product else None,
        "product_name_en": product.name_en if product else None,
        "listed_on": listing.listed_on.isoformat(),
        "delisted_on": listing.delisted_on.isoformat() if listing.delisted_on else None,
        "listed": listing.delisted_on is None, "reason_zh": listing.reason_zh,
        "reason_en": listing.reason_en,
        "enterprise_url": url_for("enterprises.detail", slug=enterprise.slug, _external=True),
    }


@download_limit
def supervision_list() -> Response | str:
    """The key-supervision list: producers and products under closer watch after failures."""
    requested_page(request.args)  # one page only; a bad number is still a 400
    fmt = downloads.requested_format()
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


def supervision_listings() -> list[SupervisionListing]:
    """Every listing, those in force first, newest first, with enterprise and product."""
    return list(db.session().scalars(
        select(SupervisionListing)
        .options(joinedload(SupervisionListing.enterprise), joinedload(SupervisionListing.product))
        .order_by(SupervisionListing.delisted_on.is_not(None),
                  SupervisionListing.listed_on.desc(), SupervisionListing.id.desc())))


supervision.add_url_rule("", "index", supervision_list)
