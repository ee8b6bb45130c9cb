"""Home page, footer pages and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from formulatrust.core import chrome, db
from formulatrust.core.content import FOOTER_PAGES
from formulatrust.core.demo_banner import demo_data_shown
from formulatrust.core.errors import RETRY_AFTER_SECONDS
from formulatrust.core.i18n import current_language
from formulatrust.open_data.downloads import current_licence
from formulatrust.publishing.bulletins.presenting import headline
from formulatrust.publishing.bulletins.store import latest as latest_bulletins
from formulatrust.results.models import SamplingResult
from formulatrust.results.recall_lists import recent_recalls

bp = Blueprint("main", __name__)



@bp.get("/")
def home():
    """Lead with the code on the can, then the latest recalls, results and bulletins."""
    key = ("home", current_language(), demo_data_shown())
    return chrome.cached_page(key, render_home)


def render_home() -> str:
    latest = db.session().scalars(
        select(SamplingResult).options(selectinload(SamplingResult.failed_items),
                                     selectinload(SamplingResult.product),
                                     selectinload(SamplingResult.enterprise))
        .order_by(SamplingResult.announced_on.desc(), SamplingResult.id.desc()).limit(5)).all()
    bulletins = [(each, headline(each)) for each in latest_bulletins(db.session(), 3)]
    return render_template("main/home.html", recalls=recent_recalls(3), results=latest,
                           bulletins=bulletins)


@bp.get("/<any(" + ", ".join(repr(slug) for slug in FOOTER_PAGES) + "):slug>")
def page(slug: str):
    """Show one of the footer pages from ``content/pages``."""
    found = current_app.extensions["formulatrust.content"].get("pages", slug, current_language())
    if found is None:
        abort(404)
    page, is_fallback = found
    licence = current_licence() if slug == "data-licence" else None
    return render_template("main/page.html", page=page, is_fallback=is_fallback, licence=licence)


@bp.get("/design")
def design():
    """Show every component of the stylesheet with sample text (not linked from navigation)."""
    return render_template("main/design.html")


@bp.get("/healthz")
def healthz():
    """Report 200 when the database answers, 503 when it does not."""
    try:
        db.session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: database unreachable")
        answer = jsonify(status="error", database="unreachable")
        answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer, 503
    return jsonify(status="ok", database="ok")
