"""The push API: enterprise systems send trace data with an API token (docs/push-api.md).

``POST /api/v1/trace`` takes the JSON document of ``trace import``; ``POST
/api/v1/trace/serials`` takes its CSV serial list. Each request is checked whole and written
all or nothing, with the same functions as the command line. A token belongs to one
enterprise: a document naming another enterprise's records is refused whole (403, listing
them). Every answer is JSON, in the language of ``?lang=`` or ``Accept-Language``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from formulatrust.core import db
from formulatrust.core.extensions import csrf, limiter
from formulatrust.core.i18n import LANGUAGES, current_language
from formulatrust.domain.trace_format import (
    Problem,
    TraceDocument,
    parse_serial_csv,
    parse_trace_json,
)
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import api_tokens, imports, token_service
from formulatrust.publishing.models import ApiToken
from formulatrust.scan.trace_import import ImportSummary, TraceImportError

bp = Blueprint("api_push", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies: each request carries its token

MAX_LISTED = 1000  # problems listed in one answer; ``problems_total`` counts them all
REALM = "formulatrust"
CREATED = ("factories_created", "products_created", "batches_created", "batches_corrected",
           "serials_registered")


def api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_key() -> str:
    """Count requests per live token (requests without one are answered 401, uncounted)."""
    token = authenticated()
    return f"token:{token.public_id}" if isinstance(token, ApiToken) else "anonymous"


def not_authenticated() -> bool:
    """Tell whether the request lacks a live token, so that no rate limit counts it."""
    return not isinstance(authenticated(), ApiToken)


Message = Callable[[], str]  # calls gettext, so it can be said in either language


def error(status: int, code: str, message: Message, **extra) -> Response:
    """Return a JSON error answer: ``{"error": {"status", "code", "message", "messages"…}}``.

    ``message`` is in the request's language, ``messages`` has it in both.
    """
    messages = {}
    for lang in ("zh", "en"):
        with force_locale(lang):
            messages[lang] = message()
    response = jsonify(error={"status": status, "code": code, "message": message(),
                              "messages": messages, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def listed(problems: Sequence[Problem]) -> dict:
    """Describe problems for an answer: the first ``MAX_LISTED`` and how many there are."""
    lang = current_language()
    return {"problems_total": len(problems), "problems": [
        {"record": p.record, "field": p.field,
         "message": p.message_zh if lang == "zh" else p.message_en,
         "message_zh": p.message_zh, "message_en": p.message_en}
        for p in problems[:MAX_LISTED]]}


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Answer errors raised outside the views (rate limit, body size, method) in JSON."""
    size = int(current_app.config["API_MAX_BYTES"])
    known: dict[int, tuple[str, Message]] = {
        413: ("too_large", lambda: _("The request body is larger than %(size)d bytes.",
                                     size=size)),
        429: ("rate_limited", lambda: _("Too many requests with this token. Wait a minute and "
                                        "send again.")),
    }
    status = exc.code or 400
    code, message = known.get(status, ("bad_request", lambda: str(exc.description)))
    return error(status, code, message)


@bp.errorhandler(Exception)
def unexpected(exc: Exception):
    """Log an unexpected error and answer in JSON, never with an HTML page."""
    if isinstance(exc, HTTPException):
        return http_error(exc)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return error(500, "server_error", lambda: _("An error on our side stopped this request. "
                                                "Nothing was written. Try again later."))


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def invalid() -> str:
    return _("Nothing was written: fix every problem listed and send the whole document again.")


# --- authentication ---------------------------------------------------------------------------


UNAUTHORIZED: dict[str, Message] = {
    "missing": lambda: _("Send an API token: Authorization: Bearer <token>."),
    "malformed": lambda: _("This is not an API token of this site. Tokens start with ftk_."),
    "unknown": lambda: _("This API token is not valid."),
    "revoked": lambda: _("This API token has been revoked. Ask your enterprise for a new one."),
    "expired": lambda: _("This API token has expired. Ask your enterprise for a new one."),
}


def authenticated() -> ApiToken | Response:
    """Return the request's live token or its 401 answer, checked once per request."""
    if "api_token" not in g:
        g.api_token = authenticate()
    return g.api_token


def authenticate() -> ApiToken | Response:
    """Return the request's live token (and note its use), or the 401 answer."""
    session = db.session()
    check = api_tokens.verify(session, api_tokens.bearer(request.headers.get("Authorization")))
    if check.token is None:
        response = error(401, "unauthorized", UNAUTHORIZED[check.problem], reason=check.problem)
        challenge = f'Bearer realm="{REALM}"'
        if check.problem != "missing":
            challenge += f', error="invalid_token", error_description="{check.problem}"'
        response.headers["WWW-Authenticate"] = challenge
        return response
    token_service.note_use(check.token)
    return check.token


DRY_RUN = ("1", "true")
PARAMETERS = {"dry_run": (*DRY_RUN, "0", "false"), "lang": tuple(LANGUAGES)}


def refused_parameter() -> Response | None:
    """Return the 400 answer for a documented parameter sent twice or with another value."""
    for name, allowed in PARAMETERS.items():
        values = request.args.getlist(name)
        if len(values) > 1 or (values and values[0] not in allowed):
            choices = ", ".join(allowed)

            def message(name: str = name, choices: str = choices) -> str:
                return _("Send “%(name)s” at most once, with one of: %(choices)s.", name=name,
                         choices=choices)
            return error(400, "bad_request", message, parameter=name)
    return None


def read_text(media_type: str, wrong_type: Message) -> str | Response:
    """Return the body as text if it has ``media_type`` and fits, else the error answer."""
    if request.mimetype != media_type:
        return error(415, "unsupported_media_type", wrong_type)
    limit = int(current_app.config["API_MAX_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    request.max_content_length = limit  # also for bodies sent without a length
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        return error(415, "unsupported_media_type", lambda: _("Send the body in UTF-8."))
    try:
        return request.get_data(cache=False).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = exc.start
        return error(400, "bad_encoding",
                     lambda: _("The body is not UTF-8 (byte %(byte)d).", byte=byte))


# --- the endpoints ----------------------------------------------------------------------------


def push(document_of: Callable[[str], TraceDocument | Response], media_type: str,
         wrong_type: Message):
    """Authenticate, read, check ownership and import one document, all or nothing."""
    token = authenticated()
    if not isinstance(token, ApiToken):
        return token
    refused = refused_parameter()
    if refused is not None:
        return refused
    text = read_text(media_type, wrong_type)
    if not isinstance(text, str):
        return text
    document = document_of(text)
    if not isinstance(document, TraceDocument):
        return document
    session = db.session()
    enterprise = session.get_one(Enterprise, token.enterprise_id)
    if document.problems:
        return error(422, "invalid_document", invalid, **listed(document.problems))
    foreign = imports.foreign_records(document, enterprise)
    if foreign:
        return error(403, "foreign_records",
                     lambda: _("Nothing was written: this token may only send data of its own "
                               "enterprise."), **listed(foreign))
    dry_run = request.args.get("dry_run", "") in DRY_RUN
    source = imports.Source(None, f"API {token.public_id}",
                            {"api_token": token.id, "token_name": token.name})
    try:
        summary = imports.import_trace(source, document, enterprise, dry_run=dry_run)
    except TraceImportError as exc:
        return error(422, "invalid_document", invalid, **listed(exc.problems))
    except IntegrityError:
        return error(409, "conflict", lambda: _("Another import changed the same records at "
                                                "the same time. Nothing was written: send the "
                                                "document again."))
    return answer(summary, imports.trace_counts(summary), enterprise, dry_run)


def answer(summary: ImportSummary, counts: dict, enterprise: Enterprise, dry_run: bool):
    """201 when something was created or changed, 200 when the data was already on record."""
    changed = any(counts[name] for name in CREATED) or bool(
        summary.factories_updated or summary.products_updated)
    message = (_("Checked: nothing was written (dry run).") if dry_run
               else _("Imported.") if changed else _("Already on record: nothing changed."))
    response = jsonify(enterprise=enterprise.slug, dry_run=dry_run, message=message,
                       summary=counts)
    response.status_code = 201 if changed and not dry_run else 200
    return response


def json_document(text: str) -> TraceDocument | Response:
    """Parse a trace JSON document, answering 400 for text that is not JSON at all."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        values = {"problem": exc.msg, "line": exc.lineno, "column": exc.colno}
        return error(400, "bad_json", lambda: _("The body is not valid JSON: %(problem)s at "
                                                "line %(line)d, column %(column)d.", **values))
    except RecursionError:
        return error(400, "bad_json", lambda: _("The body is nested too deeply."))
    return parse_trace_json(text)


def csv_document(text: str) -> TraceDocument:
    rows = parse_serial_csv(text)
    return TraceDocument(serial_rows=rows, problems=rows.problems)


@bp.post("/trace")
@limiter.limit(api_limit, key_func=rate_key, exempt_when=not_authenticated)
def trace():
    """Import factories, products, batches, inspections and serials (the trace JSON format)."""
    return push(json_document, "application/json",
                lambda: _("Send a JSON document with Content-Type: application/json."))


@bp.post("/trace/serials")
@limiter.limit(api_limit, key_func=rate_key, exempt_when=not_authenticated)
def serials():
    """Register serials of batches on record from a CSV list (header gtin,lot,serial)."""
    return push(csv_document, "text/csv",
                lambda: _("Send a CSV serial list with Content-Type: text/csv."))
