"""``/robots.txt`` and the sitemap (``/sitemap.xml``, an index of ``/sitemaps/…`` files), whose
addresses start with ``SITE_HOST`` whatever host a request named."""

from __future__ import annotations

from flask import Blueprint, Response, abort, stream_with_context, url_for

from formulatrust.core import db
from formulatrust.core.i18n import LANGUAGES
from formulatrust.domain import discovery
from formulatrust.pages import sitemap

bp = Blueprint("discovery", __name__)
CACHE = "public, max-age=3600"


@bp.get("/robots.txt")
def robots():
    """Let crawlers read the public pages, keep them out of private ones, name the sitemap."""
    text = discovery.robots_txt(url_for("discovery.sitemap_index", _external=True), LANGUAGES)
    return Response(text, mimetype="text/plain", headers={"Cache-Control": CACHE})


@bp.get("/sitemap.xml")
def sitemap_index():
    """The sitemap index: one file per kind of page and per 50,000 URLs."""
    files = sitemap.sitemap_files(db.session())
    return Response(sitemap.index_xml(files), mimetype="application/xml",
                    headers={"Cache-Control": CACHE})


@bp.get("/sitemaps/<kind>-<int:number>.xml")
def sitemap_file(kind: str, number: int):
    """One sitemap file, written as it is read from the database."""
    rows = sitemap.file_rows(db.session, kind, number)
    if rows is None:
        abort(404)
    return Response(stream_with_context(sitemap.urlset_xml(rows)), mimetype="application/xml",
                    headers={"Cache-Control": CACHE})
