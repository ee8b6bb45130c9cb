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
                "parameter": {"type": "string", "description": "The parameter at fault (400)."},
                "reason": {"type": "string", "description": "Why a token was refused (401).",
                           "enum": ["missing", "malformed", "unknown", "revoked", "expired"]},
                "problems_total": {"type": "integer", "minimum": 0},
                "problems": {"type": "array", "maxItems": 1000, "items": _PROBLEM}}}}},
}

_ERRORS = {
    "400": "The body is not JSON, or not UTF-8; or a parameter cannot be used (error.parameter).",
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
     "description": "1 or true: check and count everything, write nothing.",
     "schema": {"type": "string", "enum": ["1", "true", "0", "false"]}},
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


# The trace document's structure, as ``domain/trace_format.py`` checks it. Text is trimmed
# before its length is checked, so lengths are described, not enforced, here. What no schema
# can say (GTIN check digits, dates in order, duplicates, brands and batches on record) is
# answered 422 with the problems listed.
_SLUG = {"type": "string", "pattern": r"^\s*[a-z0-9]+(-[a-z0-9]+)*\s*$"}
_GTIN = {"type": "string", "pattern": r"^\s*([0-9]{8}|[0-9]{12,14})\s*$",
         "description": "GTIN-8, -12, -13 or -14 with its check digit."}
_CODE = {"type": "string", "pattern": r"^\s*[A-Za-z0-9!\"%&'()*+,\-./:;<=>?_]{1,20}\s*$",
         "description": "1-20 GS1 CSET 82 characters."}
_DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def _text(length: int) -> dict:
    return {"type": "string", "pattern": r"\S",
            "description": f"At most {length} characters, spaces around trimmed."}


def _record(required: dict, optional: dict | None = None) -> dict:
    """An object with ``required`` and ``optional`` members (null counts as absent)."""
    optional = {name: {**schema, "type": [schema["type"], "null"]}
                for name, schema in (optional or {}).items()}
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": {**required, **optional}}


def _list_of(item: dict) -> dict:
    return {"type": "array", "items": item}


def _or_empty(schema: dict) -> dict:
    """A nested object that may also be sent empty, meaning "no data"."""
    return {"anyOf": [{"type": "object", "maxProperties": 0}, schema]}


_INDICATOR = _record({"name_zh": _text(200), "value": _text(200)},
                     {"name_en": _text(200), "limit": _text(300)})
_RAW_MATERIAL = _record({"name_zh": _text(200)},
                        {"name_en": _text(200), "origin_zh": _text(200),
                         "origin_en": _text(200), "lot": _text(40)})
_BATCH = _record(
    {"gtin": _GTIN, "lot": _CODE, "factory": _text(40), "produced_on": _DATE,
     "best_before": _DATE},
    {"milk_source": _record({}, {name: _text(200) for name in (
        "farms_zh", "farms_en", "region_zh", "region_en", "country_zh", "country_en",
        "collected")}),
     "raw_materials": _list_of(_RAW_MATERIAL),
     "release_inspection": {"type": "object"},
     "serials": _list_of(_CODE)})
_BATCH["properties"]["release_inspection"] = {"anyOf": [{"type": "null"}, _or_empty(_record(
    {"date": _DATE, "passed": {"type": "boolean"}},
    {"indicators": _list_of(_INDICATOR)}))]}
_FACTORY = _record({"key": _text(40), "name_zh": _text(200), "name_en": _text(200),
                    "licence_no": {"type": "string", "pattern": r"^\s*SC[0-9]{14}\s*$"},
                    "address_zh": _text(300), "address_en": _text(300)})
_PRODUCT = _record({"gtin": _GTIN, "brand": _SLUG, "name_zh": _text(200),
                    "name_en": _text(200),
                    "stage": {"type": "integer", "minimum": 1, "maximum": 3},
                    "registration_no": {"type": "string",
                                        "pattern": r"^\s*国食注字YP[0-9]{4,12}\s*$"},
                    "net_content_g": {"type": "integer", "minimum": 1, "maximum": 100000}})
TRACE_DOCUMENT = {
    **_record({"enterprise": {**_SLUG, "description": "The token's enterprise (slug)."}},
              {"factories": _list_of(_FACTORY), "products": _list_of(_PRODUCT),
               "batches": _list_of(_BATCH)}),
    "description": "The trace import document (docs/trace-import.md)."}
SERIAL_LIST = {"type": "string", "pattern": r"^\s*gtin\s*,\s*lot\s*,\s*serial\s*(\n|$)",
               "description": "UTF-8 CSV with the header gtin,lot,serial and one serial a row."}

PUSH_PATHS = {
    "/api/v1/trace": _post(
        "Push factories, products, batches (with release inspections) and serials",
        "pushTrace", "application/json", TRACE_DOCUMENT),
    "/api/v1/trace/serials": _post(
        "Register serials of batches on record from a CSV list", "pushSerials", "text/csv",
        SERIAL_LIST),
}
