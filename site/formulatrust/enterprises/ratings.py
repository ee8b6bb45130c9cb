"""Integrity ratings: all enterprises by grade, the methodology, downloads, API and feed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.core import db
from formulatrust.core.i18n import atom_feed
from formulatrust.core.paging import requested_page
from formulatrust.domain import rating
from formulatrust.enterprises.models import Enterprise, Rating, StandardCommitment
from formulatrust.open_data import downloads
from formulatrust.open_data.fields import RATINGS
from formulatrust.open_data.heavy import download_limit
from formulatrust.results import feeds
from formulatrust.results.query import FilterError
from formulatrust.results.views import atom_response

bp = Blueprint("ratings", __name__)
SORTS = {"grade", "name", "district", "assessed"}
bp.register_error_handler(FilterError, downloads.bad_filter)


def current_ratings(brands: bool = False) -> list[tuple[Enterprise, Rating | None]]:
    """Every enterprise with its newest rating (and its brands, when asked)."""
    session = db.session()
    newest: dict[int, Rating] = {}
    for row in session.scalars(select(Rating).order_by(Rating.assessed_on, Rating.id)):
        newest[row.enterprise_id] = row
    query = select(Enterprise).order_by(Enterprise.slug)
    if brands:
        query = query.options(selectinload(Enterprise.brands))
    return [(e, newest.get(e.id)) for e in session.scalars(query)]


def filtered(rows, grade: str, district: str, sort: str):
    """Apply the grade and district filters and the sort order."""
    if grade:
        rows = [r for r in rows if r[1] and r[1].grade == grade]
    if district:
        rows = [r for r in rows if district in (r[0].district_zh, r[0].district_en)]
    keys = {"grade": lambda r: (r[1].grade if r[1] else "Z", -(r[1].score or 0) if r[1] else 0),
            "name": lambda r: r[0].slug, "district": lambda r: r[0].district_en,
            "assessed": lambda r: (r[1].assessed_on.toordinal() * -1 if r[1] else 0)}
    return sorted(rows, key=keys[sort])


def read_args() -> tuple[str, str, str]:
    """Return validated (grade, district, sort); FilterError (a 400) on anything else."""
    args = downloads.clean_args(request.args)
    grade = args.get("grade", "").strip()
    district = args.get("district", "")
    sort = args.get("sort", "").strip() or "grade"
    if grade not in ("", "A", "B", "C", "D"):
        raise FilterError("grade", "choice")
    if len(district) > 50:
        raise FilterError("district", "too_long")
    district = district.strip()
    if sort not in SORTS:
        raise FilterError("sort", "choice")
    return grade, district, sort


@bp.get("/ratings")
@download_limit
def index():
    """All enterprises by grade, sortable and filterable (``?format=csv|json`` downloads)."""
    requested_page(request.args)  # one page only; a bad number is still a 400
    fmt = downloads.requested_format()
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


def enterprise_json(enterprise: Enterprise, current: Rating | None,
                    register: bool = False) -> dict:
    """One enterprise and its current rating (``RATINGS``; with ``register``, ``ENTERPRISES``)."""
    body: dict[str, Any] = {
        "slug": enterprise.slug, "name": {"zh": enterprise.name_zh, "en": enterprise.name_en},
        "credit_code": enterprise.credit_code, "licence_no": enterprise.licence_no,
        "district": {"zh": enterprise.district_zh, "en": enterprise.district_en},
        "rating": None if current is None else {
            "grade": current.grade, "score": current.score,
            "assessed_on": current.assessed_on.isoformat(),
            "valid_until": current.valid_until.isoformat(), "assessor": current.assessor,
            "criteria": current.criteria, "capped_by": current.capped_by},
        "url": url_for("enterprises.detail", slug=enterprise.slug, _external=True),
    }
    if register:
        body["address"] = {"zh": enterprise.address_zh, "en": enterprise.address_en}
        body["brands"] = [{"slug": b.slug, "name": {"zh": b.name_zh, "en": b.name_en}}
                          for b in enterprise.brands]
    return body


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


CRITERIA = {
    "sampling": _l("Sampling record"), "penalties": _l("Administrative penalties"),
    "inspections": _l("Inspections and rectification"),
    "self_inspection": _l("Self-inspection reports"),
    "certifications": _l("Certifications"), "complaints": _l("Complaints handled"),
}
CAPS = {"serious_failure_12_months": _l("A serious sampling failure in the last 12 months "
                                        "limits the grade to C."),
        "production_suspended": _l("A penalty that suspended production limits the grade to C.")}
STATUSES = {"in_force": _l("in force"), "appealed": _l("under appeal"),
            "corrected": _l("corrected"), "overturned": _l("overturned on appeal"),
            "none": _l("no appeal"), "filed": _l("filed"), "upheld": _l("decision upheld"),
            "granted": _l("granted"), "changed": _l("changed"),
            "renewed": _l("renewed")}


@bp.app_template_global()
def criterion_label(name: str) -> str:
    """Return the reader-facing name of a rating criterion."""
    return str(CRITERIA.get(name, name))


@bp.app_template_global()
def cap_label(name: str) -> str:
    """Explain a grade cap."""
    return str(CAPS.get(name, name))


@bp.app_template_global()
def status_label(name: str) -> str:
    """Return the reader-facing name of a penalty or appeal status."""
    return str(STATUSES.get(name, name))
