"""Tests for signed can serials."""

from __future__ import annotations

import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formulatrust.domain import serials
from formulatrust.domain.gs1 import DigitalLink, parse_path
from formulatrust.domain.serials import MAX_COUNTER, SerialSigner, parse
from formulatrust.domain.shortcode import ALPHABET

G = "09506000134352"
OTHER_G = "09520123456788"
KEY_A = b"a" * 32
KEY_B = b"b" * 32
SIGNER = SerialSigner({"A": KEY_A}, "A")
LOTS = st.none() | st.text("ABCXYZ0123456789-./+%", min_size=1, max_size=20)
COUNTERS = st.integers(0, MAX_COUNTER)


def test_issue_shape():
    serial = SIGNER.issue(G, "20240115A1", 1234)
    assert serial[0] == "A"
    assert serial[1:-8] == "16J"  # 1234 = 1*32^2 + 6*32 + 18 (J)
    assert len(serial) == 12
    assert set(serial) <= set(ALPHABET)
    assert parse(serial) == ("A", 1234)


def test_issue_is_deterministic_and_depends_on_every_input():
    serial = SIGNER.issue(G, "L1", 7)
    assert SIGNER.issue(G, "L1", 7) == serial
    tags = {
        serial[-8:],
        SIGNER.issue(OTHER_G, "L1", 7)[-8:],
        SIGNER.issue(G, "L2", 7)[-8:],
        SIGNER.issue(G, None, 7)[-8:],
        SerialSigner({"A": KEY_B}, "A").issue(G, "L1", 7)[-8:],
    }
    assert len(tags) == 5


def test_largest_counter_fills_twenty_characters():
    serial = SIGNER.issue(G, "L", MAX_COUNTER)
    assert len(serial) == 20
    assert SIGNER.verify(G, "L", serial)


def test_serial_needs_no_escaping_in_a_digital_link():
    serial = SIGNER.issue(G, "20240115A1", 99)
    link = DigitalLink(G, lot="20240115A1", serial=serial)
    assert link.path() == f"/01/{G}/10/20240115A1/21/{serial}"
    assert parse_path(link.path()) == (link, False)


def test_verify_rejects_tampering():
    serial = SIGNER.issue(G, "L1", 500)
    assert SIGNER.verify(G, "L1", serial)
    assert not SIGNER.verify(OTHER_G, "L1", serial)
    assert not SIGNER.verify(G, "L2", serial)
    assert not SIGNER.verify(G, None, serial)
    assert not SIGNER.verify(G, "L1", serial.lower())
    assert serial[1:-8] == "FM"  # 500 = 15 (F) * 32 + 20 (M)
    assert not SIGNER.verify(G, "L1", serial[0] + "FN" + serial[-8:])  # counter 501, same tag
    for pos in range(len(serial)):
        for symbol in "0Z":
            if serial[pos] != symbol:
                assert not SIGNER.verify(G, "L1", serial[:pos] + symbol + serial[pos + 1 :])


def test_counter_has_one_spelling_only():
    serial = SIGNER.issue(G, "L1", 5)
    padded = serial[0] + "0" + serial[1:]
    assert parse(padded) is None
    assert not SIGNER.verify(G, "L1", padded)


def test_key_rotation():
    old = SIGNER.issue(G, "L", 1)
    rotated = SerialSigner({"A": KEY_A, "B": KEY_B}, "B")
    new = rotated.issue(G, "L", 1)
    assert new[0] == "B" and new != old
    assert rotated.verify(G, "L", old) and rotated.verify(G, "L", new)
    assert not SIGNER.verify(G, "L", new)  # unknown key id
    assert not SerialSigner({"B": KEY_B}, "B").verify(G, "L", old)  # retired key
    forged = "B" + old[1:]  # same counter and tag under another key id
    assert not rotated.verify(G, "L", forged)


def test_verify_compares_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(serials.hmac, "compare_digest", spy)
    serial = SIGNER.issue(G, "L", 3)
    assert SIGNER.verify(G, "L", serial)
    assert calls == [(serial.encode(), serial.encode())]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "A0",
        "A" + "0" * 8,
        "A" + "1" * 20,
        "a1ABCDEFGH",
        "A1ABCDEFGU",
        "A1ABCDEF-H",
        "A1ABCDEFGÉ",
    ],
)
def test_parse_rejects_malformed(text):
    assert parse(text) is None
    assert not SIGNER.verify(G, "L", text)


def test_parse_minimal():
    assert parse("A0" + "0" * 8) == ("A", 0)
    assert parse(None) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((G[1:], "L", 1), "GTIN-14"),
        (("09506000134353", "L", 1), "GTIN-14"),
        ((G, "A B", 1), "lot"),
        ((G, "", 1), "lot"),
        ((G, "L" * 21, 1), "lot"),
        ((G, "L", -1), "counter"),
        ((G, "L", MAX_COUNTER + 1), "counter"),
        ((G, "L", "1"), "counter"),
    ],
)
def test_issue_validates(args, message):
    with pytest.raises(ValueError, match=message):
        SIGNER.issue(*args)


@pytest.mark.parametrize(
    ("keys", "current"),
    [
        ({"AB": KEY_A}, "AB"),
        ({"a": KEY_A}, "a"),
        ({"U": KEY_A}, "U"),
        ({"I": KEY_A}, "I"),
        ({"A": b"short"}, "A"),
        ({"A": "not bytes" * 4}, "A"),
        ({"A": KEY_A}, "B"),
    ],
)
def test_signer_validates_keys(keys, current):
    with pytest.raises(ValueError):
        SerialSigner(keys, current)


@given(st.sampled_from([G, OTHER_G]), LOTS, COUNTERS)
def test_issue_verify_parse_round_trip(gtin, lot, counter):
    serial = SIGNER.issue(gtin, lot, counter)
    assert len(serial) <= 20 and set(serial) <= set(ALPHABET)
    assert parse(serial) == ("A", counter)
    assert SIGNER.verify(gtin, lot, serial)


@given(st.text(), st.none() | st.text(), st.text())
def test_verify_never_raises(gtin, lot, serial):
    assert SIGNER.verify(gtin, lot, serial) is False


@given(COUNTERS, st.text(ALPHABET, min_size=8, max_size=8))
def test_guessed_tags_fail(counter, tag):
    serial = SIGNER.issue(G, "L", counter)
    guess = serial[:-8] + tag
    assert SIGNER.verify(G, "L", guess) == (guess == serial)
