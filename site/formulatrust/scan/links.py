"""Addresses on this site: absolute URLs, and the Digital Link path of a product, batch or can."""

from __future__ import annotations

from flask import current_app, request

from formulatrust.core.config import site_origin
from formulatrust.domain.gs1 import DigitalLink


def absolute(path: str) -> str:
    """Return ``path`` as an absolute URL on this site (its ``SITE_HOST``, never the request's)."""
    return site_origin(current_app.config) + request.script_root + path


def gs1_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """Return the canonical Digital Link path of a product, batch or can."""
    return DigitalLink(gtin, lot=lot, serial=serial).path()
