"""Short codes that name a can: round trip, typo detection, forgery detection, key rotation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formulatrust.domain.cancodes import MAX_BATCH_ID, MAX_COUNTER, CanNumber, ShortCodeBook
from formulatrust.domain.shortcode import ALPHABET, ShortCodeError, encode, normalise

BOOK = ShortCodeBook({"A": b"a" * 32}, "A")


@given(st.integers(0, MAX_BATCH_ID), st.integers(0, MAX_COUNTER))
def test_round_trip(batch_id, counter):
    code = BOOK.make(batch_id, counter)
    assert len(normalise(code)) == 14 and code.count("-") == 3
    assert BOOK.read(code) == CanNumber(batch_id, counter)


def test_other_keys_cannot_make_valid_codes():
    other = ShortCodeBook({"A": b"b" * 32}, "A")
    with pytest.raises(ShortCodeError) as error:
        BOOK.read(other.make(1, 1))
    assert error.value.code == "forged"


def test_a_code_with_a_correct_check_character_but_no_tag_is_forged():
    with pytest.raises(ShortCodeError) as error:
        BOOK.read(encode(987654321, 14))
    assert error.value.code == "forged"


def test_codes_made_before_a_key_rotation_still_read():
    old = BOOK.make(5, 6)
    rotated = ShortCodeBook({"A": b"a" * 32, "B": b"c" * 32}, "B")
    assert rotated.read(old) == CanNumber(5, 6)
    assert rotated.read(rotated.make(5, 6)) == CanNumber(5, 6)


@given(st.integers(0, 1000), st.integers(0, 10_000), st.integers(0, 12), st.data())
def test_single_typos_are_caught_by_the_check_character(batch_id, counter, position, data):
    code = normalise(BOOK.make(batch_id, counter))
    wrong = data.draw(st.sampled_from([c for c in ALPHABET if c != code[position]]))
    with pytest.raises(ShortCodeError) as error:
        BOOK.read(code[:position] + wrong + code[position + 1:])
    assert error.value.code == "check"


def test_out_of_range_numbers_are_refused():
    with pytest.raises(ValueError):
        BOOK.make(MAX_BATCH_ID + 1, 0)
    with pytest.raises(ValueError):
        BOOK.make(0, MAX_COUNTER + 1)
