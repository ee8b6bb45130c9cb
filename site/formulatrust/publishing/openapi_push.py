"""The push API's part of the OpenAPI document (``publishing/api_push.py``, docs/push-api.md)."""

from __future__ import annotations

SECURITY_SCHEMES = {"apiToken": {
    "type": "http", "scheme": "bearer",
    "description": "An enterprise's API token (ftk_…), created by its editors at "
                   "/account/tokens. A token sends data of its own enterprise only."}}

_COUNTS = ("factories_created", "factories_updated", "products_created", "products_updated",
           "products_unchanged", "batches_created", "batches_corrected", "batches_unchanged",
           "serials_registered", "serials_already")
_PROBLEM = {"type": "object", "required": ["record", "field", "message", "message_zh",
                                           "message_en"],
            "properties": {
                "record": {"type": "string", "description": "e.g. batches[5] (lot 20260301A1) "
                                                            "or row 7"},
                "field": {"type": "string", "description": "e.g. release_inspection.date"},
                "message": {"type": "string", "description": "In the request's language."},
                "message_zh": {"type": "string"}, "message_en": {"type": "string"}}}

PUSH_SCHEMAS = {
    "PushSummary": {
        "type": "object", "required": ["enterprise", "dry_run", "message", "summary"],
        "properties": {
            "enterprise": {"type": "string", "description": "The token's enterprise (slug)."},
            "dry_run": {"type": "boolean"},
            "message": {"type": "string", "description": "In the request's language."},
            "summary": {"type": "object", "required": list(_COUNTS),
                        "properties": {name: {"type": "integer", "minimum": 0}
                                       for name in _COUNTS}}}},
    "PushError": {
        "type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["status", "code", "message", "messages"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string", "enum": [
                    "bad_json", "bad_encoding", "unauthorized", "foreign_records", "conflict",
                    "too_large", "unsupported_media_type", "invalid_document", "rate_limited",
                    "bad_request", "server_error"]},
                "message": {"type": "string", "description": "In the request's language."},
                "messages": {"type": "object", "required": ["zh", "en"], "properties": {
                    "zh": {"type": "string"}, "en": {"type": "string"}}},
                "reason": {"type": "string", "description": "Why a token was refused (401).",
                           "enum": ["missing", "malformed", "unknown", "revoked", "expired"]},
                "problems_total": {"type": "integer", "minimum": 0},
                "problems": {"type": "array", "maxItems": 1000, "items": _PROBLEM}}}}},
}

_ERRORS = {
    "400": "The body is not JSON, or not UTF-8.",
    "401": "No token, or a malformed, unknown, revoked or expired one (error.reason).",
    "403": "The document names records of another enterprise (listed); nothing was written.",
    "409": "Another import wrote the same records at the same moment; send again.",
    "413": "The body is too large (16 MiB by default).",
    "415": "Another content type or charset.",
    "422": "Problems in the document (listed with record and field); nothing was written.",
    "429": "Too many requests with this token (60 a minute by default); see Retry-After.",
}
_PARAMETERS = [
    {"name": "dry_run", "in": "query", "required": False,
     "description": "1: check and count everything, write nothing.",
     "schema": {"type": "string", "enum": ["1", "true"]}},
    {"name": "lang", "in": "query", "required": False,
     "description": "Language of the messages: zh (default) or en (or Accept-Language).",
     "schema": {"type": "string", "enum": ["zh", "en"]}},
]


def _post(summary: str, operation: str, media_type: str, body_schema: dict) -> dict:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/PushError"}}}
    ok = {"application/json": {"schema": {"$ref": "#/components/schemas/PushSummary"}}}
    responses = {
        "201": {"description": "Imported: something was created, corrected or updated.",
                "content": ok},
        "200": {"description": "Already on record (nothing changed), or a dry run.",
                "content": ok},
        **{code: {"description": text, "content": error} for code, text in _ERRORS.items()},
    }
    responses["401"]["headers"] = {"WWW-Authenticate": {
        "description": 'Bearer realm="formulatrust", with error="invalid_token" for a token '
                       "that was sent.", "schema": {"type": "string"}}}
    return {"post": {
        "summary": summary, "operationId": operation, "security": [{"apiToken": []}],
        "description": "Checked whole and written all or nothing, like `flask --app wsgi trace "
                       "import`; re-sending the same data changes nothing. See docs/push-api.md "
                       "and docs/trace-import.md.",
        "parameters": _PARAMETERS,
        "requestBody": {"required": True, "content": {media_type: {"schema": body_schema}}},
        "responses": responses}}


PUSH_PATHS = {
    "/api/v1/trace": _post(
        "Push factories, products, batches (with release inspections) and serials",
        "pushTrace", "application/json",
        {"type": "object", "required": ["enterprise"],
         "description": "The trace import document (docs/trace-import.md).",
         "properties": {"enterprise": {"type": "string",
                                       "description": "The token's enterprise (slug)."},
                        **{name: {"type": "array", "items": {"type": "object"}}
                           for name in ("factories", "products", "batches")}}}),
    "/api/v1/trace/serials": _post(
        "Register serials of batches on record from a CSV list", "pushSerials", "text/csv",
        {"type": "string", "description": "UTF-8 CSV with the header gtin,lot,serial and one "
                                          "serial a row."}),
}
