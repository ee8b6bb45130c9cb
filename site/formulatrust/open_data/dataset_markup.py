"""schema.org ``Dataset`` descriptions of the published datasets, for ``/data`` (JSON-LD), so
dataset search engines find each one with its licence, downloads and coverage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import QueryableAttribute, Session

from formulatrust.core.i18n import HTML_LANG, current_language
from formulatrust.domain.data_licences import DataLicence
from formulatrust.domain.feed_times import aware
from formulatrust.enterprises.models import (
    Certification,
    Enterprise,
    Inspection,
    Licence,
    Penalty,
    Rating,
)
from formulatrust.industry.models import IndustryFigure
from formulatrust.open_data.fields import Dataset
from formulatrust.publishing.bulletins.models import Bulletin
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
    "licences": (Licence.on, None),
    "certifications": (Certification.valid_from, None),
    "penalties": (Penalty.decided_on, None),
    "inspections": (Inspection.inspected_on, None),
    "statistics": (None, Bulletin.publish_at),
    "industry_statistics": (None, IndustryFigure.updated_at),
}
FORMATS = {"csv": "text/csv", "json": "application/json"}
# The complete data files: gzipped CSV and gzipped JSON Lines.
FILE_FORMATS = {"csv": "text/csv", "jsonl": "application/jsonl"}


def _span(session: Session, column: QueryableAttribute[Any] | None) -> tuple[Any, Any]:
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


def dataset(session: Session, data: Dataset, page: str | None, licence: DataLicence,
            files: list[dict[str, Any]]) -> dict:
    """Return one dataset as schema.org JSON-LD, named in the page language; its downloads are
    its complete files (``files``: manifest entries) and, where it has a page, that page's
    ``?format=`` downloads."""
    span, modified = coverage(session, data.slug)
    if modified is None and files:
        modified = min(entry["built_at"][:10] for entry in files)
    markup: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": str(data.title), "description": str(data.description),
        "inLanguage": HTML_LANG[current_language()],
        "url": url_for(page, _external=True) if page else url_for(
            "open_data.dictionary", _external=True, _anchor=data.slug),
        "@id": url_for("open_data.dictionary", _external=True, _anchor=data.slug),
        "license": licence.url, "isAccessibleForFree": True,
        "creator": organisation(), "publisher": organisation(),
        "distribution": [*(file_download(entry) for entry in files), *(
            {"@type": "DataDownload", "encodingFormat": mime,
             "contentUrl": url_for(page, format=fmt, _external=True)}
            for fmt, mime in FORMATS.items() if page)],
    }
    if span:
        markup["temporalCoverage"] = span
    if modified:
        markup["dateModified"] = modified
    return markup


def file_download(entry: dict[str, Any]) -> dict[str, Any]:
    """A complete data file as a schema.org ``DataDownload``."""
    return {"@type": "DataDownload", "encodingFormat": FILE_FORMATS[entry["format"]],
            "contentUrl": url_for("open_data.data_file", name=entry["name"], _external=True),
            "contentSize": f"{entry['size']} B", "dateModified": entry["built_at"][:10]}


def datasets(session: Session, published: Mapping[str, Dataset],
             pages: Mapping[str, str | None], licence: DataLicence,
             files: list[dict[str, Any]]) -> list[dict]:
    """Return one schema.org ``Dataset`` per published dataset."""
    return [dataset(session, data, pages.get(slug), licence,
                    [entry for entry in files if entry["dataset"] == slug])
            for slug, data in published.items()]
