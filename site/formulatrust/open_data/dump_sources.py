"""What the complete data files hold: for each dataset its records, read a chunk at a time,
and the kinds of change-feed rows (tables) that make its file out of date."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.clock import rfc3339
from formulatrust.enterprises.models import (
    Certification,
    Enterprise,
    Inspection,
    Licence,
    Penalty,
)
from formulatrust.enterprises.register import current_ratings, enterprise_json, register
from formulatrust.industry import query as industry
from formulatrust.open_data import fields
from formulatrust.open_data.fields import Dataset
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.publishing.bulletins.store import visible
from formulatrust.results.query import CHUNK, Filters, stream
from formulatrust.results.recall_lists import (
    listing_json,
    recall_json,
    recall_query,
    supervision_listings,
)
from formulatrust.results.records import full_json

Records = Callable[[Session], Iterable[dict]]


@dataclass(frozen=True)
class Source:
    """One complete file: its dataset, where its records come from, what makes it stale."""

    dataset: Dataset
    records: Records
    kinds: frozenset[str]

    @property
    def slug(self) -> str:
        return self.dataset.slug


def results(session: Session) -> Iterator[dict]:
    return (full_json(result) for result in stream(session, Filters(), None, limit=None))


def recalls(session: Session) -> Iterator[dict]:
    query = recall_query().execution_options(yield_per=CHUNK)
    return (recall_json(recall) for recall in session.scalars(query))


def supervision(_session: Session) -> Iterator[dict]:
    return map(listing_json, supervision_listings())


def ratings(_session: Session) -> Iterator[dict]:
    return (enterprise_json(enterprise, rating) for enterprise, rating in current_ratings())


def enterprises(_session: Session) -> Iterable[dict]:
    return register()


def plain(value: object) -> object:
    """Return a column's value as JSON has it (dates as ISO 8601)."""
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def field_value(record: object, key: str) -> object:
    """A record's value as JSON has it; an unknown source address is null, not ""."""
    value = plain(getattr(record, key))
    return value or None if key == "source_url" else value


def enterprise_records(model: type[Any], dataset: Dataset) -> Records:  # has enterprise_id
    """Records of an enterprise's ``model`` (licences, penalties …), oldest first."""
    own = [f.key for f in dataset.fields if not f.key.startswith("enterprise_")]

    def records(session: Session) -> Iterator[dict]:
        query = (select(model, Enterprise).join(Enterprise, Enterprise.id == model.enterprise_id)
                 .order_by(model.id).execution_options(yield_per=CHUNK))
        for record, enterprise in session.execute(query):
            yield {"enterprise_slug": enterprise.slug, "enterprise_name_zh": enterprise.name_zh,
                   "enterprise_name_en": enterprise.name_en,
                   **{key: field_value(record, key) for key in own}}
    return records


def statistics(session: Session) -> Iterator[dict]:
    """One record per figure of every statistics table of the published bulletins."""
    query = select(Bulletin).where(visible()).order_by(Bulletin.publish_at, Bulletin.id)
    for bulletin in session.scalars(query):
        about = {"bulletin_slug": bulletin.slug, "organisation_zh": bulletin.organisation_zh,
                 "organisation_en": bulletin.organisation_en,
                 "bulletin_title_zh": bulletin.title_zh, "bulletin_title_en": bulletin.title_en,
                 "published_at": plain(bulletin.published_at),
                 "bulletin_url": url_for("bulletins.detail", slug=bulletin.slug,
                                         _external=True)}
        for number, table in enumerate(bulletin.statistics or [], 1):
            for row in table["rows"]:
                for series, value in zip(table["series"], row["values"], strict=False):
                    yield {**about, "table": number, "table_title_zh": table.get("title_zh", ""),
                           "table_title_en": table.get("title_en", ""),
                           "period_heading": table["period"], "period": row["period"],
                           "series": series, "value": value}


def industry_statistics(session: Session) -> Iterator[dict]:
    """Every industry figure at its current value (each record's page lists the earlier ones)."""
    return map(industry.figure_json, session.scalars(industry.figures_query(industry.Filters())))


OF_ENTERPRISE = frozenset({"enterprise"})
SOURCES = (
    Source(fields.RESULTS, results, frozenset({"sampling_result", "failed_item"})),
    Source(fields.RECALLS, recalls,
           frozenset({"recall", "recall_revision", "product", "brand", "enterprise"})),
    Source(fields.SUPERVISION, supervision,
           frozenset({"supervision_listing", "product", "enterprise"})),
    Source(fields.RATINGS, ratings, frozenset({"rating", "enterprise"})),
    Source(fields.ENTERPRISES, enterprises, frozenset({"enterprise", "brand", "rating"})),
    Source(fields.LICENCES, enterprise_records(Licence, fields.LICENCES),
           OF_ENTERPRISE | {"licence"}),
    Source(fields.PENALTIES, enterprise_records(Penalty, fields.PENALTIES),
           OF_ENTERPRISE | {"penalty"}),
    Source(fields.INSPECTIONS, enterprise_records(Inspection, fields.INSPECTIONS),
           OF_ENTERPRISE | {"inspection"}),
    Source(fields.CERTIFICATIONS, enterprise_records(Certification, fields.CERTIFICATIONS),
           OF_ENTERPRISE | {"certification"}),
    Source(fields.STATISTICS, statistics, frozenset({"bulletin"})),
    Source(fields.INDUSTRY_STATISTICS, industry_statistics,
           frozenset({"industry_figure", "organisation"})),
)
BY_SLUG = {source.slug: source for source in SOURCES}
