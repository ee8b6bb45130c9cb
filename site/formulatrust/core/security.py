"""The host check that comes first, and security headers set once for every response, with a
per-request CSP nonce."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import SecurityError

from formulatrust.domain import host_header

CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """Return this request's nonce for the rare script that must be inline."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_security_headers(response: Response) -> Response:
    """Add the CSP and the other protective headers to ``response``."""
    response.headers["Content-Security-Policy"] = CSP.format(nonce=csp_nonce())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(self), geolocation=(), microphone=()"
    if response.mimetype == "text/html":
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
    app.jinja_env.globals["csp_nonce"] = csp_nonce
