"""Learn articles kept in the database: saving versions, checking them against the
advertising rules, approving them, importing the files of ``content/learn`` and reading the
published ones. Shared by the editors' pages, ``flask --app wsgi learn …`` and /learn."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.core.clock import utcnow
from formulatrust.core.content import Library, Page, render_with_contents
from formulatrust.domain import article_review
from formulatrust.domain.article_review import Source
from formulatrust.domain.compliance import Finding, Waiver, check_parts
from formulatrust.learn.article_images import image_keys, place
from formulatrust.learn.models import Article, ArticleVersion
from formulatrust.publishing import audit
from formulatrust.publishing.models import User

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IMPORTED_BY = "Editorial team"
REASON_MIN, REASON_MAX = 10, 500
Pictures = Callable[[list[str]], Mapping]


class WithdrawRefused(ValueError):
    """Why an article cannot be withdrawn; ``code`` names it, the caller chooses the words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Draft:
    """What an editor saves: both languages, the topic and the sources."""

    topic: str
    title_zh: str
    summary_zh: str
    body_zh: str
    title_en: str = ""
    summary_en: str = ""
    body_en: str = ""
    sources: tuple[Source, ...] = ()

    def parts(self) -> list[tuple[str, str, str]]:
        return [("title_zh", "text", self.title_zh), ("summary_zh", "text", self.summary_zh),
                ("body_zh", "markdown", self.body_zh), ("title_en", "text", self.title_en),
                ("summary_en", "text", self.summary_en), ("body_en", "markdown", self.body_en)]


def findings(draft: Draft) -> list[Finding]:
    """Every advertising-rule finding in the draft (articles are read as factual text)."""
    return check_parts(draft.parts(), promotional=False)


def article_document(slug: str) -> str:
    """Name a stored article for its regulators' waivers (files name ``learn/<slug>.zh.md``)."""
    return f"article:{slug}"


def blocking(slug: str, draft: Draft, waivers: tuple[Waiver, ...]) -> list[Finding]:
    """The draft's findings no waiver covers: a waiver of the stored article, or one of its
    file in the language of the part the phrase is in (the file's waivers follow it in)."""
    kept = []
    for finding in findings(draft):
        lang = finding.place.rpartition("_")[2]
        documents = (article_document(slug), f"learn/{slug}.{lang}.md")
        if not any(waiver.covers(document, finding) for waiver in waivers
                   for document in documents):
            kept.append(finding)
    return kept


def waivers_of(article: Article | None, file_waivers: tuple[Waiver, ...] = ()
               ) -> tuple[Waiver, ...]:
    """The regulators' waivers recorded for the stored article, then those of the files."""
    stored = tuple(Waiver(article_document(article.slug), each.rule, each.phrase, each.reason,
                          each.waived_by_name, each.waived_at.date())
                   for each in article.waivers) if article is not None else ()
    return stored + tuple(file_waivers)


def draft_of(version: ArticleVersion) -> Draft:
    return Draft(version.topic, version.title_zh, version.summary_zh, version.body_zh,
                 version.title_en, version.summary_en, version.body_en,
                 tuple(Source(**source) for source in version.sources))


def find(session: Session, slug: str) -> Article | None:
    return session.scalar(select(Article).where(Article.slug == slug)
                          .options(selectinload(Article.versions)))


def save(session: Session, slug: str, draft: Draft, author: User | None,
         author_name: str = "", file_waivers: tuple[Waiver, ...] = ()) -> ArticleVersion:
    """Keep ``draft`` as the next version of the article ``slug`` (new when there is none)."""
    article = find(session, slug)
    if article is None:
        article = Article(slug=slug, versions=[], waivers=[])
        session.add(article)
    version = ArticleVersion(
        number=len(article.versions) + 1, topic=draft.topic,
        title_zh=draft.title_zh, summary_zh=draft.summary_zh, body_zh=draft.body_zh,
        title_en=draft.title_en, summary_en=draft.summary_en, body_en=draft.body_en,
        sources=[vars(source) for source in draft.sources],
        author_id=author.id if author else None,
        author_name=author_name or (author.display_name or author.email if author else ""),
        passed_checks=not blocking(slug, draft, waivers_of(article, file_waivers)))
    article.versions.append(version)
    session.flush()
    return version


def approve(session: Session, version: ArticleVersion, reviewer: User, today: date,
            months: int, file_waivers: tuple[Waiver, ...] = ()) -> None:
    """Record ``reviewer``'s approval and publish the version; raise ReviewRefused if not
    allowed (not a reviewer, the version's author, or a version that breaks the rules and
    has no regulator's waiver for it)."""
    recheck(version.article, file_waivers)
    article_review.check_approval(
        reviewer=reviewer.reviewer, qualification=reviewer.reviewer_qualification,
        role=reviewer.role, reviewer_id=reviewer.id, author_id=version.author_id,
        passed_checks=version.passed_checks)
    record_review(version, reviewer.display_name or reviewer.email,
                  reviewer.reviewer_qualification, today, months, reviewer.id)
    session.flush()


def recheck(article: Article, file_waivers: tuple[Waiver, ...] = ()) -> None:
    """Check every version again against the rules and the waivers recorded since."""
    waivers = waivers_of(article, file_waivers)
    for version in article.versions:
        version.passed_checks = not blocking(article.slug, draft_of(version), waivers)


def record_review(version: ArticleVersion, name: str, qualification: str, day: date,
                  months: int, reviewer_id: int | None = None) -> None:
    """Publish ``version`` as reviewed by ``name`` on ``day``."""
    version.reviewer_id, version.reviewer_name = reviewer_id, name
    version.reviewer_qualification, version.reviewed_on = qualification, day
    article = version.article
    article.published_version_id = version.id
    article.withdrawn_at, article.withdrawn_reason = None, ""
    article.last_reviewed_on = day
    article.next_review_due = article_review.next_review_due(day, months)


def may_withdraw(user: User | None) -> bool:
    """Science editors and administrators may take an article down."""
    return user is not None and user.active and user.role in ("science", "admin")


def withdraw(session: Session, article: Article, user: User | None, reason: str) -> None:
    """Take the published article down, with the reason readers are shown; audited.
    Raise WithdrawRefused: ``not_published``, ``reason`` or ``not_allowed``."""
    reason = " ".join((reason or "").split())
    if user is not None and not may_withdraw(user):
        raise WithdrawRefused("not_allowed")
    published = article.published
    if article.published_version_id is None or published is None:
        raise WithdrawRefused("not_published")
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise WithdrawRefused("reason")
    audit.record(session, user, "unpublish", "learn_article", article.id,
                 {"slug": article.slug, "version": published.number, "reason": reason})
    article.published_version_id = None
    article.withdrawn_at, article.withdrawn_reason = utcnow(), reason
    session.flush()


def overdue(session: Session, today: date) -> list[Article]:
    """Published articles whose review date has passed, the longest overdue first."""
    query = (select(Article).where(Article.next_review_due < today)
             .where(Article.published_version_id.is_not(None))
             .options(selectinload(Article.versions)).order_by(Article.next_review_due))
    return list(session.scalars(query))


def withdrawn(session: Session, slug: str) -> Article | None:
    """The article ``slug`` if it was withdrawn and has not been published again."""
    article = session.scalar(select(Article).where(Article.slug == slug))
    if article is None or article.withdrawn_at is None or article.published_version_id:
        return None
    return article


def every_article(session: Session) -> list[Article]:
    query = select(Article).options(selectinload(Article.versions)).order_by(Article.slug)
    return list(session.scalars(query))


# --- Importing the files of content/learn ---------------------------------------------------


def file_sources(page: Page) -> tuple[Source, ...]:
    """The files' sources: "Publisher — Title" with a link; the publisher split off."""
    sources = []
    for source in page.meta.get("sources") or []:
        publisher, _, title = str(source.get("title", "")).partition(" — ")
        if not title:
            publisher, title = "", publisher
        sources.append(Source(title.strip(), publisher.strip(), str(source.get("date", "")),
                              str(source.get("url", ""))))
    return tuple(sources)


def import_library(session: Session, library: Library, months: int) -> tuple[int, int]:
    """Add each article of ``content/learn`` that the store does not have yet, published as
    its file says it was reviewed. Return (imported, already there): running it again adds
    nothing, and an article edited in the browser is never overwritten by its file."""
    imported = present = 0
    known = set(session.scalars(select(Article.slug)))
    for slug, pages in sorted(library.folders.get("learn", {}).items()):
        if slug in known:
            present += 1
            continue
        zh, en = pages.get("zh"), pages.get("en")
        first = zh or en
        assert first is not None  # an article's folder holds at least one language
        draft = Draft(str(first.meta.get("topic", "")),
                      zh.title if zh else "", zh.summary if zh else "", zh.text if zh else "",
                      en.title if en else "", en.summary if en else "", en.text if en else "",
                      file_sources(en or first))  # English titles read on both pages
        # The files name no person: their author and reviewer are the editorial team.
        version = save(session, slug, draft, None, IMPORTED_BY, library.waivers)
        reviewed_on = first.meta.get("reviewed_on")
        if version.passed_checks and isinstance(reviewed_on, date):
            record_review(version, IMPORTED_BY, "", reviewed_on, months)
        imported += 1
    session.flush()
    return imported, present


# --- Reading published articles --------------------------------------------------------------


@dataclass(frozen=True)
class ReaderPage:
    """A published article in one language, shaped like a content file's Page."""

    slug: str
    lang: str
    title: str
    summary: str
    html: Markup
    toc: tuple[tuple[str, str], ...] = ()
    meta: dict = field(default_factory=dict)
    text: str = ""

    @property
    def reading_minutes(self) -> int:
        han = sum(1 for ch in self.text if "\u4e00" <= ch <= "\u9fff")
        words = len(re.findall(r"[A-Za-z]+", self.text))
        return max(1, round(han / 400 + words / 200))


def team_or(name: str) -> str:
    """A person's name as written; the editorial team in the reader's language."""
    return str(_("Editorial team")) if name == IMPORTED_BY else name


def reader_page(article: Article, lang: str, today: date, pictures: Pictures | None = None
                ) -> tuple[ReaderPage, bool] | None:
    """The published version in ``lang`` or, flagged as a fallback, in Chinese; with
    ``pictures`` (keys to their widths), its placed photos are shown."""
    version = article.published
    if version is None:
        return None
    has_english = bool(version.title_en.strip() and version.body_en.strip())
    shown = "en" if lang == "en" and has_english else "zh"
    if shown == "zh" and not version.body_zh.strip():
        shown = "en"
    body = getattr(version, f"body_{shown}")
    html, toc = render_with_contents(body)
    html = place(html, pictures(image_keys(body)) if pictures else {})
    meta = {"topic": version.topic, "sources": version.sources,
            "author": team_or(version.author_name), "reviewed_by": team_or(version.reviewer_name),
            "qualification": version.reviewer_qualification,
            "reviewed_on": article.last_reviewed_on, "review_due": article.next_review_due,
            "overdue": article_review.is_overdue(article.next_review_due, today)}
    page = ReaderPage(article.slug, shown, getattr(version, f"title_{shown}"),
                      getattr(version, f"summary_{shown}"), html, toc, meta,
                      getattr(version, f"body_{shown}"))
    return page, shown != lang


def file_page(library: Library, slug: str, lang: str) -> tuple[ReaderPage, bool] | None:
    """An article of ``content/learn`` not yet imported, shaped like the stored ones."""
    found = library.get("learn", slug, lang)
    if found is None:
        return None
    page, is_fallback = found
    return ReaderPage(page.slug, page.lang, page.title, page.summary, page.html, page.toc,
                      dict(page.meta), page.text), is_fallback


def published(session: Session, library: Library, lang: str, today: date
              ) -> list[tuple[ReaderPage, bool]]:
    """Every published article: the store's, then the files' the store does not have."""
    stored = every_article(session)
    pages = [reader_page(article, lang, today) for article in stored]
    known = {article.slug for article in stored}
    pages += [file_page(library, slug, lang)
              for slug in sorted(library.folders.get("learn", {})) if slug not in known]
    return sorted((page for page in pages if page is not None), key=lambda item: item[0].slug)


def one(session: Session, library: Library, slug: str, lang: str, today: date,
        pictures: Pictures | None = None) -> tuple[ReaderPage, bool] | None:
    """One published article by its address (the store's version wins over the file)."""
    article = find(session, slug)
    if article is not None:
        return reader_page(article, lang, today, pictures)
    return file_page(library, slug, lang)
