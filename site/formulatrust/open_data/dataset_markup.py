"""schema.org ``Dataset`` descriptions of the published datasets, for ``/data`` (JSON-LD), so
dataset search engines find each one with its licence, downloads and coverage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formulatrust.core.i18n import HTML_LANG, current_language
from formulatrust.domain.data_licences import DataLicence
from formulatrust.domain.feed_times import aware
from formulatrust.enterprises.models import Enterprise, Rating
from formulatrust.open_data.fields import Dataset
from formulatrust.results.models import (
    Recall,
    RecallRevision,
    SamplingResult,
    SupervisionListing,
)

# Per dataset: the column of the day each record is about, and of when records last changed.
COVERAGE = {
    "results": (SamplingResult.announced_on, SamplingResult.updated_at),
    "recalls": (Recall.announced_on, RecallRevision.replaced_at),
    "supervision": (SupervisionListing.listed_on, None),
    "ratings": (Rating.assessed_on, None),
    "enterprises": (None, Enterprise.updated_at),
}
FORMATS = {"csv": "text/csv", "json": "application/json"}


def _span(session: Session, column) -> tuple[Any, Any]:
    if column is None:
        return None, None
    return session.execute(select(func.min(column), func.max(column))).one()


def _as_day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def coverage(session: Session, slug: str) -> tuple[str | None, str | None]:
    """Return the dataset's ``temporalCoverage`` (first/last day) and ``dateModified``."""
    day_column, changed_column = COVERAGE[slug]
    first, last = _span(session, day_column)
    modified = _span(session, changed_column)[1]
    if isinstance(modified, datetime):
        modified = aware(modified)
    newest = max((d for d in (_as_day(modified), last) if d is not None), default=None)
    span = f"{first.isoformat()}/{last.isoformat()}" if first and last else None
    return span, newest.isoformat() if newest else None


def organisation() -> dict[str, str]:
    """The site as the schema.org organisation that compiles and publishes the data."""
    return {"@type": "Organization", "name": _("Shanghai Infant Formula Trust"),
            "url": url_for("main.home", _external=True)}


def dataset(session: Session, data: Dataset, page: str, licence: DataLicence) -> dict:
    """Return one dataset as schema.org JSON-LD, named in the page language."""
    span, modified = coverage(session, data.slug)
    markup: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": str(data.title), "description": str(data.description),
        "inLanguage": HTML_LANG[current_language()],
        "url": url_for(page, _external=True),
        "@id": url_for("open_data.dictionary", _external=True, _anchor=data.slug),
        "license": licence.url, "isAccessibleForFree": True,
        "creator": organisation(), "publisher": organisation(),
        "distribution": [{"@type": "DataDownload", "encodingFormat": mime,
                          "contentUrl": url_for(page, format=fmt, _external=True)}
                         for fmt, mime in FORMATS.items()],
    }
    if span:
        markup["temporalCoverage"] = span
    if modified:
        markup["dateModified"] = modified
    return markup


def datasets(session: Session, published: Mapping[str, Dataset], pages: Mapping[str, str],
             licence: DataLicence) -> list[dict]:
    """Return one schema.org ``Dataset`` per published dataset."""
    return [dataset(session, data, pages[slug], licence) for slug, data in published.items()]
