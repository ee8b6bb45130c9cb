"""Which host a request's ``Host`` header names: a domain, an IPv4 address or a bracketed IPv6
address, with an optional port (RFC 9110 §7.2)."""

from __future__ import annotations

import re

_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f]*:[0-9a-f.:]+)\]|(?P<name>[a-z0-9.-]+))"
                   r"(?::(?P<port>[0-9]{1,5}))?")


def host_name(header: str) -> str | None:
    """The lower-cased host without port or brackets (``[::1]:8000`` → ``::1``); None when the
    header is malformed or its port is out of range."""
    match = _HOST.fullmatch(header.strip().lower())
    if match is None or (match["port"] is not None and not 0 < int(match["port"]) < 65536):
        return None
    return match["ipv6"] or match["name"]
