"""The push API: token authentication, one enterprise per token, all-or-nothing imports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from formulatrust.enterprises.models import Enterprise, Product
from formulatrust.publishing import api_tokens
from formulatrust.publishing.models import ApiToken, AuditEntry
from formulatrust.scan.models import Batch, RegisteredSerial

from ..accounts_factory import make_user, sign_in_as
from ..test_trace_import import GTIN, RIVER_GTIN, example

URL = "/api/v1/trace"


def issue(session, slug: str = "test-dairy", **options) -> str:
    enterprise = session.scalar(select(Enterprise).where(Enterprise.slug == slug))
    _token, text = api_tokens.issue(session, enterprise, "ERP", **options)
    session.commit()
    return text


def push(client, token: str | None, body, path: str = URL, content_type="application/json",
         query: dict | None = None, language: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if language:
        headers["Accept-Language"] = language
    data = json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body
    return client.post(path, data=data, content_type=content_type, headers=headers,
                       query_string=query)


def counts(session) -> dict[str, int]:
    session.expire_all()
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Product, Batch, RegisteredSerial, AuditEntry)}


def river_document() -> dict:
    document = example()
    document["enterprise"] = "river-milk"
    return document


def test_a_valid_document_is_imported_with_an_audit_entry(client, session, world):
    token = issue(session)
    response = push(client, token, example())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["enterprise"] == "test-dairy" and body["dry_run"] is False
    assert body["summary"]["products_created"] == 1
    assert body["summary"]["serials_registered"] == 3
    assert response.headers["Cache-Control"] == "no-store"
    batch = session.scalars(select(Batch).join(Product).where(Product.gtin == GTIN)).one()
    assert batch.release_inspection["passed"] is True
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert entry.object_type == "trace" and entry.summary["enterprise"] == "test-dairy"
    assert entry.summary["serials_registered"] == 3 and entry.summary["token_name"] == "ERP"
    assert token not in json.dumps(entry.summary)
    stored = session.scalars(select(ApiToken)).one()
    assert stored.last_used_at is not None
    assert token.split("_")[-1] not in stored.secret_hash  # only a hash is kept

    again = push(client, token, example())
    assert again.status_code == 200
    assert again.get_json()["summary"]["serials_already"] == 3


def test_a_token_for_one_enterprise_cannot_push_for_another(client, session, world):
    token = issue(session, "test-dairy")
    before = counts(session)
    response = push(client, token, river_document())
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "foreign_records"
    assert {"record": "document", "field": "enterprise"}.items() <= error["problems"][0].items()
    assert counts(session) == before

    # Its own enterprise named, but a batch of the other enterprise's product inside.
    sneaky = example()
    sneaky["batches"][0]["gtin"] = RIVER_GTIN
    sneaky["products"][0]["brand"] = "river-brand"
    response = push(client, token, sneaky)
    assert response.status_code == 403
    problems = {(p["record"], p["field"]) for p in response.get_json()["error"]["problems"]}
    assert ("batches[0] (lot 20260301A1)", "gtin") in problems
    assert ("products[0] (gtin 09521234500049)", "brand") in problems
    assert counts(session) == before


def test_serial_lists_for_another_enterprises_batch_are_refused(client, session, trace):
    own, other = trace["ordinary"], trace["failed"]  # test-dairy's and river-milk's
    token = issue(session)
    rows = "gtin,lot,serial\n{},{},S0000001\n{},{},S0000002\n"
    ok = push(client, token, rows.format(own.product.gtin, own.lot, own.product.gtin, own.lot),
              f"{URL}/serials", "text/csv")
    assert ok.status_code == 201, ok.get_json()
    assert ok.get_json()["summary"]["serials_registered"] == 2
    before = counts(session)
    refused = push(client, token, rows.format(other.product.gtin, other.lot, own.product.gtin,
                                              own.lot), f"{URL}/serials", "text/csv")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["problems"][0]["record"] == "row 2"
    assert counts(session) == before


@pytest.mark.parametrize("problem", ["revoked", "expired", "unknown", "malformed", "missing"])
def test_refused_tokens_get_401_with_a_challenge(client, session, world, problem):
    token = issue(session, expires_in_days=1)
    stored = session.scalars(select(ApiToken)).one()
    if problem == "revoked":
        api_tokens.revoke(session, stored, None)
        session.commit()
    elif problem == "expired":
        stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    elif problem == "unknown":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif problem == "malformed":
        token = "not-a-token"
    before = counts(session)
    response = push(client, None if problem == "missing" else token, example())
    assert response.status_code == 401
    assert response.get_json()["error"]["reason"] == problem
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="formulatrust"')
    assert ('error="invalid_token"' in challenge) is (problem != "missing")
    assert counts(session) == before


def test_a_signed_in_session_is_not_a_token(client, session, world):
    sign_in_as(client, make_user(session, "enterprise", world["enterprises"][0]))
    assert push(client, None, example()).status_code == 401


def test_validation_problems_are_listed_and_nothing_is_written(client, session, world):
    token = issue(session)
    document = example()
    document["batches"][0]["best_before"] = "2020-01-01"
    document["products"][0]["stage"] = 9
    before = counts(session)
    response = push(client, token, document, query={"lang": "en"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_document" and error["problems_total"] >= 2
    fields = {(p["record"], p["field"]) for p in error["problems"]}
    assert ("batches[0] (lot 20260301A1)", "best_before") in fields
    assert ("products[0] (gtin 09521234500049)", "stage") in fields
    assert all(p["message"] == p["message_en"] for p in error["problems"])
    assert counts(session) == before

    unknown_batch = push(client, token, f"gtin,lot,serial\n{GTIN},NOPE,X1\n", f"{URL}/serials",
                         "text/csv")
    assert unknown_batch.status_code == 422
    assert counts(session) == before


def test_a_dry_run_checks_and_counts_but_writes_nothing(client, session, world):
    token = issue(session)
    before = counts(session)
    response = push(client, token, example(), query={"dry_run": "1"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["dry_run"] is True and body["summary"]["batches_created"] == 1
    assert counts(session) == before


@pytest.mark.parametrize("query", [{"dry_run": "maybe"}, {"dry_run": ["1", "0"]},
                                   {"lang": "fr"}])
def test_a_parameter_it_cannot_use_is_400_and_nothing_is_written(client, session, world, query):
    token = issue(session)
    before = counts(session)
    response = push(client, token, example(), query=query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and error["parameter"] == next(iter(query))
    assert error["messages"]["zh"] and error["messages"]["en"]
    assert counts(session) == before


def expected_message(app, lang: str, msgid: str, **values) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **values)


def test_malformed_json_is_400_in_the_requests_language(app, client, session, world):
    token = issue(session)
    chinese = push(client, token, '{"enterprise": ', language="zh-CN")
    by_header = push(client, token, '{"enterprise": ', language="en-GB,en;q=0.9")
    english = push(client, token, '{"enterprise": ', language="zh-CN", query={"lang": "en"})
    assert chinese.status_code == english.status_code == by_header.status_code == 400
    assert chinese.get_json()["error"]["code"] == "bad_json"
    msgid = "The body is not valid JSON: %(problem)s at line %(line)d, column %(column)d."
    values = {"problem": "Expecting value", "line": 1, "column": 16}
    assert chinese.get_json()["error"]["message"] == expected_message(app, "zh", msgid, **values)
    assert english.get_json()["error"]["message"] == expected_message(app, "en", msgid, **values)
    assert by_header.get_json()["error"]["message"] == english.get_json()["error"]["message"]


def test_problems_are_described_in_the_requests_language(client, session, world):
    token = issue(session)
    document = example()
    document["products"][0]["stage"] = 9
    for language, key in (("zh-CN", "message_zh"), ("en", "message_en")):
        response = push(client, token, document, language=language)
        [problem] = response.get_json()["error"]["problems"]
        assert problem["message"] == problem[key] and problem["message_zh"] != problem["message_en"]


def test_text_that_is_not_utf8_is_400(client, session, world):
    token = issue(session)
    not_utf8 = push(client, token, "{\"enterprise\": \"\xff\"}".encode("latin-1"))
    assert not_utf8.status_code == 400 and not_utf8.get_json()["error"]["code"] == "bad_encoding"


def test_wrong_content_type_is_415(client, session, world):
    token = issue(session)
    response = push(client, token, json.dumps(example()), content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    form = client.post(URL, data={"enterprise": "test-dairy"},
                       headers={"Authorization": f"Bearer {token}"})
    assert form.status_code == 415


def test_a_body_over_the_limit_is_413(make_app, app_overrides, session, world):
    app = make_app({**app_overrides, "API_MAX_BYTES": 1000})
    client = app.test_client()
    token = issue(session)
    document = example()
    document["batches"][0]["serials"] = [f"A{n:07d}" for n in range(200)]
    response = push(client, token, document)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_requests_are_rate_limited_per_token(make_app, app_overrides, session, world):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "2/minute"})
    client = app.test_client()
    first, second = issue(session), issue(session)
    answers = [push(client, first, "{}").status_code for _ in range(3)]
    assert answers == [422, 422, 429]
    limited = push(client, first, "{}")
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert limited.headers.get("Retry-After")
    assert push(client, second, "{}").status_code == 422  # each token has its own allowance


def test_answers_match_the_openapi_document(client, session, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    operation = spec["paths"]["/api/v1/trace"]["post"]
    assert operation["security"] == [{"apiToken": []}]
    assert spec["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"

    def valid(name: str, body: dict) -> list[str]:
        schema = {**schemas[name], "$defs": schemas}
        return [error.message for error in Draft202012Validator(schema).iter_errors(body)]

    token = issue(session)
    answers = {201: push(client, token, example()), 200: push(client, token, example()),
               422: push(client, token, {"enterprise": "test-dairy", "products": [{}]}),
               401: push(client, "ftk_nope", example()),
               403: push(client, token, river_document()),
               415: push(client, token, "x", content_type="text/plain"),
               400: push(client, token, "{")}
    for status, response in answers.items():
        assert response.status_code == status
        assert str(status) in operation["responses"]
        name = "PushSummary" if status < 300 else "PushError"
        assert valid(name, response.get_json()) == [], status
        if status >= 400:
            messages = response.get_json()["error"]["messages"]
            assert set(messages) == {"zh", "en"} and all(messages.values())


def test_a_correction_that_drops_an_inspection_item_is_public(client, session, world):
    token = issue(session)
    assert push(client, token, example()).status_code == 201
    corrected = example()
    indicators = corrected["batches"][0]["release_inspection"]["indicators"]
    dropped = indicators.pop(0)["name_zh"]
    assert push(client, token, corrected).status_code in (200, 201)
    batch = session.scalars(select(Batch).join(Product).where(Product.gtin == GTIN)).one()
    assert batch.version == 2
    page = client.get(f"/01/{GTIN}/10/{batch.lot}?lang=en").get_data(as_text=True)
    assert "version 2" in page
    history = f"/scan/history/01/{GTIN}/10/{batch.lot}"
    assert f'href="{history}"' in page
    shown = client.get(f"{history}?lang=en")
    assert shown.status_code == 200
    text = " ".join(BeautifulSoup(shown.get_data(as_text=True), "html.parser").main
                    .get_text().split())
    assert dropped == "蛋白质"
    assert "Inspection items no longer reported: protein" in text  # named in English
    assert "Version 2" in text and "Version 1" in text
    body = client.get(f"/01/{GTIN}/10/{batch.lot}", headers={"Accept": "application/json"})
    assert body.get_json()["batch"]["history"].endswith(history)
