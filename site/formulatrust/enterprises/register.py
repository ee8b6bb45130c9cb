"""The register of enterprises: each with its current rating, filtered and sorted as the
ratings page, the register download and the complete data files show them."""

from __future__ import annotations

from flask import request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise, Rating
from formulatrust.open_data import downloads
from formulatrust.results.query import FilterError

SORTS = {"grade", "name", "district", "assessed"}
RatedRow = tuple[Enterprise, Rating | None]  # an enterprise and its newest rating


def current_ratings(brands: bool = False) -> list[RatedRow]:
    """Every enterprise with its newest rating (and its brands, when asked)."""
    session = db.session()
    newest: dict[int, Rating] = {}
    for row in session.scalars(select(Rating).order_by(Rating.assessed_on, Rating.id)):
        newest[row.enterprise_id] = row
    query = select(Enterprise).order_by(Enterprise.slug)
    if brands:
        query = query.options(selectinload(Enterprise.brands))
    return [(e, newest.get(e.id)) for e in session.scalars(query)]


def filtered(rows: list[RatedRow], grade: str, district: str, sort: str) -> list[RatedRow]:
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


def enterprise_json(enterprise: Enterprise, current: Rating | None,
                    register: bool = False) -> dict:
    """One enterprise and its current rating (``RATINGS``; with ``register``, ``ENTERPRISES``)."""
    body: dict[str, object] = {
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


def register(grade: str = "", district: str = "", sort: str = "name") -> list[dict]:
    """Every enterprise with its brands and current rating, as JSON records."""
    rows = filtered(current_ratings(brands=True), grade, district, sort)
    return [enterprise_json(e, r, register=True) for e, r in rows]
