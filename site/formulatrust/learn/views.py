"""Science education articles: topics, articles, related reading. Published articles come from
the database (where science editors write them); files of ``content/learn`` not yet imported
are shown as they are."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.core.i18n import current_language
from formulatrust.learn import articles as store
from formulatrust.learn.topics import TOPICS, topic_label

bp = Blueprint("learn", __name__, url_prefix="/learn")
bp.add_app_template_global(topic_label, "topic_label")


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
                      current_language(), shanghai_now().date())
    if found is None:
        abort(404)
    page, is_fallback = found
    related = [other for other, _ in articles()
               if other.slug != slug and other.meta.get("topic") == page.meta.get("topic")]
    return render_template("learn/article.html", page=page, is_fallback=is_fallback,
                           related=related[:4])
