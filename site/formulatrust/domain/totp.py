"""Time-based one-time passwords (RFC 6238, HOTP of RFC 4226), standard library only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
ALGORITHMS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def new_secret(length: int = 20) -> str:
    """Return a fresh random secret in unpadded base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(length)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """Decode a base32 secret, forgiving case, spaces and missing padding."""
    compact = "".join(secret.split()).upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, algorithm: str = "SHA1") -> str:
    """Return the HOTP value of ``key`` at ``counter`` (RFC 4226 section 5.3)."""
    digest = hmac.new(key, struct.pack(">Q", counter), ALGORITHMS[algorithm]).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


def time_step(unix_time: float, step: int = STEP_SECONDS) -> int:
    """Return the RFC 6238 time counter T for ``unix_time``."""
    return int(unix_time // step)


def totp(key: bytes, unix_time: float, digits: int = DIGITS, algorithm: str = "SHA1",
         step: int = STEP_SECONDS) -> str:
    """Return the TOTP value of ``key`` at ``unix_time``."""
    return hotp(key, time_step(unix_time, step), digits, algorithm)


def verify(secret: str, code: str, unix_time: float, *, window: int = 1,
           last_step: int | None = None) -> int | None:
    """Return the time step ``code`` matches within ``window`` steps of now, else None.

    Steps at or before ``last_step`` (the last one accepted) are refused, so a code seen
    once cannot be used again. Every candidate is compared in constant time.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    key = secret_bytes(secret)
    now = time_step(unix_time)
    matched = None
    for candidate in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(key, candidate), code) and matched is None:
            matched = candidate
    if matched is None or (last_step is not None and matched <= last_step):
        return None
    return matched


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the ``otpauth://`` URI an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"
