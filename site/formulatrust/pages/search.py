"""Site search over enterprises, brands and products, through the search adapter."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from formulatrust.core import db
from formulatrust.core.extensions import limiter
from formulatrust.open_data.downloads import clean_text
from formulatrust.pages import search_follower
from formulatrust.publishing.bulletins.store import visible_slugs
from formulatrust.search import SearchError, query_index

bp = Blueprint("search", __name__, url_prefix="/search")
MAX_QUERY_LENGTH = 100
HIT_LINKS = {"enterprise": ("enterprises.detail", "slug"), "brand": ("brands.detail", "slug"),
             "result": ("results.detail", "result_id"), "article": ("learn.article", "slug"),
             "recall": ("recalls.detail", "recall_id"), "bulletin": ("bulletins.detail", "slug")}


def hit_url(hit) -> str:
    """Return the page a search hit leads to."""
    endpoint, parameter = HIT_LINKS[hit.kind]
    return url_for(endpoint, **{parameter: hit.key})


@bp.get("")
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"])
def index():
    """Search the index; a query that is too long or empty of words gets a clear answer."""
    query = clean_text(request.args.get("q", "")).strip()
    hits, error = [], None
    if len(query) > MAX_QUERY_LENGTH:
        error = "too_long"
    elif query:
        search_follower.follow()
        try:
            hits = query_index(current_app.config["SEARCH_INDEX_DIR"], query)
        except SearchError as exc:
            error = exc.code
    if any(hit.kind == "bulletin" for hit in hits):  # scheduled ones are indexed before due
        shown = visible_slugs(db.session(), (h.key for h in hits if h.kind == "bulletin"))
        hits = [hit for hit in hits if hit.kind != "bulletin" or hit.key in shown]
    links = [(hit, hit_url(hit)) for hit in hits]
    status = 400 if error else 200
    return render_template("search/index.html", query=query, links=links, error=error), status
