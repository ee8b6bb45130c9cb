"""Shanghai Infant Formula Trust: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: numbers beyond a database id are 404, not an overflow."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2_147_483_647, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then the environment, then ``overrides``."""
    from formulatrust import (
        chrome,
        cli,
        config,
        content,
        db,
        demo_banner,
        errors,
        i18n,
        security,
        signing,
    )
    from formulatrust.extensions import csrf, limiter

    overrides = dict(overrides or {})
    app = Flask(
        __name__,
        instance_path=overrides.pop("INSTANCE_PATH", None) or config.instance_path(),
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
    )
    config.load(app, overrides)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json.ensure_ascii = False  # Chinese stays readable (and smaller) in JSON answers
    if app.config.get("PROXY_COUNT"):
        # Behind N trusted proxies: take client address, scheme and host from X-Forwarded-*.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    content.init_app(app)
    signing.init_app(app)
    demo_banner.init_app(app)
    chrome.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from formulatrust.views import (
        account,
        admin,
        api_push,
        brands,
        bulletins,
        checkin,
        enterprise_admin,
        enterprises,
        landing,
        learn,
        main,
        open_data,
        open_days,
        publish,
        ratings,
        recalls,
        resolver,
        results,
        scan,
        search,
        showcases,
        statistics,
        tokens,
    )

    for module in (main, scan, resolver, results, recalls, enterprises, brands, learn, search,
                   open_days):
        app.register_blueprint(module.bp)
    app.register_blueprint(results.api)
    for api in (recalls.api, enterprises.api, open_data.bp, open_data.api):
        app.register_blueprint(api)
    app.register_blueprint(recalls.supervision)
    app.register_blueprint(ratings.bp)
    app.register_blueprint(statistics.bp)
    for blueprint in landing.blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(bulletins.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(admin.bp)
    for module in (tokens, api_push, checkin):
        app.register_blueprint(module.bp)
    app.register_blueprint(publish.bp)
    app.register_blueprint(showcases.bp)
    app.register_blueprint(enterprise_admin.bp)
