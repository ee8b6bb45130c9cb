"""Reading a ticket at the door: typed references, scanned ticket links, masked names."""

from __future__ import annotations

import pytest

from formulatrust.domain.booking import BookingError, mask_name, reference_from_ticket

REFERENCE = "ABCDE12345"


@pytest.mark.parametrize("typed", [
    "ABCDE12345", "abcde-12345", " ABCDE 12345 ",
    "https://trust.example.cn/open-days/manage?reference=ABCDE12345",
    "https://trust.example.cn/open-days/manage?lang=en&reference=abcde-12345#top",
    "https://trust.example.cn/open-days/manage?reference=ABCDE12345&utm_source=wechat",
    "http://127.0.0.1:8000/open-days/manage?reference=ABCDE12345\n",
    "reference=ABCDE12345",
])
def test_references_are_read_from_what_staff_type_or_scan(typed):
    assert reference_from_ticket(typed) == REFERENCE


def test_letters_that_look_like_digits_are_read_as_digits():
    assert reference_from_ticket("ABCDE-I234O") == "ABCDE12340"


@pytest.mark.parametrize("typed", ["", "ABC", "https://trust.example.cn/open-days/manage",
                                   "https://trust.example.cn/open-days/manage?reference=",
                                   "ABCDE12345U"])
def test_anything_else_is_not_a_reference(typed):
    with pytest.raises(BookingError) as caught:
        reference_from_ticket(typed)
    assert caught.value.code == "reference_invalid"


@pytest.mark.parametrize(("name", "masked"), [
    ("王小明", "王**"), ("Li Wei", "L* W**"), ("  Anne  ", "A***"), ("欧阳", "欧*"), ("", "*")])
def test_names_keep_only_their_first_characters(name, masked):
    assert mask_name(name) == masked
