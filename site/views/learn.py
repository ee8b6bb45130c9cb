"""Science education articles from ``content/learn``."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from formulatrust.i18n import current_language

bp = Blueprint("learn", __name__, url_prefix="/learn")


def _library():
    return current_app.extensions["formulatrust.content"]


@bp.get("")
def index():
    """List the articles in the reader's language where available."""
    lang = current_language()
    articles = [
        versions.get(lang) or next(iter(versions.values()))
        for _slug, versions in sorted(_library().folders.get("learn", {}).items())
    ]
    return render_template("learn/index.html", articles=articles)


@bp.get("/<slug>")
def article(slug: str):
    """Show one article, or the other language's version with a notice."""
    found = _library().get("learn", slug, current_language())
    if found is None:
        abort(404)
    page, is_fallback = found
    return render_template("main/page.html", page=page, is_fallback=is_fallback)
