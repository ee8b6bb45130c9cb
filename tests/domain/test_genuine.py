"""Judging a can's query history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from formulatrust.domain.genuine import History, assess, device_hash

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def test_device_hash_hides_the_address_and_changes_daily():
    today = device_hash(b"k" * 32, date(2026, 11, 28), "203.0.113.9", "Mozilla/5.0")
    assert "203.0.113.9" not in today and len(today) == 32
    assert today == device_hash(b"k" * 32, date(2026, 11, 28), "203.0.113.9", "Mozilla/5.0")
    assert today != device_hash(b"k" * 32, date(2026, 11, 29), "203.0.113.9", "Mozilla/5.0")
    assert today != device_hash(b"k" * 32, date(2026, 11, 28), "203.0.113.10", "Mozilla/5.0")


def test_first_query():
    outcome = assess(History(), NOW)
    assert (outcome.status, outcome.count, outcome.devices, outcome.first_at) == (
        "first", 1, 1, NOW)


def test_reload_within_minutes_counts_once():
    history = History(count=1, devices=1, first_at=NOW - timedelta(minutes=2),
                      device_last_seen=NOW - timedelta(minutes=2))
    outcome = assess(history, NOW)
    assert not outcome.counted and outcome.count == 1 and outcome.status == "normal"


def test_same_device_later_counts_again_but_is_not_a_new_device():
    history = History(count=1, devices=1, first_at=NOW - timedelta(hours=3),
                      device_last_seen=NOW - timedelta(hours=3))
    outcome = assess(history, NOW)
    assert outcome.counted and outcome.count == 2 and outcome.devices == 1


def test_many_devices_is_suspicious():
    outcome = assess(History(count=5, devices=3, first_at=NOW - timedelta(days=1)), NOW)
    assert outcome.status == "suspicious" and outcome.reasons == ("many_devices",)


def test_first_queried_long_ago_by_someone_else_is_suspicious():
    outcome = assess(History(count=1, devices=1, first_at=NOW - timedelta(days=90)), NOW)
    assert outcome.reasons == ("first_query_long_ago",)
    own = History(count=1, devices=1, first_at=NOW - timedelta(days=90),
                  device_last_seen=NOW - timedelta(days=90))
    assert assess(own, NOW).status == "normal"  # the same device returning is not suspicious
