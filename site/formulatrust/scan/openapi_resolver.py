"""The resolver's part of the OpenAPI document: the JSON answer about a product, batch or can.

``/01/{gtin}[/10/{lot}[/21/{serial}]]`` answers JSON with ``Accept: application/json`` or
``?linkType=gs1:traceability`` (``scan/provenance_json.py`` builds it; the README lists it).
"""

from __future__ import annotations

_TEXT = {"type": "object", "required": ["zh", "en"],
         "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
_DAY = {"type": ["string", "null"], "format": "date"}
_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}

_REASON = {
    "type": "object", "required": ["kind", "level", "link"],
    "properties": {
        "kind": {"type": "string", "enum": [
            "recall", "recall_withdrawn", "lot_failure", "lot_failure_overturned",
            "serial_unknown", "code_copied", "code_expired", "code_expiry_mismatch",
            "lot_not_registered",
            "product_failures", "rating"],
            "description": "What the reason rests on."},
        "level": {"type": "string", "enum": ["danger", "warning", "note", "ok"]},
        "link": {"description": "The path of the record (a list for several), or null.",
                 "oneOf": [_STRING, {"type": "array", "items": _STRING}, {"type": "null"}]}}}

_RESULT = {
    "type": "object",
    "required": ["id", "sample_no", "compliant", "overturned_on", "lot", "announced_on",
                 "announcement_no", "lab", "failed_items"],
    "properties": {
        "id": {"type": "integer"}, "sample_no": _STRING, "compliant": {"type": "boolean"},
        "overturned_on": _DAY, "lot": _STRING, "announced_on": _DAY, "announcement_no": _STRING,
        "lab": _STRING,
        "failed_items": {"type": "array", "items": {
            "type": "object", "required": ["item", "measured", "limit"],
            "properties": {"item": _STRING, "measured": _STRING, "limit": _STRING}}}}}

_RECALL = {
    "type": "object",
    "required": ["id", "status", "announced_on", "lots", "reason", "action", "source_url"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["ongoing", "completed", "withdrawn"]},
        "announced_on": _DAY,
        "lots": {"oneOf": [{"const": "all"}, {"type": "array", "items": _STRING}]},
        "reason": _TEXT, "action": _TEXT, "source_url": _STRING}}

PROVENANCE = {
    "type": "object",
    "description": "Every fact about a product, batch or can, and the verdict its page opens "
                   "with (most severe reason first).",
    "required": ["uri", "level", "verdict", "lot_on_record", "serial", "product", "batch",
                 "recalls", "sampling_results", "integrity_rating", "supervision_listings"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "level": {"type": "string", "enum": ["product", "batch", "can"]},
        "verdict": {"type": "object", "required": ["level", "reasons"], "properties": {
            "level": {"type": "string", "enum": ["danger", "warning", "ok"]},
            "reasons": {"type": "array", "items": _REASON}}},
        "lot_on_record": {"type": ["boolean", "null"]},
        "serial": {"oneOf": [{"type": "null"}, {
            "type": "object", "required": ["value", "status"], "properties": {
                "value": _STRING,
                "status": {"type": "string", "enum": ["issued", "registered", "unknown"]}}}]},
        "product": {"type": "object", "required": ["gtin", "name", "stage", "brand",
                                                    "enterprise"],
                    "properties": {"gtin": _STRING, "name": _TEXT, "stage": {"type": "integer"},
                                   "age_months": _NULLABLE_STRING,
                                   "registration_no": _STRING,
                                   "net_content_g": {"type": "integer"},
                                   "brand": {"type": "object"}, "enterprise": {"type": "object"}}},
        "batch": {"type": ["object", "null"]},
        "recalls": {"type": "array", "items": _RECALL},
        "sampling_results": {"type": "object", "required": ["batch", "product"], "properties": {
            "batch": {"type": "array", "items": _RESULT},
            "product": {"type": "array", "items": _RESULT}}},
        "integrity_rating": {"type": ["object", "null"]},
        "supervision_listings": {"type": "array", "items": {"type": "object"}}}}

_GTIN = {"name": "gtin", "in": "path", "required": True,
         "description": "GTIN-14 (8, 12 and 13 digits redirect to it); a wrong check digit "
                        "is 400.",
         "schema": {"type": "string", "pattern": "^[0-9]{14}$"}}
# GS1 CSET 82 (less "/" and "%", which a path segment cannot carry plainly).
_CODE = {"type": "string", "pattern": "^[A-Za-z0-9!\"&'()*+,.:;<=>?_-]{1,20}$"}
_LOT = {"name": "lot", "in": "path", "required": True, "description": "Batch/lot (GS1 AI 10).",
        "schema": _CODE}
_SERIAL = {"name": "serial", "in": "path", "required": True,
           "description": "The can's serial (GS1 AI 21).", "schema": _CODE}
_LINK_TYPES = ("linkset", "all", "gs1:pip", "gs1:defaultLink", "gs1:recallStatus",
               "gs1:traceability", "gs1:certificationInfo", "gs1:verificationService")
_LINK_TYPE = {"name": "linkType", "in": "query", "required": False,
              "description": "gs1:traceability answers this JSON without an Accept header; "
                             "linkset (or all) answers the RFC 9264 linkset; the other link "
                             "types redirect (307) to their target; a link type this resolver "
                             "lacks is 404. gs1: may also be written https://gs1.org/voc/.",
              "schema": {"type": "string", "enum": list(_LINK_TYPES)}}
_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["status", "code", "message"],
    "properties": {"status": {"type": "integer"}, "code": _STRING, "part": _STRING,
                   "message": _STRING, "gtin": _STRING}}}}
_PAGE = {"text/html": {"schema": {"type": "string"}}}
_LINKSET = {"type": "object", "required": ["linkset"],
            "properties": {"linkset": {"type": "array", "items": {"type": "object"}}}}
_LOCATION = {"Location": {"description": "Where to go.", "schema": {"type": "string"}}}


def _answers(description: str, schema: dict) -> dict:
    """The same answer as JSON (Accept: application/json) or as the page (a browser)."""
    return {"description": description,
            "content": {"application/json": {"schema": schema}, **_PAGE}}


def _operation(summary: str, operation: str, parameters: list) -> dict:
    return {"get": {
        "summary": summary, "operationId": operation, "parameters": [*parameters, _LINK_TYPE],
        "description": "What is answered follows linkType, else the Accept header: JSON "
                       "(application/json), the linkset (application/linkset+json, or "
                       "application/ld+json with its context) or the page (text/html).",
        "responses": {
            "200": {**_answers("The facts and the verdict.", {
                "$ref": "#/components/schemas/Provenance"}), "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Provenance"}},
                "application/linkset+json": {"schema": _LINKSET},
                "application/ld+json": {"schema": _LINKSET}, **_PAGE}},
            "301": {"description": "A GTIN-8, -12 or -13: the same key with its GTIN-14.",
                    "headers": _LOCATION},
            "307": {"description": "A link type whose target is another page.",
                    "headers": _LOCATION},
            "400": _answers("The key is malformed; `part` says which part.", _ERROR),
            "404": _answers("The product is not on record, or the link type is lacking.",
                            _ERROR)}}}


RESOLVER_PATHS = {
    "/01/{gtin}": _operation("A product: its facts, results and recalls", "getProduct",
                             [_GTIN]),
    "/01/{gtin}/10/{lot}": _operation("A batch: its trace record, results and recalls",
                                      "getBatch", [_GTIN, _LOT]),
    "/01/{gtin}/10/{lot}/21/{serial}": _operation(
        "A can: the batch's facts, the serial's status and the verdict", "getCan",
        [_GTIN, _LOT, _SERIAL]),
}
RESOLVER_SCHEMAS = {"Provenance": PROVENANCE}
