"""The API keeps its own OpenAPI document: Schemathesis, every check, against real gunicorn."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.enterprises.models import Appeal, Enterprise, Reply
from formulatrust.publishing import api_tokens
from formulatrust.results.models import SamplingResult

from . import bulletins_factory, factories
from .liveserver import serving

# Pushes a token may send a minute. The anonymous test sends more than two workers' worth;
# Schemathesis's own pushes (about 150 an operation) stay under it.
RATE_LIMIT = 300
# Examples per operation and phase: the run takes about half a minute on two cores.
MAX_EXAMPLES = 20
SEED = 20261207
PUSH_OPERATIONS = ("pushTrace", "pushSerials")
RESOLVER_OPERATIONS = ("getProduct", "getBatch", "getCan")
# What JSON Schema cannot say, so a schema-valid request may still be refused for it:
# a push with a wrong GTIN check digit, dates out of order or a brand not on record (422,
# problems listed), and a resolver key with a wrong GTIN check digit (400).
REFUSED_BEYOND_THE_SCHEMA = {**dict.fromkeys(PUSH_OPERATIONS, "422"),
                             **dict.fromkeys(RESOLVER_OPERATIONS, "400")}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# Refusals of a request that breaks the schema: Schemathesis's own list, and 414 for an address
# gunicorn finds too long before the site reads it.
REFUSED = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429",
           "5xx"]


@pytest.fixture(scope="module")
def api_server(database_url, tmp_path_factory):
    """Serve a small world (results failed and compliant, a recall, ratings, a bulletin, an
    appeal and a reply) and a token."""
    folder = tmp_path_factory.mktemp("contract")
    tokens: dict[str, str] = {}

    def fill(_app) -> None:
        session = db.session()
        world = factories.small_world(session)
        factories.trace_world(session, world)
        session.add(SamplingResult(
            product_id=world["products"][0].id, enterprise_id=world["enterprises"][0].id,
            lot="20260301A1", product_name="测试婴儿配方乳粉（1段）",
            enterprise_name="测试乳业有限公司", compliant=True, announced_on=date(2026, 7, 1),
            announcement_no="2026年第12号", source_url="https://example.gov.cn/notice/12"))
        dairy = session.scalar(select(Enterprise).where(Enterprise.slug == "test-dairy"))
        session.add_all([
            Appeal(enterprise_id=dairy.id, target="result", target_id=1, grounds_zh="复检合格。",
                   filed_on=date(2026, 7, 5), status="upheld", decided_on=date(2026, 8, 1)),
            Reply(enterprise_id=dairy.id, target="result", target_id=1, body_zh="已复检。",
                  replied_on=date(2026, 7, 6))])
        bulletins_factory.bulletin(session)
        tokens["test-dairy"] = api_tokens.issue(session, dairy, "ERP")[1]

    env = (f"FORMULATRUST_API_RATE_LIMIT={RATE_LIMIT}/minute",)
    with serving(database_url, folder, "contract", fill, options=("--env", *env)) as base:
        yield base, tokens["test-dairy"], folder


def test_anonymous_pushes_get_401_and_are_never_rate_limited(api_server):
    base, _token, _folder = api_server
    answers = [anonymous_push(base) for _ in range(2 * RATE_LIMIT + 1)]
    assert {status for status, _body in answers} == {401}
    error = answers[-1][1]["error"]
    assert error["code"] == "unauthorized" and error["reason"] == "missing"
    assert error["messages"]["zh"] and error["messages"]["en"]


def anonymous_push(base: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}/api/v1/trace", data=b'{"enterprise": "x"}',
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_every_answer_keeps_the_openapi_document(api_server):
    base, token, folder = api_server
    config = folder / "schemathesis.toml"
    config.write_text(schemathesis_config())
    command = [str(Path(sys.executable).with_name("schemathesis")),
               "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
               "--checks", "all", "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED),
               "--workers", "1",  # Hypothesis's lambda descriptions are not thread-safe
               "--generation-database", "none", "--no-color",
               "--header", f"Authorization: Bearer {token}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=folder)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    # Every operation was selected and tested: the read API's, the resolver's and the pushes.
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    assert selected and selected[1] == selected[2] and int(selected[1]) >= 17, report
    assert f"Tested: {selected[1]}" in report, report


def schemathesis_config() -> str:
    """Return the run's configuration: the statuses that count as refusing or accepting."""
    refused = ", ".join(f'"{s}"' for s in REFUSED)
    sections = [f"checks.negative_data_rejection.expected-statuses = [{refused}]\n"]
    for operation, status in REFUSED_BEYOND_THE_SCHEMA.items():
        statuses = ", ".join(f'"{s}"' for s in [*ACCEPTED, status])
        sections.append(f'[[operations]]\ninclude-operation-id = "{operation}"\n'
                        f"checks.positive_data_acceptance.expected-statuses = [{statuses}]\n")
    return "\n".join(sections)
