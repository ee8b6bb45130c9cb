"""Recalls and the key-supervision list."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from formulatrust import db
from formulatrust.models import Brand, Product, Recall, SupervisionListing

bp = Blueprint("recalls", __name__, url_prefix="/recalls")
supervision = Blueprint("supervision", __name__, url_prefix="/supervision")


def recent_recalls(limit: int | None = None) -> list[Recall]:
    """Return recalls, newest first, with their products, brands and enterprises."""
    query = (select(Recall).options(joinedload(Recall.product).joinedload(Product.brand)
                                    .joinedload(Brand.enterprise))
             .order_by(Recall.announced_on.desc(), Recall.id.desc()))
    return list(db.session().scalars(query.limit(limit) if limit else query))


@bp.get("")
def index():
    """List every recall, newest first."""
    return render_template("recalls/index.html", recalls=recent_recalls())


@bp.get("/<int:recall_id>")
def detail(recall_id: int):
    """Show one recall: what, which lots, why, and what to do."""
    recall = db.session().get(Recall, recall_id)
    if recall is None:
        abort(404)
    return render_template("recalls/detail.html", recall=recall)


@bp.get("/feed.atom")
def feed():
    """Atom feed of recalls."""
    recalls = recent_recalls(50)
    xml = render_template("recalls/feed.atom", recalls=recalls,
                          updated=datetime.now(UTC).replace(microsecond=0))
    return Response(xml, mimetype="application/atom+xml")


def supervision_list():
    """The key-supervision list: producers and products under closer watch after failures."""
    listings = db.session().scalars(
        select(SupervisionListing).order_by(SupervisionListing.delisted_on.is_not(None),
                                            SupervisionListing.listed_on.desc())).all()
    return render_template("recalls/supervision.html", listings=listings)


supervision.add_url_rule("", "index", supervision_list)
