"""The article editor's writes, each in its own transaction: saving a version, approving one,
uploading a photo, withdrawing an article, waiving a finding. The editor's pages and
``flask --app wsgi learn …`` call these and nothing else that writes."""

from __future__ import annotations

from datetime import date

from formulatrust.core import db
from formulatrust.domain.compliance import Waiver
from formulatrust.images import pictures as picture_service
from formulatrust.images import store as images
from formulatrust.images.models import StoredImage
from formulatrust.images.processing import Limits
from formulatrust.learn import article_images, article_waivers, articles
from formulatrust.learn.models import Article, ArticleVersion, ArticleWaiver
from formulatrust.publishing.models import User


def keep_version(slug: str, draft: articles.Draft, author: User | None,
                 file_waivers: tuple[Waiver, ...] = ()) -> int:
    """Save ``draft`` as the article's next version; return its number."""
    with db.transaction() as session:
        return articles.save(session, slug, draft, author, file_waivers=file_waivers).number


def approve(version: ArticleVersion, reviewer: User, today: date, months: int,
            file_waivers: tuple[Waiver, ...] = ()) -> None:
    """Publish ``version`` as approved by ``reviewer``; raise ReviewRefused, writing nothing."""
    with db.transaction() as session:
        articles.approve(session, version, reviewer, today, months, file_waivers)


def upload_image(slug: str) -> picture_service.Upload:
    """Store the photo posted for article ``slug``; the outcome names any problem."""
    return article_images.upload(slug)


def add_image_file(slug: str, user: User | None, data: bytes, alt_zh: str, alt_en: str,
                   declared: bool, limits: Limits) -> StoredImage:
    """Store a photo read from a file for article ``slug``; raise ImageProblem."""
    with db.transaction() as session:
        return images.add(session, user, owner_kind=article_images.OWNER_KIND, owner_ref=slug,
                          enterprise_id=None, data=data, alt_zh=alt_zh, alt_en=alt_en,
                          declared=declared, limits=limits)


def withdraw(article: Article, user: User | None, reason: str) -> None:
    """Take a published article down with its reason; raise WithdrawRefused, writing nothing."""
    with db.transaction() as session:
        articles.withdraw(session, article, user, reason)


def waive(article: Article, regulator: User, rule: str, phrase: str, reason: str,
          file_waivers: tuple[Waiver, ...] = ()) -> ArticleWaiver:
    """Record a regulator's waiver; raise WaiverRefused, writing nothing."""
    with db.transaction() as session:
        return article_waivers.waive(session, article, regulator, rule, phrase, reason,
                                     file_waivers)
