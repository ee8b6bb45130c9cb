"""Security headers on every response."""

from __future__ import annotations

import pytest


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


def test_script_nonce_changes_per_request(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert "'nonce-" in first and first != second


def test_pages_have_no_inline_scripts_or_styles(client, world):
    html = client.get("/").get_data(as_text=True)
    assert "<script" not in html
    assert "style=" not in html and "<style" not in html
