"""The OpenAPI 3.1 description of ``/api/v1``, built from the field definitions.

Record schemas come from ``open_data_fields``, so the API description, the CSV and JSON
downloads and the data dictionary page describe the same fields. A blueprint that adds an
``/api/v1`` route adds its operation to ``PATHS`` (a test fails for any route left out).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale

from formulatrust.domain.data_licences import DataLicence
from formulatrust.open_data.api_fields import (
    APPEALS,
    BATCHES,
    BULLETINS,
    PRODUCTS,
    RATING_HISTORY,
    REPLIES,
)
from formulatrust.open_data.fields import (
    CERTIFICATIONS,
    ENTERPRISES,
    INDUSTRY_STATISTICS,
    INSPECTIONS,
    LICENCES,
    PENALTIES,
    RECALLS,
    RESULTS,
    STATISTICS,
    SUPERVISION,
    Dataset,
    Field,
)
from formulatrust.publishing.openapi_push import PUSH_PATHS, PUSH_SCHEMAS, SECURITY_SCHEMES
from formulatrust.scan.openapi_resolver import RESOLVER_PATHS, RESOLVER_SCHEMAS

VERSION = "1.0.0"
PAGE_SIZE = 100


def text(message: object) -> str:
    """Return a message in English, then in Chinese."""
    with force_locale("en"):
        english = str(message)
    with force_locale("zh"):
        chinese = str(message)
    return english if english == chinese else f"{english}\n\n{chinese}"


def _steps(key: str) -> list[str]:
    return key.replace("[]", ".[]").split(".")


def _example(field: Field) -> object:
    """Return the field's example as a JSON value (None for lists and objects)."""
    if not field.example or field.kind in ("list", "object"):
        return None
    convert: dict[str, Callable[[str], object]] = {"integer": int, "number": float,
                                                   "boolean": lambda v: v == "true"}
    return convert.get(field.kind, str)(field.example)


def _place(node: dict, steps: list[str], field: Field) -> None:
    name, rest = steps[0], steps[1:]
    properties = node.setdefault("properties", {})
    if not rest:
        properties[name] = {**field.json_type, **properties.get(name, {}),
                            "description": text(field.meaning)}
        example = _example(field)
        if example is not None:
            properties[name]["examples"] = [example]
        node.setdefault("required", []).append(name)
        return
    if name not in properties:
        properties[name] = {"type": "array" if rest[0] == "[]" else "object"}
        node.setdefault("required", []).append(name)
    child = properties[name]
    if rest[0] == "[]":
        child = child.setdefault("items", {"type": "object"})
        rest = rest[1:]
    _place(child, rest, field)


def record_schema(dataset: Dataset) -> dict:
    """Return the JSON Schema of one record of ``dataset``."""
    schema: dict = {"type": "object", "description": text(dataset.description)}
    for field in dataset.fields:
        _place(schema, _steps(field.key), field)
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(items: str, schema: str, order: str = "newest first") -> dict:
    return {"type": "object", "required": ["total", "page", "pages", "links", "licence", items],
            "properties": {
                "total": {"type": "integer", "description": "Records matching the filters."},
                "page": {"type": "integer", "description": "This page (1 is the first)."},
                "pages": {"type": "integer", "description": "Number of pages (at least 1)."},
                "links": _ref("Links"), "licence": _ref("Licence"),
                items: {"type": "array", "items": _ref(schema),
                        "description": f"Up to {PAGE_SIZE} records, {order}."}}}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string", "minLength": 1, "maxLength": 100}}


LANG = _query("lang", "Language of error messages: zh (default) or en; anything else is "
              "refused (400).",
              {"type": "string", "enum": ["zh", "en"]})
PAGE = _query("page", f"Page number; {PAGE_SIZE} records a page. Past the last page, the last "
              "page is returned.", {"type": "integer", "minimum": 1, "maximum": 100000})
RESULT_FILTERS = [
    _query("q", "Full-text search (Chinese and English): product, brand, enterprise, sampled "
           "unit, failed item, lab, announcement."),
    _query("year", "Year of the announcement.",
           {"type": "integer", "minimum": 1990, "maximum": 2100}),
    _query("compliant", "yes: compliant results only; no: failures only.",
           {"type": "string", "enum": ["yes", "no"]}),
    _query("enterprise", "Producer named on the label (exact)."),
    _query("category", "Food category (exact)."),
    _query("item", "A failed item (exact), e.g. 阪崎肠杆菌."),
    _query("province", "Province of the sampled unit (exact)."),
    _query("lab", "Laboratory (exact)."),
    _query("sort", "date (newest first; the default without q) or relevance (the default "
           "with q).", {"type": "string", "enum": ["date", "relevance"]}),
]
ENTERPRISE_FILTERS = [
    _query("grade", "Current grade.", {"type": "string", "enum": ["A", "B", "C", "D"]}),
    _query("district", "District, in Chinese or English (exact).",
           {"type": "string", "minLength": 1, "maxLength": 50}),
    _query("sort", "grade (default), name, district or assessed (newest assessment first).",
           {"type": "string", "enum": ["grade", "name", "district", "assessed"]}),
]


def _id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "headers": {"Access-Control-Allow-Origin": {
        "description": "Always *: any site may read the answer.",
        "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    reasons = {400: "A parameter cannot be used (sent twice, empty, or out of range); "
                    "`parameter` names it.",
               404: "No record has this id."}
    return {str(code): {"description": reasons[code], "content": {
        "application/json": {"schema": _ref("Error")}}} for code in codes}


NOT_MODIFIED = {"description": "The answer has not changed since the one whose ETag the "
                               "request sent in If-None-Match; no body."}


def _get(summary: str, operation: str, parameters: list, ok: dict, *errors: int) -> dict:
    ok = {**ok, "headers": {**ok.get("headers", {}), "ETag": {
        "description": "Identifies this answer; send it back in If-None-Match.",
        "schema": {"type": "string"}}}}
    return {"get": {"summary": summary, "operationId": operation, "parameters": parameters,
                    "responses": {"200": ok, "304": NOT_MODIFIED, **_errors(*errors)}}}


PATHS: dict[str, dict] = {
    "/api/v1/results": _get(
        "Sampling results, filtered like /results, 100 a page", "listResults",
        [*RESULT_FILTERS, PAGE, LANG], _ok("One page of results.", _ref("ResultsPage")), 400),
    "/api/v1/results/counts": _get(
        "How many of the filtered results have each value of a field, most first",
        "countResults",
        [{**_query("field", "The field counted.", {"type": "string", "enum": [
            "year", "compliant", "enterprise", "category", "failed_item", "province",
            "lab"]}), "required": True},
         _query("limit", "At most this many values (default 100).",
                {"type": "integer", "minimum": 1, "maximum": 1000}),
         *[f for f in RESULT_FILTERS if f["name"] != "sort"], LANG],
        _ok("The counts.", _ref("Counts")), 400),
    "/api/v1/results/{result_id}": _get(
        "One sampling result by its stable id", "getResult",
        [_id("result_id", "The result's id."), LANG], _ok("The result.", _ref("Result")),
        400, 404),
    "/api/v1/recalls": _get(
        "Recalls, newest first, 100 a page", "listRecalls", [PAGE, LANG],
        _ok("One page of recalls.", _ref("RecallsPage")), 400),
    "/api/v1/recalls/{recall_id}": _get(
        "One recall by its stable id", "getRecall",
        [_id("recall_id", "The recall's id."), LANG], _ok("The recall.", _ref("Recall")),
        400, 404),
    "/api/v1/enterprises": _get(
        "Every enterprise with its brands and current integrity rating", "listEnterprises",
        [*ENTERPRISE_FILTERS, LANG], _ok("Every matching enterprise (not paged).", {
            "type": "object", "required": ["enterprises", "licence"],
            "properties": {"enterprises": {"type": "array", "items": _ref("Enterprise")},
                           "licence": _ref("Licence")}}), 400),
    "/api/v1/openapi.json": _get(
        "This description of the API", "getOpenAPI", [],
        _ok("The OpenAPI 3.1 document.", {
            "type": "object", "required": ["openapi", "info", "servers", "paths", "components"],
            "properties": {name: {"type": "object"} for name in (
                "info", "paths", "components", "externalDocs")}
            | {"openapi": {"type": "string"}, "servers": {"type": "array"}}}), 400),
}

# The record sets of ``records_api``: schema name, dataset, summary.
RECORD_SETS = {
    "supervision": ("Listing", SUPERVISION, "The key-supervision list"),
    "licences": ("LicenceEvent", LICENCES, "Production licence events of every producer"),
    "certifications": ("Certification", CERTIFICATIONS, "Certifications of every producer"),
    "penalties": ("Penalty", PENALTIES, "Administrative penalties on record"),
    "inspections": ("Inspection", INSPECTIONS, "Regulators' inspections on record"),
    "statistics": ("Figure", STATISTICS, "The published bulletins' statistics, a figure a row"),
}
# The record sets of ``record_sets`` (no complete file), ordered by id.
ID_ORDERED_SETS = {
    "ratings": ("RatingAssessment", RATING_HISTORY, "Every integrity assessment on record"),
    "bulletins": ("Bulletin", BULLETINS, "The published bulletins"),
    "products": ("Product", PRODUCTS, "Every registered product"),
    "batches": ("Batch", BATCHES, "Public facts of every batch"),
    "appeals": ("Appeal", APPEALS, "Enterprises' appeals and their decisions"),
    "replies": ("Reply", REPLIES, "Enterprises' replies to records about them"),
}
for _slug, (_name, _dataset, _summary) in (RECORD_SETS | ID_ORDERED_SETS).items():
    PATHS[f"/api/v1/{_slug}"] = _get(
        f"{_summary}, 100 a page", f"list{_slug.title()}", [PAGE, LANG],
        _ok("One page of records.", _ref(f"{_name}Page")), 400)

PERIOD = {"type": "string", "pattern": "^(20[0-9][0-9]|2100)-(0[1-9]|1[0-2]|Q[1-4])$"}
PATHS["/api/v1/industry-statistics"] = _get(
    "Industry statistics published by associations, filtered like /industry-statistics, "
    "100 a page", "listIndustryStatistics",
    [_query("measure", "Only this measure.", {"type": "string", "enum": [
        "production_volume", "sales_volume", "sales_value"]}),
     _query("series", "Only one series: organisation|measure|category_zh|stage_zh (stage "
            "empty for all stages).", {"type": "string", "maxLength": 300,
                                       "pattern": "^[^|]*[|][^|]*[|][^|]*[|][^|]*$"}),
     _query("from", "From this period on: a month (2026-03) or a quarter (2026-Q1).", PERIOD),
     _query("to", "Up to this period.", PERIOD), PAGE, LANG],
    _ok("One page of figures.", _ref("IndustryFiguresPage")), 400)
PATHS.update(PUSH_PATHS)  # the push API (publishing/api_push.py)
PATHS.update(RESOLVER_PATHS)  # the resolver's JSON answers (scan/openapi_resolver.py)
# gunicorn refuses a request line over about 4 KB before the site sees it, with its own page.
TOO_LONG = {"description": "The address is too long (over about 4 KB); nothing was read."}
for _operations in PATHS.values():
    for _operation in _operations.values():
        _operation["responses"].setdefault("414", TOO_LONG)


def components() -> dict:
    """Return the shared schemas."""
    link = {"type": "string", "format": "uri"}
    return {"schemas": {
        "Result": record_schema(RESULTS),
        "Recall": record_schema(RECALLS),
        "Enterprise": record_schema(ENTERPRISES),
        "ResultsPage": _page_of("results", "Result"),
        **{name: record_schema(dataset) for name, dataset, _s in RECORD_SETS.values()},
        **{f"{name}Page": _page_of(slug, name, "in the order of the complete data file")
           for slug, (name, _d, _s) in RECORD_SETS.items()},
        **{name: record_schema(dataset) for name, dataset, _s in ID_ORDERED_SETS.values()},
        **{f"{name}Page": _page_of(slug, name, "oldest first (by id)")
           for slug, (name, _d, _s) in ID_ORDERED_SETS.items()},
        "RecallsPage": _page_of("recalls", "Recall"),
        "IndustryFigure": record_schema(INDUSTRY_STATISTICS),
        "IndustryFiguresPage": _page_of("figures", "IndustryFigure",
                                        "by measure, series and period"),
        "Links": {"type": "object", "required": ["self", "first", "last"],
                  "description": "Absolute links to pages of the same query; prev and next "
                                 "only where those pages exist.",
                  "properties": {name: link for name in ("self", "first", "last", "prev",
                                                         "next")}},
        "Licence": {**link, "description": "The address of the data licence (the setting "
                                           "DATA_LICENCE, CC-BY-4.0 unless the publisher "
                                           "chose another)."},
        "Counts": {"type": "object", "required": ["field", "total", "counts", "licence"],
                   "properties": {
                       "field": {"type": "string", "description": "The field counted."},
                       "total": {"type": "integer",
                                 "description": "Results matching the filters."},
                       "counts": {"type": "array", "items": {
                           "type": "object", "required": ["value", "count"], "properties": {
                               "value": {"type": ["string", "integer"], "description":
                                         "A value of the field (a year is a number; "
                                         "compliance is yes or no)."},
                               "count": {"type": "integer", "minimum": 1}}}},
                       "licence": _ref("Licence")}},
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["status", "message", "messages"], "properties": {
                "status": {"type": "integer"},
                "parameter": {"type": "string", "description": "The parameter at fault."},
                "message": {"type": "string", "description": "In the reader's language."},
                "messages": {"type": "object", "required": ["zh", "en"], "properties": {
                    "zh": {"type": "string"}, "en": {"type": "string"}}}}}}},
        **PUSH_SCHEMAS,
        **RESOLVER_SCHEMAS,
    }, "securitySchemes": SECURITY_SCHEMES}


def document(server: str, licence: DataLicence, dictionary_url: str) -> dict:
    """Return the OpenAPI document for the site at ``server``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shanghai Infant Formula Trust open data API",
            "version": VERSION,
            "summary": "Sampling results, recalls and enterprises with their integrity ratings.",
            "description": (
                "Reading needs no key, CORS open to every site; only the push endpoints "
                "(/api/v1/trace…) need an enterprise's API token. Lists are paged 100 "
                "records at a time, newest first (the whole-record sets in the order of their "
                "complete files, or oldest first by id); follow links.next until it is absent. Ids "
                "are stable: a result or recall keeps its id and permanent page when it is "
                "corrected. Errors are JSON with the message in Chinese and English. The same "
                "records download as CSV (UTF-8 with BOM) and JSON from the pages themselves "
                "with ?format=csv or ?format=json. Send each parameter at most once and never "
                "empty: the API answers 400 naming it (the pages ignore the extra copies)."),
            "license": {"name": f"{licence.name_en} ({licence.spdx})", "url": licence.url},
        },
        "externalDocs": {"description": "Data dictionary: every field in both languages",
                         "url": dictionary_url},
        "servers": [{"url": server.rstrip("/")}],
        "paths": PATHS,
        "components": components(),
    }
