"""Bilingual error pages (and JSON errors for API clients)."""

from __future__ import annotations

from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.wrappers import Response as BaseResponse

from formulatrust.core.i18n import current_language, other_language

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you typed.")),
    403: (_l("Not allowed"), _l("You do not have permission to see or change this.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the address.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Upload too large"), _l("The file or form you sent is too large.")),
    416: (_l("Range not satisfiable"),
          _l("The part of the file you asked for lies beyond its end.")),
    429: (_l("Too many requests"),
          _l("You have sent too many requests. Wait a minute and try again.")),
    500: (_l("Something went wrong"),
          _l("An error on our side stopped this page. Try again later.")),
    503: (_l("Temporarily unavailable"),
          _l("The site cannot reach its database for a moment. Try again in a minute.")),
}
RETRY_AFTER_SECONDS = 30
CSRF_MESSAGE = _l("The form had expired or was not sent from this site. Reload it and try again.")


def wants_json() -> bool:
    """Tell whether the client prefers JSON to HTML (API addresses always answer JSON)."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > 0


def _texts(code: int, detail: Any | None) -> dict[str, tuple[str, str]]:
    """Return the title and message in both languages."""
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    texts = {}
    for lang in (current_language(), other_language()):
        with force_locale(lang):
            texts[lang] = (str(title), str(detail or message))
    return texts


def render_error(code: int, detail: Any | None = None) -> Response:
    """Render the error page for ``code`` in the active and the other language."""
    texts = _texts(code, detail)
    if wants_json():
        body = {"error": {"status": code, **{lang: {"title": t, "message": m}
                                             for lang, (t, m) in texts.items()},
                          # the API's error shape too (open_data/downloads.py api_error)
                          "message": texts[current_language()][1],
                          "messages": {lang: m for lang, (_t, m) in texts.items()}}}
        return make_response(jsonify(body), code)
    return make_response(render_template("errors/error.html", code=code, texts=texts), code)


def handle_http_error(error: HTTPException) -> BaseResponse:
    """Answer an HTTP error with its bilingual page (or the answer it was raised with, such as
    a rate limit's own)."""
    if error.response is not None:
        return error.response  # type: ignore[return-value]  # a WSGI one in a WSGI app
    code = error.code or 500
    if code not in MESSAGES and code < 500:
        code = 400
    response = render_error(code)
    valid_methods = getattr(error, "valid_methods", None)
    if code == 405 and valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    length = getattr(error, "length", None)
    if code == 416 and length is not None:
        response.headers["Content-Range"] = f"bytes */{length}"
    return response


def handle_csrf_error(_error: CSRFError) -> Response:
    """Answer a missing or stale CSRF token with a clear message."""
    return render_error(400, str(CSRF_MESSAGE))


def handle_untrusted_host(_error: SecurityError) -> Response:
    """A Host this site does not serve: a plain bilingual 400 (no page can be built for it)."""
    return Response("400 错误请求：本站不使用这个主机名。\n"
                    "400 Bad Request: this site does not answer to that host name.\n",
                    status=400, mimetype="text/plain")


SCHEMA_PROBLEMS = ("no such table", "no such column", "does not exist")


def handle_database_unavailable(error: OperationalError) -> BaseResponse:
    """The database is away (restarting, unreachable): 503 with Retry-After, never a 500.
    A schema fault (a missing migration) is a real error and stays a 500."""
    if any(problem in str(error.orig) for problem in SCHEMA_PROBLEMS):
        return handle_unexpected(error)
    current_app.logger.warning("database unavailable on %s %s: %s", request.method,
                               request.path, error.orig)
    response = render_error(503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def handle_unexpected(error: Exception) -> BaseResponse:
    """Log an unexpected error and show the 500 page."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(InternalServerError.code)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
