"""The ``/api/v1`` routes: paging, stable ids, errors, CORS, and the OpenAPI document that must
describe every one of them and match what they really answer."""

from __future__ import annotations

import re
from datetime import date

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from formulatrust.results.models import Recall, SamplingResult

from . import open_data_world, test_records_api

open_world = open_data_world.open_world  # the fixtures
records_world = test_records_api.records_world
whole_record_world = test_records_api.whole_record_world
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """Turn a Werkzeug rule (``/x/<int:id>``) into an OpenAPI path (``/x/{id}``)."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def resolve(spec: dict, schema: dict) -> dict:
    """Follow a local ``$ref``."""
    while "$ref" in schema:
        node = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def inline(spec: dict, schema: object) -> object:
    """Replace every local ``$ref`` by its target, so the schema stands alone."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return inline(spec, resolve(spec, schema))
        return {key: inline(spec, value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [inline(spec, value) for value in schema]
    return schema


def test_the_openapi_document_is_valid_openapi_3_1(spec):
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["license"] == {
        "name": "Creative Commons Attribution 4.0 International (CC-BY-4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert spec["servers"][0]["url"].startswith("http")


def test_every_api_route_is_documented(app, spec):
    routes = {(openapi_path(rule.rule), method.lower())
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - IGNORED_METHODS}
    assert routes, "the app should have API routes"
    documented = {(path, method) for path, operations in spec["paths"].items()
                  for method in operations if path.startswith("/api/v1/")}
    assert routes - documented == set(), "undocumented API routes"
    assert documented - routes == set(), "documented routes the app does not have"


RESOLVER_ANSWERS = {
    "/01/{gtin}": "/01/09521234500032",
    "/01/{gtin}/10/{lot}": "/01/09521234500032/10/20260503C3",
    "/01/{gtin}/10/{lot}/21/{serial}": "/01/09521234500018/10/20260301A1/21/REG0001",
}


def test_the_resolvers_json_answers_are_documented_and_match(client, spec, trace):
    resolver_paths = {path for path in spec["paths"] if path.startswith("/01/")}
    assert resolver_paths == set(RESOLVER_ANSWERS)
    for path, url in RESOLVER_ANSWERS.items():
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 200, url
        schema = inline(spec, spec["paths"][path]["get"]["responses"]["200"]["content"][
            "application/json"]["schema"])
        body = response.get_json()
        assert set(schema["required"]) <= set(body) <= set(schema["properties"]), path
        errors = list(Draft202012Validator(schema).iter_errors(body))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


def real_answers(client, world) -> dict[str, object]:
    """A real answer of every documented GET path."""
    result_id = client.get("/api/v1/results").get_json()["results"][0]["id"]
    recall_id = world["recall_ids"][0]
    return {
        "/api/v1/results": client.get("/api/v1/results?compliant=no"),
        "/api/v1/results/{result_id}": client.get(f"/api/v1/results/{result_id}"),
        "/api/v1/results/counts": client.get("/api/v1/results/counts?field=failed_item"),
        "/api/v1/recalls": client.get("/api/v1/recalls"),
        "/api/v1/recalls/{recall_id}": client.get(f"/api/v1/recalls/{recall_id}"),
        "/api/v1/enterprises": client.get("/api/v1/enterprises"),
        **{f"/api/v1/{slug}": client.get(f"/api/v1/{slug}") for slug in (
            "supervision", "licences", "certifications", "penalties", "inspections",
            "statistics", "ratings", "bulletins", "products", "batches", "appeals",
            "replies")},
        "/api/v1/openapi.json": client.get("/api/v1/openapi.json"),
        "/api/v1/industry-statistics": client.get(
            "/api/v1/industry-statistics?measure=sales_value&from=2026-Q1"),
    }


@pytest.fixture
def api_world(session, whole_record_world):
    recall = session.query(Recall).first()
    return {**whole_record_world, "recall_ids": [recall.id]}


def test_real_answers_match_their_documented_schemas(client, spec, api_world):
    answers = real_answers(client, api_world)
    gets = {path for path, operations in spec["paths"].items()
            if "get" in operations and path.startswith("/api/v1/")}
    assert gets <= set(answers), "add a real request for each documented GET path"
    for path, response in answers.items():
        assert response.status_code == 200, path
        schema = inline(spec, spec["paths"][path]["get"]["responses"]["200"]["content"][
            "application/json"]["schema"])
        body = response.get_json()
        assert set(schema["required"]) <= set(body) <= set(schema["properties"]), path
        errors = list(Draft202012Validator(schema).iter_errors(body))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


@pytest.mark.parametrize(("url", "path", "status"), [
    ("/api/v1/results/999999", "/api/v1/results/{result_id}", 404),
    ("/api/v1/recalls/999999", "/api/v1/recalls/{recall_id}", 404),
    ("/api/v1/results?year=soon", "/api/v1/results", 400),
    ("/api/v1/results/counts?field=colour", "/api/v1/results/counts", 400),
    ("/api/v1/recalls?page=zero", "/api/v1/recalls", 400),
    ("/api/v1/enterprises?grade=E", "/api/v1/enterprises", 400),
])
def test_errors_are_documented_json_in_both_languages(client, spec, open_world, url, path,
                                                      status):
    response = client.get(url)
    assert response.status_code == status and response.is_json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert str(status) in spec["paths"][path]["get"]["responses"]
    schema = inline(spec, spec["components"]["schemas"]["Error"])
    assert not list(Draft202012Validator(schema).iter_errors(body))
    messages = body["error"]["messages"]
    assert messages["zh"] and messages["en"] and messages["zh"] != messages["en"]


def test_recalls_api_pages_with_stable_ids(client, session, open_world):
    product = open_world["products"][0]
    session.add_all([Recall(product_id=product.id, lots=[f"L{n:03d}"],
                            announced_on=date(2025, 1, 1 + n % 28), reason_zh="原因。",
                            reason_en="Reason.", action_zh="退货。", action_en="Return it.")
                     for n in range(100)])
    session.commit()
    first = client.get("/api/v1/recalls").get_json()
    assert (first["total"], first["pages"], len(first["recalls"])) == (101, 2, 100)
    assert "prev" not in first["links"] and first["links"]["next"].startswith("http")
    second = client.get(first["links"]["next"]).get_json()
    assert len(second["recalls"]) == 1 and "next" not in second["links"]
    assert second["links"]["prev"] == first["links"]["self"]
    ids = [r["id"] for r in first["recalls"] + second["recalls"]]
    assert len(set(ids)) == 101
    newest = first["recalls"][0]
    assert newest["announced_on"] == "2026-05-01" and newest["lots"] == ["20260402B2"]
    assert client.get(f"/api/v1/recalls/{newest['id']}").get_json() == newest
    assert client.get(newest["permalink"]).status_code == 200
    assert client.get("/api/v1/recalls?page=9").get_json()["page"] == 2  # past the end: last


def test_results_api_links_every_page_and_each_result_by_id(client, open_world):
    body = client.get("/api/v1/results?province=上海").get_json()
    links = body["links"]
    assert links["self"] == links["first"] == links["last"]
    assert links["self"].startswith("http") and "province=" in links["self"]
    one = body["results"][0]
    assert client.get(f"/api/v1/results/{one['id']}").get_json() == one
    assert client.get("/api/v1/results/abc").status_code == 404


def test_a_client_holding_the_same_answer_gets_304_until_the_data_change(client, session,
                                                                        open_world):
    first = client.get("/api/v1/results")
    tag = first.headers["ETag"]
    again = client.get("/api/v1/results", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    session.add(SamplingResult(sample_no="ETAG1", product_name="测试婴儿配方乳粉",
                               enterprise_name="测试乳业有限公司", announced_on=date(2026, 6, 1),
                               compliant=True))
    session.commit()
    changed = client.get("/api/v1/results", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "ETAG1" in changed.get_data(as_text=True)


@pytest.mark.parametrize(("query", "parameter"), [
    ("lang=fr", "lang"),
    ("lang=zh&lang=en", "lang"),
    ("compliant=no&compliant=yes", "compliant"),
    ("year=&compliant=no", "year"),
    ("sort=", "sort"),
])
def test_the_api_refuses_what_the_page_forgives(client, spec, open_world, query, parameter):
    answer = client.get(f"/api/v1/results?{query}")
    assert answer.status_code == 400 and answer.is_json
    body = answer.get_json()
    assert not list(Draft202012Validator(inline(spec, spec["components"]["schemas"][
        "Error"])).iter_errors(body))
    assert body["error"]["parameter"] == parameter
    assert parameter in body["error"]["messages"]["en"]
    assert parameter in body["error"]["messages"]["zh"]
    assert client.get(f"/results?{query}").status_code == 200  # browsers may send these


def test_a_missing_source_url_is_null_as_documented(client, spec, session, open_world):
    result = session.query(SamplingResult).first()
    result.source_url = ""
    session.commit()
    body = client.get(f"/api/v1/results/{result.id}").get_json()
    assert body["source_url"] is None
    schema = spec["components"]["schemas"]["Result"]["properties"]["source_url"]
    assert "null" in schema["type"] and schema["format"] == "uri"
