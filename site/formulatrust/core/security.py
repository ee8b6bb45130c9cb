"""The host check that comes first, and security headers on every response; the CSP allows an
inline script only on a page that asked for this request's nonce."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import SecurityError

from formulatrust.domain import host_header

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CSP = (
    "default-src 'self'; "
    "script-src 'self'{nonce}; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)

# The same on every response: added as the answer starts (see SecurityHeaders), unless the
# response already carries its own.
FIXED_HEADERS = (
    ("Content-Security-Policy", CSP.format(nonce="")),  # no page asked for an inline script
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), geolocation=(), microphone=()"),
)


def csp_nonce() -> str:
    """Return this request's nonce for the rare script that must be inline; the page's CSP
    then allows scripts carrying it."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class SecurityHeaders:
    """WSGI middleware adding :data:`FIXED_HEADERS` to every answer that lacks them.

    Werkzeug's header list checks and replaces each header one at a time, which cost every
    request more than the rest of this module; the fixed ones are appended as they are.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.fixed = [(name.lower(), (name, value)) for name, value in FIXED_HEADERS]

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]],
                  exc_info: Any = None) -> Callable[[bytes], object]:
            present = {name.lower() for name, _ in headers}
            headers.extend(header for lower, header in self.fixed if lower not in present)
            return start_response(status, headers, exc_info)
        return self.app(environ, start)


def add_security_headers(response: Response) -> Response:
    """Add the headers that depend on the request or the response."""
    if "csp_nonce" in g:
        response.headers["Content-Security-Policy"] = CSP.format(
            nonce=f" 'nonce-{g.csp_nonce}'")
    if response.headers.get("Content-Type", "").startswith("text/html"):
        response.headers.setdefault("Cache-Control", "no-cache")
    seconds = current_app.config.get("HSTS_SECONDS")
    if seconds and request.is_secure:  # directly or through the trusted proxies (ProxyFix)
        response.headers["Strict-Transport-Security"] = f"max-age={seconds}; includeSubDomains"
    return response


def refuse_an_untrusted_host() -> None:
    """Answer 400 to a request naming a host this site does not serve (checked first)."""
    name = host_header.host_name(request.host)
    if name is None or name not in current_app.config["SITE_HOST_NAMES"]:
        raise SecurityError("untrusted host")


def init_app(app: Flask) -> None:
    """Check the host before anything else, add the headers, expose the nonce to templates."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_an_untrusted_host)
    app.after_request(add_security_headers)
    app.wsgi_app = SecurityHeaders(  # type: ignore[method-assign]  # Werkzeug's middleware pattern
        app.wsgi_app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
