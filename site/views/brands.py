"""Brands: each brand with its enterprise and products."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust import db
from formulatrust.i18n import current_language
from formulatrust.models import Brand, Rating
from formulatrust.models_integrity import Certification

bp = Blueprint("brands", __name__, url_prefix="/brands")


@bp.get("")
def index():
    """List every brand."""
    brands = db.session().scalars(
        select(Brand).options(selectinload(Brand.enterprise)).order_by(Brand.slug)
    ).all()
    return render_template("brands/index.html", brands=brands)


@bp.get("/<slug>")
def detail(slug: str):
    """Show one brand with its products."""
    brand = db.session().scalars(
        select(Brand)
        .where(Brand.slug == slug)
        .options(selectinload(Brand.enterprise), selectinload(Brand.products))
    ).first()
    if brand is None:
        abort(404)
    library = current_app.extensions["formulatrust.content"]
    showcase = library.get("brands", slug, current_language())
    session = db.session()
    rating = session.scalars(select(Rating).where(Rating.enterprise_id == brand.enterprise_id)
                             .order_by(Rating.assessed_on.desc())).first()
    certifications = session.scalars(select(Certification).where(
        Certification.enterprise_id == brand.enterprise_id)).all()
    return render_template("brands/detail.html", brand=brand, showcase=showcase,
                           rating=rating, certifications=certifications)
