"""Tests for the short codes printed under the QR code on a can."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from formulatrust.domain import shortcode
from formulatrust.domain.shortcode import ShortCodeError, decode, encode, format_code, normalise

CODES = st.integers(shortcode.MIN_LENGTH, shortcode.MAX_LENGTH).flatmap(
    lambda n: st.tuples(st.integers(0, 32 ** (n - 1) - 1), st.just(n))
)
SYMBOLS = sorted(set(shortcode.ALPHABET + shortcode.CHECK_ALPHABET))


def error_code(text) -> str:
    with pytest.raises(ShortCodeError) as info:
        decode(text)
    assert info.value.code in shortcode.ERROR_CODES
    return info.value.code


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (0, "000000000000" + "0"),
        (1, "000000000001" + "1"),
        (31, "00000000000Z" + "Z"),
        (32, "000000000010" + "*"),
        (33, "000000000011" + "~"),
        (34, "000000000012" + "$"),
        (35, "000000000013" + "="),
        (36, "000000000014" + "U"),
        (37, "000000000015" + "0"),
        (1234567, "000000015NM7" + "S"),  # 1*32^4 + 5*32^3 + 21(N)*32^2 + 20(M)*32 + 7; mod 37 = 25
    ],
)
def test_known_codes(number, code):
    assert encode(number) == code
    assert decode(code) == number


def test_lengths_and_limits():
    assert encode(5, length=12) == "00000000005" + "5"
    assert len(encode(32**15 - 1, length=16)) == 16
    assert decode(encode(32**15 - 1, length=16)) == 32**15 - 1
    for bad in [(0, 11), (0, 17), (-1, 13), (32**12, 13)]:
        with pytest.raises(ValueError):
            encode(*bad)


@pytest.mark.parametrize(
    "typed",
    [
        "0000-0001-5NM7-S",
        "0000 0001 5nm7 s",
        "0000.0001.5NM7.S",
        "ooOO-OOO1-5NM7-S",
        "0000 000I 5NM7 S",
        "0000 000l 5NM7 S",
        "０００００００１５ＮＭ７Ｓ",  # full-width, as typed with a Chinese input method
        "0000—0001—5NM7—S",
        " \t0000-0001-5NM7-S\n",
    ],
)
def test_decode_is_forgiving_about_how_people_type(typed):
    assert decode(typed) == 1234567


def test_lower_case_u_check_character():
    assert decode("000000000014u") == 36


def test_normalise_and_format():
    assert normalise("ab-cd. ef gh") == "ABCDEFGH"
    assert normalise("oil") == "011"
    assert normalise("ß") == "ß"  # not folded to "SS", which would be valid symbols
    assert format_code("0000000015np7t") == "0000-0000-15NP-7T"
    assert format_code(encode(1234567)) == "0000-0001-5NM7-S"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "length"),
        ("00000000000", "length"),  # 11 characters
        ("0" * 17, "length"),
        ("0000-0000-000", "length"),  # separators do not count
        ("00000000000U0", "bad_char"),  # U is only a check character
        ("00000000000*0", "bad_char"),
        ("000000000000#", "bad_char"),
        ("00000000000批0", "bad_char"),
        ("0000000000010", "check"),
        ("000000015NM7T", "check"),
    ],
)
def test_decode_errors(text, expected):
    assert error_code(text) == expected
    assert not shortcode.is_valid(text)


def test_decode_rejects_non_strings():
    assert error_code(None) == "length"


@given(CODES)
def test_round_trip(number_and_length):
    number, length = number_and_length
    code = encode(number, length)
    assert len(code) == length
    assert decode(code) == decode(format_code(code)) == decode(code.lower()) == number
    assert shortcode.is_valid(code)


@given(CODES, st.data())
def test_every_single_substitution_is_caught(number_and_length, data):
    code = encode(*number_and_length)
    pos = data.draw(st.integers(0, len(code) - 1))
    typo = data.draw(st.sampled_from(SYMBOLS + list("oilu")))
    assume(normalise(typo) != code[pos])
    with pytest.raises(ShortCodeError):
        decode(code[:pos] + typo + code[pos + 1 :])


@given(CODES, st.data())
def test_every_adjacent_transposition_is_caught(number_and_length, data):
    code = encode(*number_and_length)
    pos = data.draw(st.integers(0, len(code) - 2))
    assume(code[pos] != code[pos + 1])
    with pytest.raises(ShortCodeError):
        decode(code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :])


def test_every_substitution_and_transposition_of_one_code_exhaustively():
    code = encode(987654321012)
    for pos in range(len(code)):
        for symbol in SYMBOLS:
            if symbol != code[pos]:
                assert not shortcode.is_valid(code[:pos] + symbol + code[pos + 1 :])
        if pos + 1 < len(code) and code[pos] != code[pos + 1]:
            assert not shortcode.is_valid(code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :])


@given(st.text())
def test_random_text_raises_only_short_code_error(text):
    try:
        number = decode(text)
    except ShortCodeError as exc:
        assert exc.code in shortcode.ERROR_CODES
    else:
        assert number >= 0
