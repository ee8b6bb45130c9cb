"""Enterprises: every producer on record, with its brands and products."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust import db, integrity
from formulatrust.models import Brand, Enterprise

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")


@bp.get("")
def index():
    """List every enterprise by name."""
    enterprises = db.session().scalars(
        select(Enterprise).options(selectinload(Enterprise.brands)).order_by(Enterprise.slug)
    ).all()
    return render_template("enterprises/index.html", enterprises=enterprises)


@bp.get("/<slug>")
def detail(slug: str):
    """Show one enterprise's profile."""
    enterprise = db.session().scalars(
        select(Enterprise)
        .where(Enterprise.slug == slug)
        .options(selectinload(Enterprise.brands).selectinload(Brand.products))
    ).first()
    if enterprise is None:
        abort(404)
    return render_template("enterprises/detail.html", enterprise=enterprise,
                           profile=integrity.profile(db.session(), enterprise),
                           today=date.today())
