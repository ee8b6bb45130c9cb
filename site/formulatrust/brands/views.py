"""Brands: each brand's showcase with its enterprise, events, open days and products."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.brands import showcases
from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.core.i18n import current_language
from formulatrust.enterprises.models import Brand, Certification, Rating
from formulatrust.images import pictures as picture_service
from formulatrust.open_days.display import when
from formulatrust.open_days.models import OpenDay

bp = Blueprint("brands", __name__, url_prefix="/brands")
OPEN_DAYS_SHOWN = 3


@bp.get("")
def index():
    """List every brand."""
    brands = db.session().scalars(
        select(Brand).options(selectinload(Brand.enterprise)).order_by(Brand.slug)
    ).all()
    return render_template("brands/index.html", brands=brands)


@bp.get("/<slug>")
def detail(slug: str):
    """Show one brand: its showcase (story, photos, events), open days and products."""
    brand = db.session().scalars(
        select(Brand)
        .where(Brand.slug == slug)
        .options(selectinload(Brand.enterprise), selectinload(Brand.products))
    ).first()
    if brand is None:
        abort(404)
    session = db.session()
    # A showcase published from the editor takes the place of the brand's file.
    published = showcases.published_for(session, brand.id)
    if published is not None:
        pictures = picture_service.pictures(showcases.image_keys(published.content()))
        showcase = showcases.present(published, current_language(), pictures)
        events = showcase[0].events
    else:
        library = current_app.extensions["formulatrust.content"]
        showcase = library.get("brands", slug, current_language())
        events = sorted(showcase[0].meta.get("events") or [], key=lambda event: event["date"],
                        reverse=True) if showcase else []
    rating = session.scalars(select(Rating).where(Rating.enterprise_id == brand.enterprise_id)
                             .order_by(Rating.assessed_on.desc())).first()
    certifications = session.scalars(select(Certification).where(
        Certification.enterprise_id == brand.enterprise_id)).all()
    open_days = session.scalars(
        select(OpenDay).options(selectinload(OpenDay.factory))
        .where(OpenDay.enterprise_id == brand.enterprise_id, OpenDay.starts_at > utcnow())
        .order_by(OpenDay.starts_at, OpenDay.id).limit(OPEN_DAYS_SHOWN)).all()
    return render_template("brands/detail.html", brand=brand, showcase=showcase,
                           events=events, rating=rating, certifications=certifications,
                           open_days=open_days, when=when,
                           published=published.showcase if published is not None else None)
