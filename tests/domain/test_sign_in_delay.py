"""The delay between sign-in attempts: a typo is free, guessing slows, nothing ever locks."""

from __future__ import annotations

from formulatrust.domain.sign_in_delay import delay_after


def test_one_typo_costs_nothing():
    assert delay_after(0, 30) == 0 and delay_after(1, 30) == 0


def test_the_delay_doubles_then_stops_at_the_cap():
    assert [delay_after(n, 30) for n in range(2, 9)] == [1, 2, 4, 8, 16, 30, 30]
    assert delay_after(10_000, 30) == 30
