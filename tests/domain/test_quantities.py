"""Specifications and shelf lives as published in Chinese, in English."""

import pytest

from formulatrust.domain.quantities import english_quantity


@pytest.mark.parametrize(("published", "english"), [
    ("900克/罐", "900 g/can"),
    ("400 克 / 罐", "400 g/can"),
    ("800g/听", "800 g/tin"),
    ("1.2千克/袋", "1.2 kg/bag"),
    ("900克", "900 g"),
    ("24个月", "24 months"),
    ("1年", "1 year"),
    ("540天", "540 days"),
])
def test_plain_quantities_are_translated(published, english):
    assert english_quantity(published) == english


@pytest.mark.parametrize("published", ["", "900克×2罐", "见包装", "罐装900克",
                                       "24个月（开罐后4周）"])
def test_anything_else_has_no_english(published):
    assert english_quantity(published) == ""
