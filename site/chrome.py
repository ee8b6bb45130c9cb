"""The header and footer every page shares, rendered once per language and page, then reused.

They hold about a third of the work of rendering a page. The only request-specific parts, the
language-switch links, are filled into the cached HTML through placeholders.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from markupsafe import Markup, escape

from formulatrust.cache import TTLCache
from formulatrust.demo_banner import demo_data_shown
from formulatrust.i18n import LANGUAGES, current_language, language_switch_url

CACHE_KEY = "formulatrust.chrome"
PLACEHOLDERS = {code: f"\x00switch-{code}\x00" for code in LANGUAGES}


def _cache() -> TTLCache:
    return current_app.extensions[CACHE_KEY]


def site_header() -> Markup:
    """Return the header (site name, language switch, navigation, demo banner)."""
    key = ("header", current_language(), request.endpoint, demo_data_shown())
    html = _cache().get_or_make(key, lambda: render_template(
        "components/site_header.html", switch=PLACEHOLDERS))
    for code, placeholder in PLACEHOLDERS.items():
        html = html.replace(placeholder, str(escape(language_switch_url(code))))
    return Markup(html)


def site_footer() -> Markup:
    """Return the footer."""
    return Markup(_cache().get_or_make(("footer", current_language()),
                                       lambda: render_template("components/site_footer.html")))


def init_app(app: Flask) -> None:
    """Keep the rendered pieces for an hour; they change only with a new release."""
    app.extensions[CACHE_KEY] = TTLCache(3600, size=512)
    app.jinja_env.globals.update(site_header=site_header, site_footer=site_footer)
