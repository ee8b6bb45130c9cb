"""The Flask application factory: settings, extensions, commands and every area's blueprints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.typing import ResponseReturnValue
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from formulatrust.core import db
from formulatrust.core.config import site_origin


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: numbers beyond a database id are 404, not an overflow."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = 2_147_483_647, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class ReadableJSON(DefaultJSONProvider):
    ensure_ascii = False  # Chinese stays readable (and smaller) in JSON answers


class SiteApp(Flask):
    """Flask whose absolute URLs (``url_for(…, _external=True)``: API links, feeds, ``Link``
    headers) start with ``SITE_HOST``, never with whatever ``Host`` a request claimed, and whose
    reads survive one dropped database connection."""

    json_provider_class = ReadableJSON

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synchronous: dict[Callable[..., Any], Callable[..., Any]] = {}

    def dispatch_request(self) -> ResponseReturnValue:
        return db.read_again_if_dropped(super().dispatch_request)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        # Flask asks this of every hook and view on every request (a dozen inspections per
        # request); the answer for a given function never changes.
        try:
            return self._synchronous[func]
        except KeyError:
            found = self._synchronous[func] = super().ensure_sync(func)
            return found
        except TypeError:  # an unhashable callable
            return super().ensure_sync(func)

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None,
                **values: Any) -> str:
        if not _external:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme,
                                   _external=_external, **values)
        path = super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False,
                               **values)
        return site_origin(self.config) + path


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then the environment, then ``overrides``."""
    from formulatrust.core import (
        bilingual,
        chrome,
        cli,
        config,
        content,
        db,
        demo_banner,
        errors,
        i18n,
        security,
        session_cookie,
        signing,
    )
    from formulatrust.core.all_models import metadata
    from formulatrust.core.extensions import init_csrf, init_limiter

    overrides = dict(overrides or {})
    app = SiteApp(
        __name__,
        instance_path=overrides.pop("INSTANCE_PATH", None) or config.instance_path(),
        static_folder=str(config.STATIC_DIR),
        static_url_path="/static",
    )
    config.load(app, overrides)
    app.extensions["formulatrust.metadata"] = metadata  # every area's tables, mapped together
    app.url_map.converters["int"] = DatabaseIdConverter
    app.url_map.merge_slashes = False  # "/01//…" is a malformed code (400), not a redirect
    if app.config.get("PROXY_COUNT"):
        # Behind N trusted proxies: take client address, scheme and host from X-Forwarded-*.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Werkzeug's middleware pattern
            app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    session_cookie.init_app(app)
    db.init_app(app)
    i18n.init_app(app)
    bilingual.init_app(app)
    security.init_app(app)
    init_csrf(app)
    init_limiter(app)
    content.init_app(app)
    signing.init_app(app)
    demo_banner.init_app(app)
    chrome.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from formulatrust.brands import showcase_views
    from formulatrust.brands import views as brands
    from formulatrust.enterprises import appeal_views, assess_views, editor_views, ratings
    from formulatrust.enterprises import views as enterprises
    from formulatrust.follow import views as follow
    from formulatrust.images import views as images
    from formulatrust.industry import publish_views as industry_publish
    from formulatrust.industry import views as industry
    from formulatrust.learn import editor_views as learn_editor
    from formulatrust.learn import views as learn
    from formulatrust.learn import waiver_views as learn_waivers
    from formulatrust.open_data import views as open_data
    from formulatrust.open_days import checkin, events_views
    from formulatrust.open_days import editor_views as open_days_editor
    from formulatrust.open_days import views as open_days
    from formulatrust.pages import discovery, landing, search
    from formulatrust.pages import views as main
    from formulatrust.publishing import account, admin, api_push, recall_penalty_views, tokens
    from formulatrust.publishing import views as publish
    from formulatrust.publishing.bulletins import views as bulletins
    from formulatrust.results import recalls, review_views, statistics
    from formulatrust.results import views as results
    from formulatrust.scan import resolver
    from formulatrust.scan import views as scan

    for module in (main, scan, resolver, results, recalls, enterprises, brands, learn, search,
                   open_days, follow):
        app.register_blueprint(module.bp)
    app.register_blueprint(results.api)
    for api in (recalls.api, enterprises.api, open_data.bp, open_data.api):
        app.register_blueprint(api)
    app.register_blueprint(recalls.supervision)
    app.register_blueprint(ratings.bp)
    app.register_blueprint(statistics.bp)
    app.register_blueprint(discovery.bp)
    for blueprint in landing.blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(bulletins.bp)
    app.register_blueprint(events_views.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)
    for module in (tokens, api_push, checkin):
        app.register_blueprint(module.bp)
    # recall_penalty_views adds its routes to publish.bp, so it is imported before this.
    assert recall_penalty_views.bp is publish.bp
    app.register_blueprint(publish.bp)
    app.register_blueprint(showcase_views.bp)
    app.register_blueprint(images.bp)
    app.register_blueprint(editor_views.bp)
    app.register_blueprint(open_days_editor.bp)
    app.register_blueprint(review_views.bp)
    app.register_blueprint(appeal_views.bp)
    app.register_blueprint(assess_views.bp)
    for blueprint in (industry.bp, industry.api, industry_publish.bp, learn_editor.bp,
                      learn_waivers.bp):
        app.register_blueprint(blueprint)
