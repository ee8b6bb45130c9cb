"""Site search over every kind of record, through the search adapter."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db, paging
from formulatrust.core.extensions import limiter
from formulatrust.open_data.downloads import clean_text
from formulatrust.pages import search_follower
from formulatrust.pages.site_search import (
    KINDS,
    BadSearch,
    Found,
    SearchRequest,
    find,
    result_summaries,
)
from formulatrust.search import SearchError

bp = Blueprint("search", __name__, url_prefix="/search")
MAX_QUERY_LENGTH = 100
HIT_LINKS = {"enterprise": ("enterprises.detail", "slug"), "brand": ("brands.detail", "slug"),
             "result": ("results.detail", "result_id"), "article": ("learn.article", "slug"),
             "recall": ("recalls.detail", "recall_id"), "bulletin": ("bulletins.detail", "slug")}

KIND_LABELS = {"result": _l("Sampling result"), "recall": _l("Recall"),
               "enterprise": _l("Enterprise"), "brand": _l("Brand"),
               "bulletin": _l("Bulletin"), "article": _l("Article")}
KIND_TABS = {"result": _l("Sampling results"), "recall": _l("Recalls"),
             "enterprise": _l("Enterprises"), "brand": _l("Brands"),
             "bulletin": _l("Bulletins"), "article": _l("Articles")}


def hit_url(hit) -> str:
    """Return the page a search hit leads to."""
    endpoint, parameter = HIT_LINKS[hit.kind]
    return url_for(endpoint, **{parameter: hit.key})


@bp.get("")
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"])
def index():
    """Search the index; a query that is too long or empty of words, an unknown kind or page
    gets a clear answer."""
    query = clean_text(request.args.get("q", "")).strip()
    search_request, found, error = SearchRequest(query), Found([]), None
    try:
        search_request = SearchRequest.from_args(query, request.args)
    except BadSearch as exc:
        error = exc.code
    if not error and len(query) > MAX_QUERY_LENGTH:
        error = "too_long"
    elif not error and query:
        search_follower.follow()
        try:
            found = find(db.session(), current_app.config["SEARCH_INDEX_DIR"], search_request)
        except SearchError as exc:
            error = exc.code
    links = [(hit, hit_url(hit)) for hit in found.hits]
    return render_template("search/index.html", query=query, links=links, found=found,
                           results=result_summaries(db.session(), found.hits),
                           search=search_request, kinds=KINDS, kind_labels=KIND_LABELS,
                           kind_tabs=KIND_TABS, error=error,
                           bad_page_message=paging.page_message()), \
        400 if error else 200
