"""Language choice: ``?lang=`` (remembered in a cookie), else Accept-Language, else Chinese."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from babel.support import NullTranslations
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_translations
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_set_header

from formulatrust.core.config import PROJECT_ROOT

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
LANG_COOKIE = "lang"
# Stand-ins for the language-switch links in HTML rendered once and reused (site/chrome.py).
SWITCH_PLACEHOLDERS = {code: f"\x00switch-{code}\x00" for code in LANGUAGES}

View = TypeVar("View", bound=Callable[..., Any])


def atom_feed(view: View) -> View:
    """Mark ``view`` as a feed in the language its address names (``?lang=en``, else Chinese).

    A subscription then never changes language with the cookie or Accept-Language of whoever
    fetches it, links to the feed from an English page carry ``lang=en``, and so do the links
    inside an English feed (its ``rel="self"`` and the pages it points to).
    """
    view.feed_language_in_address = True  # type: ignore[attr-defined]
    return view


def is_feed(endpoint: str | None) -> bool:
    """Tell whether ``endpoint`` is an Atom feed marked with :func:`atom_feed`."""
    view = current_app.view_functions.get(endpoint or "")
    return bool(getattr(view, "feed_language_in_address", False))


def keep_feed_language(endpoint: str, values: dict[str, Any]) -> None:
    """Add ``lang=en`` to a feed's address on English pages and to every link of an English
    feed; Chinese, the default, leaves addresses as they always were."""
    if "lang" in values or not has_request_context():
        return
    if (is_feed(endpoint) or is_feed(request.endpoint)) and current_language() == "en":
        values["lang"] = "en"


def select_language() -> str:
    """Return the language for this request."""
    if is_feed(request.endpoint):
        asked = request.args.get("lang")
        return asked if asked in LANGUAGES else DEFAULT_LANGUAGE
    chosen = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return language_of_header(request.headers.get("Accept-Language", ""))


@lru_cache(maxsize=256)
def language_of_header(header: str) -> str:
    """Return the language an ``Accept-Language`` header prefers (a few headers are common)."""
    best = parse_accept_header(header, LanguageAccept).best_match(
        ["zh", "zh-CN", "zh-Hans", "en", "en-US", "en-GB"])
    if best and best.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the active language code, ``zh`` or ``en``."""
    # Asked many times a page: read the locale Flask-Babel chose (or a ``force_locale`` block
    # set) straight from its per-request record, and ask it to choose only the first time.
    chosen = getattr(g.get("_flask_babel"), "babel_locale", None) if has_app_context() else None
    locale = chosen or get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def other_language() -> str:
    """Return the language that is not active, for bilingual notices."""
    return "en" if current_language() == "zh" else "zh"


def localized(record: object, field: str) -> str:
    """Return ``record.<field>_<lang>`` for the active language, falling back to the other."""
    value = getattr(record, f"{field}_{current_language()}", None)
    return value or getattr(record, f"{field}_{other_language()}", "") or ""


def language_switch_url(lang: str) -> str:
    """Return the current URL with ``lang`` set, keeping the other query parameters.

    While HTML meant for reuse is rendered, return a placeholder that ``chrome`` fills later.
    """
    if g.get("switch_placeholders"):
        return SWITCH_PLACEHOLDERS[lang]
    if not request.query_string:  # most pages, a scanned can's among them
        return f"{path_as_sent()}?lang={lang}"
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    return f"{path_as_sent()}?{urlencode(args, doseq=True)}"


def path_as_sent() -> str:
    """Return the request path still percent-encoded, so an escaped ``/`` stays in its value."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    path = raw.split("?", 1)[0]
    return path if path.startswith("/") else quote(request.path)


def remember_choice(response: Response) -> Response:
    """Store an explicit ``?lang=`` choice in a cookie and mark responses as language-dependent."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=current_app.config["LANG_COOKIE_MAX_AGE"],
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    vary_on(response, ("Accept-Language", "Cookie"))
    return response


def vary_on(response: Response, names: tuple[str, ...]) -> None:
    """Add ``names`` to the response's ``Vary`` header, once each."""
    response.headers["Vary"] = _merged_vary(response.headers.get("Vary"), names)


@lru_cache(maxsize=64)
def _merged_vary(present: str | None, names: tuple[str, ...]) -> str:
    # A handful of combinations occur; werkzeug would parse and rewrite the header each time.
    merged = parse_set_header(present)
    merged.update(names)
    return merged.to_header()


def _translations() -> NullTranslations:
    """Return the active catalogue, looked up once per locale per request.

    Flask-Babel resolves the catalogue on every call, which dominated page rendering. The
    locale object is compared by identity, so ``force_locale`` blocks still switch language.
    """
    locale = getattr(getattr(g, "_flask_babel", None), "babel_locale", None)
    cached = g.get("_translations_cache")
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    g._translations_cache = (getattr(g._flask_babel, "babel_locale", None), translations)
    return translations


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogues in the top-level ``translations/``."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    Babel(app, locale_selector=select_language)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda text: _translations().ugettext(text),
        ngettext=lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.after_request(remember_choice)
    app.url_defaults(keep_feed_language)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        HTML_LANG=HTML_LANG,
        current_language=current_language,
        other_language=other_language,
        language_switch_url=language_switch_url,
        force_locale=force_locale,
    )
    app.jinja_env.filters["l10n"] = localized
