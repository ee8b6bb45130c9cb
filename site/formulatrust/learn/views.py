"""Science education articles: topics, articles, related reading. Published articles come from
the database (where science editors write them); files of ``content/learn`` not yet imported
are shown as they are."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.core.i18n import current_language, other_language
from formulatrust.images import pictures as picture_service
from formulatrust.learn import articles as store
from formulatrust.learn.models import Article
from formulatrust.learn.topics import TOPICS, topic_label

bp = Blueprint("learn", __name__, url_prefix="/learn")
bp.add_app_template_global(topic_label, "topic_label")
WITHDRAWN = (_l("This article has been withdrawn"),
             _l("Its editors took it down on %(date)s and it is no longer published here. The "
                "reason they gave is below. Other articles are listed under Learn."))


def articles() -> list[tuple[store.ReaderPage, bool]]:
    """Every published article in the reader's language where available, flagged when not."""
    return store.published(db.session(), current_app.extensions["formulatrust.content"],
                           current_language(), shanghai_now().date())


@bp.get("")
def index():
    """List the articles by topic; ``?topic=`` shows one topic."""
    topic = request.args.get("topic", "")
    if topic and topic not in TOPICS:
        abort(404)
    grouped: dict[str, list[Any]] = {name: [] for name in TOPICS if not topic or name == topic}
    for page, is_fallback in articles():
        if page.meta.get("topic") in grouped:
            grouped[page.meta["topic"]].append((page, is_fallback))
    return render_template("learn/index.html", grouped=grouped, topic=topic)


@bp.get("/<slug>")
def article(slug: str):
    """Show one article with its contents, sources, review dates and related articles."""
    found = store.one(db.session(), current_app.extensions["formulatrust.content"], slug,
                      current_language(), shanghai_now().date(), picture_service.pictures)
    if found is None:
        withdrawn = store.withdrawn(db.session(), slug)
        if withdrawn is not None:
            return gone(withdrawn)
        abort(404)
    page, is_fallback = found
    related = [other for other, _ in articles()
               if other.slug != slug and other.meta.get("topic") == page.meta.get("topic")]
    return render_template("learn/article.html", page=page, is_fallback=is_fallback,
                           related=related[:4])


def gone(article: Article):
    """Answer 410 Gone for a withdrawn article: when and why, in both languages."""
    day = shanghai_now().date() if article.withdrawn_at is None else article.withdrawn_at
    texts = {}
    for lang in (current_language(), other_language()):
        with force_locale(lang):
            texts[lang] = (str(WITHDRAWN[0]), str(WITHDRAWN[1]) % {"date": format_date(
                day, "long")})
    return render_template("learn/withdrawn.html", article=article, texts=texts), 410
