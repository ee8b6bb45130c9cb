"""Integrity ratings: all enterprises by grade, the methodology, downloads, API and feed."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.core import db
from formulatrust.core.i18n import atom_feed
from formulatrust.domain import rating
from formulatrust.enterprises.models import Enterprise, Rating, StandardCommitment
from formulatrust.enterprises.rating_labels import cap_label, criterion_label, status_label
from formulatrust.enterprises.register import current_ratings, enterprise_json, filtered, read_args
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import atom_response
from formulatrust.open_data.fields import RATINGS
from formulatrust.open_data.heavy import download_limit
from formulatrust.results import feeds
from formulatrust.results.query import FilterError

bp = Blueprint("ratings", __name__)
bp.register_error_handler(FilterError, downloads.bad_filter)


@bp.get("/ratings")
@download_limit
def index():
    """All enterprises by grade, sortable and filterable (``?format=csv|json`` downloads)."""
    fmt = downloads.one_page_format()
    grade, district, sort = read_args()
    if fmt != "html":
        return ratings_download(fmt, grade, district, sort)
    rows = current_ratings()
    districts = sorted({e.district_zh for e, _ in rows})
    return render_template("ratings/index.html", rows=filtered(rows, grade, district, sort),
                           grade=grade, district=district, sort=sort, districts=districts)


@bp.get("/ratings/methodology")
def methodology():
    """How grades are reached: criteria, weights, evidence, caps and validity."""
    return render_template("ratings/methodology.html", weights=rating.WEIGHTS,
                           grades=rating.GRADES, version=rating.METHODOLOGY_VERSION)


def ratings_download(fmt: str, grade: str, district: str, sort: str) -> Response:
    """The ratings table as CSV (UTF-8 with BOM) or JSON, with the page's filters."""
    def records() -> list[dict]:
        return [enterprise_json(e, r) for e, r in
                filtered(current_ratings(), grade, district, sort)]
    return downloads.download(RATINGS, records, fmt, "ratings", envelope="enterprises")


@bp.get("/ratings.csv")
@download_limit
def as_csv():
    """Permalink for ``/ratings?format=csv``."""
    return ratings_download("csv", *read_args())


@bp.get("/ratings.json")
@download_limit
def as_json():
    """Permalink for ``/ratings?format=json``."""
    return ratings_download("json", *read_args())


@bp.get("/ratings/feed.atom")
@atom_feed
def feed():
    """Atom feed of rating changes, newest first."""
    ratings = db.session().scalars(
        select(Rating).options(selectinload(Rating.enterprise))
        .order_by(Rating.assessed_on.desc(), Rating.id.desc()).limit(50)).all()
    return atom_response("ratings/feed.atom",
                         **feeds.feed(feeds.dated_entries(ratings, "assessed_on")))


@bp.get("/standards")
def standards():
    """Enterprise standards stricter than the national ones, comparable on one page."""
    commitments = db.session().scalars(
        select(StandardCommitment).order_by(StandardCommitment.enterprise_id,
                                            StandardCommitment.effective_on.desc())).all()
    enterprises = {e.id: e for e in db.session().scalars(select(Enterprise))}
    return render_template("ratings/standards.html", commitments=commitments,
                           enterprises=enterprises)


bp.add_app_template_global(criterion_label)
bp.add_app_template_global(cap_label)
bp.add_app_template_global(status_label)
