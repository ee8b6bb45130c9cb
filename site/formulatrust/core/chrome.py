"""The header and footer every page shares, rendered once per language and page, then reused.

They hold about a third of the work of rendering a page. The only request-specific parts, the
language-switch links, are filled into the cached HTML through placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, render_template, request
from markupsafe import Markup, escape

from formulatrust.core import freshness
from formulatrust.core.cache import TTLCache
from formulatrust.core.demo_banner import demo_data_shown
from formulatrust.core.i18n import SWITCH_PLACEHOLDERS, current_language, language_switch_url

CACHE_KEY = "formulatrust.chrome"


def _cache() -> TTLCache:
    return current_app.extensions[CACHE_KEY]


def site_header() -> Markup:
    """Return the header (site name, language switch, navigation, demo banner)."""
    key = ("header", current_language(), request.endpoint, demo_data_shown())
    html = _cache().get_or_make(key, lambda: render_template(
        "components/site_header.html", switch=SWITCH_PLACEHOLDERS))
    return Markup(with_switch_links(html))


def with_switch_links(html: str) -> str:
    """Fill the language-switch placeholders in ``html`` with this request's links."""
    for code, placeholder in SWITCH_PLACEHOLDERS.items():
        html = html.replace(placeholder, str(escape(language_switch_url(code))))
    return html


@contextmanager
def reusable_rendering() -> Iterator[None]:
    """Render HTML that later requests will reuse: language-switch links stay placeholders."""
    g.switch_placeholders = True
    try:
        yield
    finally:
        g.switch_placeholders = False


def cached_page(key: Hashable, render: Callable[[], str], keep: bool = True) -> str:
    """Return a page the same for every reader of ``key``, rendered once while facts stand.

    ``render`` runs with placeholders for the language-switch links, which are filled here
    for this request. The cache is the facts cache, emptied when published records change.
    """
    def make() -> str:
        with reusable_rendering():
            return render()
    if not keep:
        return with_switch_links(make())
    return with_switch_links(freshness.facts_cache().get_or_make(key, make))


def site_footer() -> Markup:
    """Return the footer."""
    return Markup(_cache().get_or_make(("footer", current_language()),
                                       lambda: render_template("components/site_footer.html")))


def init_app(app: Flask) -> None:
    """Keep the rendered pieces for an hour; they change only with a new release."""
    app.extensions[CACHE_KEY] = TTLCache(3600, size=512)
    app.jinja_env.globals.update(site_header=site_header, site_footer=site_footer)
