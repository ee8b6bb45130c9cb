"""Brands: each brand with its enterprise and products."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust import db
from formulatrust.models import Brand

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
    return render_template("brands/detail.html", brand=brand)
