"""Enterprises: every producer on record, with its brands and products; downloads, API, feed."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from formulatrust.core import db
from formulatrust.core.clock import today_in_shanghai
from formulatrust.core.i18n import atom_feed, localized
from formulatrust.enterprises import appeals, integrity
from formulatrust.enterprises.models import Brand, Enterprise, Penalty, Rating
from formulatrust.enterprises.register import read_args, register
from formulatrust.open_data import downloads
from formulatrust.open_data.downloads import FEED_SIZE, atom_response
from formulatrust.open_data.fields import ENTERPRISES
from formulatrust.open_data.heavy import download_limit
from formulatrust.results import feeds
from formulatrust.results.filters import read_filters
from formulatrust.results.models import SamplingResult
from formulatrust.results.query import FilterError, conditions

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")
api = downloads.open_api_blueprint(Blueprint("enterprises_api", __name__, url_prefix="/api/v1"))
bp.register_error_handler(FilterError, downloads.bad_filter)
api.register_error_handler(FilterError, downloads.bad_filter)


@bp.get("")
@download_limit
def index():
    """List every enterprise by name (``?format=csv|json`` downloads the register)."""
    fmt = downloads.one_page_format()
    if fmt != "html":
        return downloads.download(ENTERPRISES, register, fmt, "enterprises")
    enterprises = db.session().scalars(
        select(Enterprise).options(selectinload(Enterprise.brands)).order_by(Enterprise.slug)
    ).all()
    return render_template("enterprises/index.html", enterprises=enterprises)


def find(slug: str, *options) -> Enterprise:
    """Return the enterprise with ``slug``, or answer 404."""
    enterprise = db.session().scalars(
        select(Enterprise).where(Enterprise.slug == slug).options(*options)).first()
    if enterprise is None:
        abort(404)
    return enterprise


@bp.get("/<slug>")
def detail(slug: str):
    """Show one enterprise's profile."""
    enterprise = find(slug, selectinload(Enterprise.brands).selectinload(Brand.products))
    profile = integrity.profile(db.session(), enterprise)
    session = db.session()
    penalty_ids = list(session.scalars(select(Penalty.id).where(
        Penalty.enterprise_id == enterprise.id)))
    rating_ids = list(session.scalars(select(Rating.id).where(
        Rating.enterprise_id == enterprise.id)))
    found = {**appeals.for_targets(session, "penalty", penalty_ids),
             **appeals.for_targets(session, "rating", rating_ids)}
    return render_template("enterprises/detail.html", enterprise=enterprise, profile=profile,
                           appeals=found, today=today_in_shanghai())


@bp.get("/<slug>/results.atom")
@atom_feed
def results_feed(slug: str):
    """Atom feed of one enterprise's newest results; the /results filters apply too.

    A result is the enterprise's when the import linked it, or when it names the enterprise.
    """
    enterprise = find(slug)
    filters, ids = read_filters()
    results = list(db.session().scalars(
        select(SamplingResult)
        .where(*conditions(filters, ids),
               or_(SamplingResult.enterprise_id == enterprise.id,
                   SamplingResult.enterprise_name == enterprise.name_zh))
        .options(selectinload(SamplingResult.failed_items))
        .order_by(SamplingResult.announced_on.desc(), SamplingResult.id.desc())
        .limit(FEED_SIZE)))
    args = filters.as_args(page=None)
    return atom_response(
        "results/feed.atom", filters=filters,
        **feeds.feed(feeds.result_entries(db.session(), results)),
        title=_("Sampling results: %(name)s", name=localized(enterprise, "name")),
        self_href=url_for("enterprises.results_feed", slug=slug, _external=True, **args),
        alternate_href=url_for("enterprises.detail", slug=slug, _external=True))


@api.get("/enterprises")
def api_enterprises():
    """Enterprises with their brands and current ratings; the /ratings filters apply."""
    grade, district, sort = read_args()
    return downloads.json_response({"enterprises": register(grade, district, sort),
                                    "licence": downloads.licence_url()})
