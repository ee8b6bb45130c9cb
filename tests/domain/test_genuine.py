"""Judging a can's query history: a household is normal, only a burst of devices is unusual."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from formulatrust.domain.genuine import (
    HOUSEHOLD,
    History,
    assess,
    cookie_device,
    daily_device,
    is_daily,
    is_device_cookie,
    new_device_cookie,
)

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def test_the_device_cookie_is_random_and_stored_only_as_a_hash():
    first, second = new_device_cookie(), new_device_cookie()
    assert first != second and is_device_cookie(first)
    assert first not in cookie_device(first) and cookie_device(first) == cookie_device(first)
    assert not is_device_cookie("x" * 22 + "'") and not is_device_cookie(None)
    assert not is_daily(cookie_device(first))


def test_the_cookieless_pseudonym_depends_on_the_days_key_not_on_a_permanent_secret():
    today = daily_device(b"a" * 32, "203.0.113.9", "Mozilla/5.0")
    assert today == daily_device(b"a" * 32, "203.0.113.9", "Mozilla/5.0")
    assert today != daily_device(b"b" * 32, "203.0.113.9", "Mozilla/5.0")  # another day's key
    assert today != daily_device(b"a" * 32, "203.0.113.10", "Mozilla/5.0")
    assert "203.0.113.9" not in today and is_daily(today)


def test_a_first_query_is_counted_as_first():
    outcome = assess(History(), NOW)
    assert (outcome.status, outcome.count, outcome.first_at, outcome.recent_devices) == (
        "first", 1, NOW, 1)


def test_a_quick_reload_from_the_same_device_is_not_counted():
    history = History(count=1, first_at=NOW - timedelta(minutes=2),
                      device_last_seen=NOW - timedelta(minutes=2))
    outcome = assess(history, NOW)
    assert not outcome.counted and outcome.count == 1


def test_a_rescan_months_later_is_normal():
    history = History(count=3, first_at=NOW - timedelta(days=120))
    assert assess(history, NOW).status == "normal"


def test_a_household_of_devices_within_a_week_is_normal():
    history = History(count=20, first_at=NOW - timedelta(days=3), cookie_devices=HOUSEHOLD - 1)
    assert assess(history, NOW).status == "normal"


def test_more_devices_within_a_week_than_a_household_is_unusual_and_stays_so():
    history = History(count=40, first_at=NOW - timedelta(days=3), cookie_devices=HOUSEHOLD)
    outcome = assess(history, NOW)
    assert outcome.status == "suspicious" and outcome.new_burst
    assert (outcome.burst_at, outcome.burst_devices) == (NOW, HOUSEHOLD + 1)
    later = History(count=41, first_at=NOW - timedelta(days=3), burst_at=NOW, burst_devices=9)
    again = assess(later, NOW + timedelta(days=60))
    assert again.status == "suspicious" and not again.new_burst and again.burst_at == NOW


def test_cookieless_devices_count_by_their_busiest_day():
    # One device a day for a week, each day under a new pseudonym: one device, not seven.
    history = History(count=6, first_at=NOW - timedelta(days=6), daily_devices=1,
                      daily_devices_today=0)
    outcome = assess(history, NOW, daily=True)
    assert outcome.recent_devices == 1 and outcome.status == "normal"
