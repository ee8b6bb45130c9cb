"""Open data: the data dictionary page and the OpenAPI description of the API."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from formulatrust.core import db
from formulatrust.core.config import site_origin
from formulatrust.open_data import dataset_markup, downloads, openapi
from formulatrust.open_data.fields import DATASETS, TYPES
from formulatrust.results.query import MAX_DOWNLOAD

bp = Blueprint("open_data", __name__)
api = downloads.open_api_blueprint(Blueprint("open_data_api", __name__, url_prefix="/api/v1"))
bp.add_app_template_global(downloads.current_licence, "data_licence")

# Where each dataset is published: its page (which takes ?format=), API and feeds.
PUBLISHED = {
    "results": {"page": "results.index", "api": "results_api.api_results",
                "feeds": [("results.feed", {}), ("results.feed", {"compliant": "no"})]},
    "recalls": {"page": "recalls.index", "api": "recalls_api.api_recalls",
                "feeds": [("recalls.feed", {})]},
    "supervision": {"page": "supervision.index", "api": None, "feeds": []},
    "ratings": {"page": "ratings.index", "api": None, "feeds": [("ratings.feed", {})]},
    "enterprises": {"page": "enterprises.index", "api": "enterprises_api.api_enterprises",
                    "feeds": []},
}


@bp.get("/data")
def dictionary():
    """Explain every downloadable field, the download, API and feed addresses, the licence."""
    licence = downloads.current_licence()
    markup = dataset_markup.datasets(db.session(), DATASETS,
                                     {slug: where["page"] for slug, where in PUBLISHED.items()},
                                     licence)
    return render_template("open_data/dictionary.html", datasets=DATASETS.values(),
                           published=PUBLISHED, types=TYPES, max_download=MAX_DOWNLOAD,
                           page_size=openapi.PAGE_SIZE, licence=licence, markup=markup)


@api.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of every ``/api/v1`` route."""
    return downloads.json_response(openapi.document(
        site_origin(current_app.config) + request.script_root + "/",
        downloads.current_licence(),
        url_for("open_data.dictionary", _external=True)))
