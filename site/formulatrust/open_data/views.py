"""Open data: the data dictionary page, the complete data files and their manifest, and the
OpenAPI description of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from formulatrust.core import db
from formulatrust.core.config import site_origin
from formulatrust.core.errors import render_error
from formulatrust.open_data import (
    dataset_markup,
    downloads,
    dumps,
    heavy,
    openapi,
    records_api,
)
from formulatrust.open_data.api_fields import API_DATASETS
from formulatrust.open_data.fields import DATASETS, TYPES
from formulatrust.results.query import MAX_DOWNLOAD

bp = Blueprint("open_data", __name__)
api = downloads.open_api_blueprint(Blueprint("open_data_api", __name__, url_prefix="/api/v1"))
records_api.register(api)
FILES_MAX_AGE = 300  # seconds a cache may reuse a data file or the manifest
PREPARING_RETRY_SECONDS = 60
PREPARING = _l("This file is being prepared. Try again in a minute.")
bp.add_app_template_global(downloads.current_licence, "data_licence")

# Where each dataset is published: its page (which takes ?format=), API and feeds. The
# enterprises' records and the statistics are published as complete files only.
PUBLISHED: dict[str, dict[str, Any]] = {
    "results": {"page": "results.index", "api": "results_api.api_results",
                "feeds": [("results.feed", {}), ("results.feed", {"compliant": "no"})]},
    "recalls": {"page": "recalls.index", "api": "recalls_api.api_recalls",
                "feeds": [("recalls.feed", {})]},
    "supervision": {"page": "supervision.index", "api": None, "feeds": []},
    "ratings": {"page": "ratings.index", "api": None, "feeds": [("ratings.feed", {})]},
    "enterprises": {"page": "enterprises.index", "api": "enterprises_api.api_enterprises",
                    "feeds": []},
    "industry_statistics": {"page": "industry.index", "api": "industry_api.api_figures",
                            "feeds": [("industry.feed", {})]},
}
NOT_LISTED: dict[str, Any] = {"page": None, "api": None, "feeds": []}


@bp.get("/data")
def dictionary():
    """Explain every downloadable field, list the complete files, the download, API and feed
    addresses, and the licence."""
    licence = downloads.current_licence()
    manifest = dumps.read_manifest(dumps.folder(current_app))
    markup = dataset_markup.datasets(db.session(), DATASETS,
                                     {slug: where["page"] for slug, where in PUBLISHED.items()},
                                     licence, list(dumps.entries(manifest).values()))
    return render_template("open_data/dictionary.html", datasets=DATASETS.values(),
                           api_datasets=API_DATASETS.items(),
                           published={slug: PUBLISHED.get(slug, NOT_LISTED)
                                      for slug in DATASETS},
                           files=[shown_file(e) for e in dumps.entries(manifest).values()],
                           types=TYPES, max_download=MAX_DOWNLOAD,
                           page_size=openapi.PAGE_SIZE, licence=licence, markup=markup)


def shown_file(entry: dict) -> dict:
    """A manifest entry as the page lists it."""
    return {**entry, "title": DATASETS[entry["dataset"]].title,
            "built_on": entry["built_at"][:10], "url": url_for(".data_file", name=entry["name"])}


def public_manifest(manifest: dict | None) -> dict:
    """The manifest as published: absolute addresses of the files, the licence."""
    files = [{**entry, "url": url_for(".data_file", name=entry["name"], _external=True)}
             for entry in dumps.entries(manifest).values()]
    return {"built_at": (manifest or {}).get("built_at"), "licence": downloads.licence_url(),
            "dictionary": url_for(".dictionary", _external=True), "files": files}


@bp.get("/data/manifest.json")
def manifest_file():
    """Every complete file with its size, rows, SHA-256, date and the change id it reflects."""
    response = downloads.json_response(public_manifest(dumps.follow()))
    response.cache_control.public = True
    response.cache_control.max_age = FILES_MAX_AGE
    return response


@bp.get("/data/<name>")
def data_file(name: str) -> Response:
    """One complete file, with ETag (its SHA-256), Last-Modified and range requests."""
    if name not in {dumps.file_name(slug, fmt) for slug in DATASETS for fmt in dumps.FORMATS}:
        abort(404)
    entry = dumps.entries(dumps.follow()).get(name)
    if entry is None:
        return preparing()
    wanted = request.range
    if wanted is not None and not request.if_range and \
            wanted.range_for_length(entry["size"]) is None:
        # Werkzeug would say so too, after opening the file (and leaving it to the collector).
        raise RequestedRangeNotSatisfiable(length=entry["size"])
    return send_data_file(entry)


def send_data_file(entry: dict) -> Response:
    """Send a built file in a heavy-request slot: it holds a thread as long as the client takes
    to read it."""
    path = dumps.stored_path(dumps.folder(current_app), entry)
    slot = heavy.take_slot()
    try:
        response = send_file(path, mimetype="application/gzip", as_attachment=True,
                             download_name=entry["name"], conditional=True, etag=entry["sha256"],
                             last_modified=datetime.fromisoformat(entry["built_at"]),
                             max_age=FILES_MAX_AGE)
    except FileNotFoundError:  # replaced twice since the manifest was read: ask again
        slot.release()
        return preparing()
    except BaseException:
        slot.release()
        raise
    # A passed-through file is handed to the server bare, and its close would not free the slot.
    response.direct_passthrough = False
    response.call_on_close(slot.release)
    return downloads.open_response(response)


def preparing() -> Response:
    """503: the file is not built yet on this node (a build has been started)."""
    response = render_error(503, PREPARING)
    response.headers["Retry-After"] = str(PREPARING_RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of every ``/api/v1`` route."""
    return downloads.json_response(openapi.document(
        site_origin(current_app.config) + request.script_root + "/",
        downloads.current_licence(),
        url_for("open_data.dictionary", _external=True)))
