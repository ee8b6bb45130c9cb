"""TOTP against the RFC 6238 appendix B and RFC 4226 appendix D test vectors."""

from __future__ import annotations

import pytest

from formulatrust.domain.totp import (
    hotp,
    new_secret,
    provisioning_uri,
    secret_bytes,
    time_step,
    totp,
    verify,
)

SEED = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC4226 = ["755224", "287082", "359152", "969429", "338314",
           "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize(("when", "sha1", "sha256", "sha512"), RFC6238)
def test_rfc6238_vectors(when, sha1, sha256, sha512):
    for algorithm, expected in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        assert totp(SEED[algorithm], when, digits=8, algorithm=algorithm) == expected


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226)))
def test_rfc4226_hotp_vectors(counter, expected):
    assert hotp(SEED["SHA1"], counter) == expected


def test_time_step_matches_the_rfc_table():
    assert time_step(59) == 1
    assert time_step(1111111109) == 0x23523EC
    assert time_step(20000000000) == 0x27BC86AA


def test_secrets_round_trip_through_base32():
    secret = new_secret()
    assert len(secret) == 32 and secret.isalnum() and secret.upper() == secret
    assert len(secret_bytes(secret)) == 20
    assert secret_bytes(secret.lower()[:16] + " " + secret.lower()[16:]) == secret_bytes(secret)


def test_verify_accepts_codes_within_one_step_and_refuses_replays():
    secret = new_secret()
    key, now = secret_bytes(secret), 1_700_000_000
    step = time_step(now)
    assert verify(secret, totp(key, now), now) == step
    assert verify(secret, totp(key, now - 30), now) == step - 1
    assert verify(secret, totp(key, now + 30), now) == step + 1
    assert verify(secret, totp(key, now - 90), now) is None
    assert verify(secret, totp(key, now), now, last_step=step) is None
    assert verify(secret, totp(key, now + 30), now, last_step=step) == step + 1
    spaced = totp(key, now)[:3] + " " + totp(key, now)[3:]
    assert verify(secret, spaced, now) == step


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_verify_refuses_malformed_codes(code):
    assert verify(new_secret(), code, 1_700_000_000) is None


def test_provisioning_uri_names_issuer_and_account():
    uri = provisioning_uri("JBSWY3DPEHPK3PXP", "a@example.com", "Formula Trust")
    assert uri.startswith("otpauth://totp/Formula%20Trust:a@example.com?secret=JBSWY3DPEHPK3PXP")
    assert "issuer=Formula%20Trust" in uri and "period=30" in uri and "digits=6" in uri
