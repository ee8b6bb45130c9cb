"""The sitemap: every permalink of the site, by kind, cut into files of at most
``discovery.MAX_URLS`` URLs and read from the database a slice at a time.

Each URL is listed once, at its address without ``?lang=``, which answers in the reader's
language; ``xhtml:link`` alternates name its Chinese (``?lang=zh``) and English
(``?lang=en``) versions and the address itself as ``x-default``, as the pages' own
``<link rel="alternate" hreflang>`` do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from flask import current_app, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.core.content import FOOTER_PAGES
from formulatrust.core.i18n import HTML_LANG, LANGUAGES
from formulatrust.domain import discovery
from formulatrust.domain.feed_times import as_moment
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.learn.models import Article
from formulatrust.open_days.models import OpenDay
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.publishing.bulletins.store import visible
from formulatrust.results.models import Recall, RecallRevision, SamplingResult

NAMESPACES = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              'xmlns:xhtml="http://www.w3.org/1999/xhtml"')
READ_BATCH = 2_000  # rows fetched from the database at a time
# The list and overview pages, in the order a reader meets them.
LIST_PAGES = ("main.home", "scan.index", "results.index", "statistics.index", "recalls.index",
              "supervision.index", "enterprises.index", "ratings.index", "ratings.methodology",
              "ratings.standards", "brands.index", "learn.index", "bulletins.index",
              "industry.index", "open_days.index", "events.index", "open_data.dictionary")

Row = tuple[str, "date | datetime | None"]  # an absolute URL and when it last changed
# Files are written after the view has returned, when its session is closed: their rows are
# read through a session asked for while they are written (closed when the stream ends).
SessionFor = Callable[[], Session]


@dataclass(frozen=True)
class Kind:
    """One kind of page: how many there are, and one slice of them, oldest first."""

    name: str
    count: Callable[[Session], int]
    rows: Callable[[SessionFor, int, int], Iterable[Row]]


def _count(query: Select) -> Callable[[Session], int]:
    return lambda session: session.scalar(
        select(func.count()).select_from(query.subquery())) or 0


def _stream(session_for: SessionFor, query: Select, offset: int,
            limit: int) -> Iterator[tuple]:
    """Read a slice in batches, never the whole table at once."""
    result = session_for().execute(query.offset(offset).limit(limit),
                                   execution_options={"yield_per": READ_BATCH})
    yield from result


def _newest(*moments: date | datetime | None) -> datetime | None:
    known = [as_moment(each) for each in moments if each is not None]
    return max(known, default=None)


def _content_pages() -> list[Row]:
    library = current_app.extensions["formulatrust.content"]
    rows: list[Row] = [(url_for(endpoint, _external=True), None) for endpoint in LIST_PAGES]
    rows += [(url_for("main.page", slug=slug, _external=True), None) for slug in FOOTER_PAGES]
    stored = dict(db.session().execute(select(Article.slug, Article.last_reviewed_on)
                                       .where(Article.published_version_id.is_not(None))).all())
    drafts = set(db.session().scalars(select(Article.slug))) - set(stored)
    reviewed = {slug: library.get("learn", slug, "zh")[0].meta.get("reviewed_on")
                for slug in library.folders.get("learn", {}) if slug not in drafts}
    reviewed.update(stored)  # the database's review date wins over the file's
    rows += [(url_for("learn.article", slug=slug, _external=True), day)
             for slug, day in sorted(reviewed.items())]
    return rows


RESULTS = select(SamplingResult.id, SamplingResult.updated_at).order_by(SamplingResult.id)
CHANGED = (select(RecallRevision.recall_id, func.max(RecallRevision.replaced_at).label("at"))
           .group_by(RecallRevision.recall_id).subquery())
RECALLS = (select(Recall.id, Recall.announced_on, Recall.published_at, CHANGED.c.at)
           .outerjoin(CHANGED, CHANGED.c.recall_id == Recall.id).order_by(Recall.id))
ENTERPRISES = select(Enterprise.slug, Enterprise.updated_at).order_by(Enterprise.id)
BRANDS = select(Brand.slug).order_by(Brand.id)
PRODUCTS = select(Product.gtin).order_by(Product.id)
OPEN_DAYS = select(OpenDay.id, OpenDay.updated_at).order_by(OpenDay.id)


def _bulletins() -> Select:
    return (select(Bulletin.slug, Bulletin.publish_at, Bulletin.updated_at).where(visible())
            .order_by(Bulletin.id))


KINDS = {kind.name: kind for kind in (
    Kind("pages", lambda _session: len(_content_pages()),
         lambda _session_for, offset, limit: _content_pages()[offset:offset + limit]),
    Kind("results", _count(RESULTS), lambda session_for, offset, limit: (
        (url_for("results.detail", result_id=id_, _external=True), changed)
        for id_, changed in _stream(session_for, RESULTS, offset, limit))),
    Kind("recalls", _count(RECALLS), lambda session_for, offset, limit: (
        (url_for("recalls.detail", recall_id=id_, _external=True), _newest(*times))
        for id_, *times in _stream(session_for, RECALLS, offset, limit))),
    Kind("enterprises", _count(ENTERPRISES), lambda session_for, offset, limit: (
        (url_for("enterprises.detail", slug=slug, _external=True), changed)
        for slug, changed in _stream(session_for, ENTERPRISES, offset, limit))),
    Kind("brands", _count(BRANDS), lambda session_for, offset, limit: (
        (url_for("brands.detail", slug=slug, _external=True), None)
        for (slug,) in _stream(session_for, BRANDS, offset, limit))),
    Kind("products", _count(PRODUCTS), lambda session_for, offset, limit: (
        (url_for("main.home", _external=True) + f"01/{gtin}", None)
        for (gtin,) in _stream(session_for, PRODUCTS, offset, limit))),
    Kind("bulletins", lambda session: _count(_bulletins())(session),
         lambda session_for, offset, limit: (
             (url_for("bulletins.detail", slug=slug, _external=True), _newest(*times))
             for slug, *times in _stream(session_for, _bulletins(), offset, limit))),
    Kind("open-days", _count(OPEN_DAYS), lambda session_for, offset, limit: (
        (url_for("open_days.visit", visit_id=id_, _external=True), changed)
        for id_, changed in _stream(session_for, OPEN_DAYS, offset, limit))),
)}


def sitemap_files(session: Session, size: int | None = None) -> list[str]:
    """Return the absolute address of every sitemap file, kind by kind."""
    size = size or discovery.MAX_URLS
    return [url_for("discovery.sitemap_file", kind=name, number=number, _external=True)
            for name, kind in KINDS.items()
            for number in range(1, discovery.file_count(kind.count(session), size) + 1)]


def index_xml(files: list[str]) -> Iterator[str]:
    """Yield the sitemap index listing ``files``."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    for address in files:
        yield f"<sitemap><loc>{escape(address)}</loc></sitemap>\n"
    yield "</sitemapindex>\n"


def file_rows(session_for: SessionFor, name: str, number: int,
              size: int | None = None) -> Iterable[Row] | None:
    """Return the rows of sitemap file ``number`` of kind ``name`` (read as they are taken);
    None if there is no such file."""
    size = size or discovery.MAX_URLS
    kind = KINDS.get(name)
    if kind is None or not 1 <= number <= discovery.file_count(kind.count(session_for()),
                                                               size):
        return None
    return kind.rows(session_for, *discovery.file_slice(number, size))


def _url_xml(address: str, changed: date | datetime | None) -> str:
    parts = [f"<url><loc>{escape(address)}</loc>"]
    if (stamp := discovery.lastmod(changed)) is not None:
        parts.append(f"<lastmod>{stamp}</lastmod>")
    for code in LANGUAGES:
        parts.append(f'<xhtml:link rel="alternate" hreflang="{HTML_LANG[code]}" '
                     f"href={quoteattr(f'{address}?lang={code}')}/>")
    parts.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(address)}/>'
                 "</url>\n")
    return "".join(parts)


def urlset_xml(rows: Iterable[Row]) -> Iterator[str]:
    """Yield one sitemap file, a few hundred URLs at a time."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NAMESPACES}>\n'
    batch: list[str] = []
    for address, changed in rows:
        batch.append(_url_xml(address, changed))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "</urlset>\n"
