"""Cells safe to open in a spreadsheet: text that would run as a formula shows as text."""

from __future__ import annotations

import pytest

from formulatrust.domain.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("https://evil.example","click")'])
def test_formulas_become_text(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_text_and_numbers_pass_unchanged():
    assert safe_row(["阪崎肠杆菌", "2026-06-01", -1.5, 0, None, "a=b"]) == [
        "阪崎肠杆菌", "2026-06-01", -1.5, 0, None, "a=b"]
