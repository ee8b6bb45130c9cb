"""Serving uploaded images.

Each width has an address made of the image's content hash and the width, so it never
changes meaning and is cached for a year as immutable.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from formulatrust.core import db
from formulatrust.images import store
from formulatrust.images.processing import EXTENSIONS

bp = Blueprint("images", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"


@bp.get("/images/<string(length=32):key>-<int:width>.<ext>")
def served(key: str, width: int, ext: str):
    """Send one width of an image, cached for a year (the address changes with the content)."""
    if ext not in EXTENSIONS:
        abort(404)
    found = store.variant(db.session(), key, width, ext)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=EXTENSIONS[ext])
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Content-Disposition"] = f'inline; filename="{key}-{width}.{ext}"'
    response.set_etag(f"{key}-{width}")
    return response.make_conditional(request)
