"""Reading the host a request names (RFC 9110 §7.2): names, IPv4, bracketed IPv6, a port."""

from __future__ import annotations

import pytest

from formulatrust.domain.host_header import host_name


@pytest.mark.parametrize(("header", "name"), [
    ("formula.example.org", "formula.example.org"),
    ("Formula.Example.ORG:443", "formula.example.org"),
    ("127.0.0.1:8000", "127.0.0.1"),
    ("[::1]:8000", "::1"),
    ("[2001:DB8::1]", "2001:db8::1"),
])
def test_the_host_is_read_without_its_port(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("header", [
    "", "evil.example:0", "evil.example:65536", "::1", "[::1", "a b", "user@evil.example",
    "evil.example:80:80", "[::1]x",
])
def test_a_malformed_host_is_refused(header):
    assert host_name(header) is None
