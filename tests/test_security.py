"""Security headers on every response."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/healthz", "/static/site.css"])
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_scripts_run_only_from_the_site_unless_a_page_asks_for_a_nonce(app, client):
    """No page has an inline script, so none allows one; the rare page that needs one asks for
    a nonce, which is new on every request and allowed by that answer's policy alone."""
    @app.get("/with-inline-script")
    def with_inline_script():
        return render_template_string('<script nonce="{{ csp_nonce() }}"></script>')

    plain = client.get("/").headers.get_all("Content-Security-Policy")
    assert len(plain) == 1 and "script-src 'self';" in plain[0] and "nonce" not in plain[0]

    answers = [client.get("/with-inline-script") for _ in range(2)]
    nonces = [BeautifulSoup(answer.get_data(as_text=True), "html.parser").script["nonce"]
              for answer in answers]
    policies = [answer.headers.get_all("Content-Security-Policy") for answer in answers]
    assert nonces[0] != nonces[1]
    for nonce, policy in zip(nonces, policies, strict=True):
        assert len(policy) == 1 and f"script-src 'self' 'nonce-{nonce}';" in policy[0]
        assert "frame-ancestors 'none'" in policy[0]


def test_a_response_keeps_the_security_headers_it_set_itself(app, client):
    @app.get("/framed")
    def framed():
        return "", 204, {"X-Frame-Options": "SAMEORIGIN"}

    headers = client.get("/framed").headers
    assert headers.get_all("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/data", "/results"])
def test_pages_have_no_inline_scripts_or_styles(client, world, path):
    """The only ``<script>`` a page may hold is a JSON-LD data block, which never runs."""
    html = client.get(path).get_data(as_text=True)
    for script in BeautifulSoup(html, "html.parser").find_all("script"):
        assert script.get("type") == "application/ld+json" and not script.get("src")
        json.loads(script.string)  # data, nothing else
    assert "style=" not in html and "<style" not in html


def test_the_home_page_has_no_script_at_all(client, world):
    assert "<script" not in client.get("/").get_data(as_text=True)


def test_an_unknown_host_is_refused_and_loopback_hosts_work_locally(client):
    refused = client.get("/healthz", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "本站不使用这个主机名" in refused.get_data(as_text=True)
    assert "does not answer to that host name" in refused.get_data(as_text=True)
    assert client.get("/healthz", headers={"Host": "127.0.0.1:9000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[::1]:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[::2]:8000"}).status_code == 400


def test_an_ipv6_site_host_is_trusted_with_or_without_its_port(make_app, app_overrides):
    client = make_app({**app_overrides, "SITE_HOST": "[2001:db8::1]:443"}).test_client()
    assert client.get("/healthz", headers={"Host": "[2001:db8::1]"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[2001:db8::1]:443"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "[2001:db8::2]:443"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 400


def test_the_site_host_and_the_allowed_hosts_are_trusted(make_app, app_overrides):
    app = make_app({**app_overrides, "SITE_HOST": "formula.example.org",
                    "ALLOWED_HOSTS": "www.formula.example.org"})
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "formula.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "www.formula.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 400


def test_absolute_links_name_the_site_host_whichever_host_was_asked(make_app, app_overrides):
    app = make_app({**app_overrides, "SITE_HOST": "formula.example.org",
                    "ALLOWED_HOSTS": "www.formula.example.org"})
    client = app.test_client()
    asked = {"Host": "www.formula.example.org"}
    api = client.get("/api/v1/openapi.json", headers=asked).get_json()
    assert api["servers"] == [{"url": "https://formula.example.org"}]
    feed = client.get("/results/feed.atom", headers=asked).get_data(as_text=True)
    assert 'href="https://formula.example.org/results/feed.atom' in feed
    assert "www.formula.example.org" not in feed


def test_strict_transport_security_only_over_https(client):
    secure = client.get("/healthz", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get(
        "/healthz", base_url="http://localhost").headers
