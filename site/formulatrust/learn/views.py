"""Science education articles from ``content/learn``: topics, articles, related reading."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from formulatrust.core.content import Page
from formulatrust.core.i18n import current_language

bp = Blueprint("learn", __name__, url_prefix="/learn")
TOPICS = {"feeding": _l("Feeding your baby"), "choosing": _l("Choosing formula"),
          "safety": _l("Safety and recalls"), "checking": _l("Checking cans and results")}


def articles() -> list[tuple[Page, bool]]:
    """Every article in the reader's language where available, flagged when it is not."""
    library = current_app.extensions["formulatrust.content"]
    found = (library.get("learn", slug, current_language())
             for slug in sorted(library.folders.get("learn", {})))
    return [item for item in found if item is not None]


@bp.app_template_global()
def topic_label(topic: str) -> str:
    """Return the reader-facing name of a topic."""
    return str(TOPICS.get(topic, topic))


@bp.get("")
def index():
    """List the articles by topic; ``?topic=`` shows one topic."""
    topic = request.args.get("topic", "")
    if topic and topic not in TOPICS:
        abort(404)
    grouped = {name: [] for name in TOPICS if not topic or name == topic}
    for page, is_fallback in articles():
        if page.meta.get("topic") in grouped:
            grouped[page.meta["topic"]].append((page, is_fallback))
    return render_template("learn/index.html", grouped=grouped, topic=topic)


@bp.get("/<slug>")
def article(slug: str):
    """Show one article with its contents, sources, review date and related articles."""
    found = current_app.extensions["formulatrust.content"].get("learn", slug,
                                                               current_language())
    if found is None:
        abort(404)
    page, is_fallback = found
    related = [other for other, _ in articles()
               if other.slug != slug and other.meta.get("topic") == page.meta.get("topic")]
    return render_template("learn/article.html", page=page, is_fallback=is_fallback,
                           related=related[:4])
