"""Finding sampling results for /results, its downloads, feed and API: from the search index
when there is a query, else from SQL (also when the index cannot answer)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.pages import search_follower
from formulatrust.results.indexed import searched_download, searched_page
from formulatrust.results.models import SamplingResult
from formulatrust.results.query import MAX_DOWNLOAD, Filters, Page, facets, page_of, stream
from formulatrust.scan.models import Batch
from formulatrust.search import SearchError, matching_keys

log = logging.getLogger(__name__)
Facets = dict[str, list[tuple[object, int]]]


def matching_ids(index_dir: str, query: str) -> list[int]:
    """Return the ids of every result the search index matches (none when it cannot answer)."""
    try:
        search_follower.follow()
        keys = matching_keys(index_dir, query, "result")
    except SearchError:
        return []
    return [int(key) for key in keys]


def results_page(session: Session, index_dir: str, filters: Filters, size: int,
                 counts: bool) -> tuple[Page, Facets]:
    """Return the page of ``filters`` and, when ``counts``, its facets."""
    if filters.q:
        search_follower.follow()
        try:
            return searched_page(session, index_dir, filters, size, counts)
        except Exception:  # noqa: BLE001 - a broken index must not break the page
            log.warning("the search index cannot answer /results; searching the database "
                        "(rebuild it: flask --app wsgi search reindex)", exc_info=True)
    page = page_of(session, filters, None, size)
    return page, facets(session, filters, None) if counts else {}


def download_rows(session: Session, index_dir: str, filters: Filters
                  ) -> Iterable[SamplingResult]:
    """Every filtered result, newest first, up to the download limit: the matches of a query
    from the search index, the rest (or all, when the index cannot answer) streamed by SQL."""
    if filters.q:
        search_follower.follow()
        try:
            return searched_download(session, index_dir, filters, MAX_DOWNLOAD)
        except Exception:  # noqa: BLE001 - a broken index must not break the download
            log.warning("the search index cannot answer a results download; searching the "
                        "database (rebuild it: flask --app wsgi search reindex)", exc_info=True)
    return stream(session, filters, None)


def with_history(session: Session, result_id: int) -> SamplingResult | None:
    """Return one result with its failed items and its corrections, or None."""
    return session.scalars(
        select(SamplingResult).where(SamplingResult.id == result_id).options(
            selectinload(SamplingResult.failed_items), selectinload(SamplingResult.revisions))
    ).first()


def with_items(session: Session, result_id: int) -> SamplingResult | None:
    """Return one result with its failed items, or None."""
    return session.scalars(
        select(SamplingResult).where(SamplingResult.id == result_id)
        .options(selectinload(SamplingResult.failed_items))).first()


def batch_of(session: Session, result: SamplingResult) -> Batch | None:
    """Return the batch on record that the sampled lot names, or None."""
    if not (result.product_id and result.lot):
        return None
    return session.scalar(select(Batch).where(Batch.product_id == result.product_id,
                                              Batch.lot == result.lot))
