"""Booking rules: phone numbers, party sizes, references, waiting-list order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from formulatrust.domain.booking import (
    REFERENCE_ALPHABET,
    BookingError,
    Waiting,
    clean_name,
    format_reference,
    last_four_only,
    mask_phone,
    matches_last_four,
    new_reference,
    normalise_phone,
    normalise_reference,
    parse_month,
    party_size,
    retention_end,
    to_promote,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["13800138000", "138 0013 8000", "138-0013-8000",
                                   "+86 138 0013 8000", "+8613800138000", "008613800138000",
                                   "8613800138000", " (138) 0013 8000 "])
def test_mainland_mobiles_are_normalised(typed):
    assert normalise_phone(typed) == "13800138000"


@pytest.mark.parametrize(("typed", "code"), [
    ("", "phone_missing"), ("   ", "phone_missing"), ("12800138000", "phone_invalid"),
    ("1380013800", "phone_invalid"), ("138001380001", "phone_invalid"),
    ("021-6123 4567", "phone_invalid"), ("+85291234567", "phone_invalid"),
    ("1380013800O", "phone_invalid")])
def test_other_numbers_are_refused(typed, code):
    with pytest.raises(BookingError) as error:
        normalise_phone(typed)
    assert error.value.code == code


def test_masking_shows_only_what_identifies_the_number_to_its_owner():
    assert mask_phone("13800138000") == "138****8000"
    assert last_four_only("13800138000") == "*******8000"
    assert matches_last_four("13800138000", "8000")
    assert matches_last_four("13800138000", " 8000 ")
    assert not matches_last_four("13800138000", "0800")
    assert not matches_last_four("13800138000", "")


@pytest.mark.parametrize(("adults", "children", "seats"), [(1, 0, 1), (2, 3, 5), (5, 0, 5)])
def test_parties_of_one_to_five_with_an_adult(adults, children, seats):
    assert party_size(adults, children) == seats


@pytest.mark.parametrize(("adults", "children", "code"), [
    (0, 0, "no_adult"), (0, 2, "no_adult"), (9, 0, "party_too_large"),
    (3, 3, "party_too_large"), (1, -1, "party_too_small")])
def test_other_parties_are_refused(adults, children, code):
    with pytest.raises(BookingError) as error:
        party_size(adults, children)
    assert error.value.code == code


def test_names_are_trimmed_and_limited():
    assert clean_name("  王   小明 ") == "王 小明"
    for bad, code in (("", "name_missing"), ("x" * 51, "name_too_long")):
        with pytest.raises(BookingError, match=code):
            clean_name(bad)


def test_references_are_random_crockford_and_forgiving_to_type():
    references = {new_reference() for _ in range(2000)}
    assert len(references) == 2000
    assert all(len(r) == 10 and set(r) <= set(REFERENCE_ALPHABET) for r in references)
    reference = "0123456789"
    assert normalise_reference("o1l3-4567 89") == "0113456789"
    assert format_reference(reference) == "01234-56789"
    assert normalise_reference(format_reference(reference).lower()) == reference
    for bad in ("", "ABC", "ABCDEFGHJU", "ABCDEFGHJK1"):
        with pytest.raises(BookingError):
            normalise_reference(bad)


def test_waiting_list_is_first_come_first_served_and_never_skips():
    waiting = [Waiting(3, 1, T0 + timedelta(minutes=3)), Waiting(1, 2, T0),
               Waiting(2, 3, T0 + timedelta(minutes=1)), Waiting(4, 1, T0 + timedelta(minutes=1))]
    assert [w.id for w in to_promote(waiting, 3)] == [1]  # party of 3 waits; 1-person may not jump
    assert [w.id for w in to_promote(waiting, 5)] == [1, 2]
    assert [w.id for w in to_promote(waiting, 7)] == [1, 2, 4, 3]
    assert to_promote(waiting, 0) == []


def test_retention_and_months():
    assert retention_end(T0, 30) == T0 + timedelta(days=30)
    assert parse_month("2026-12") == (2026, 12)
    for bad in ("2026-13", "2026-1", "dec", ""):
        with pytest.raises(BookingError):
            parse_month(bad)
