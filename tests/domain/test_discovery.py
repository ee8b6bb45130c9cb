"""Cutting the sitemap into files, and the dates it gives."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from formulatrust.domain.discovery import MAX_URLS, file_count, file_slice, lastmod


def test_the_limit_is_the_sitemap_protocols():
    assert MAX_URLS == 50_000


@pytest.mark.parametrize(("total", "files"), [(0, 0), (1, 1), (50_000, 1), (50_001, 2),
                                              (100_000, 2), (100_001, 3)])
def test_files_hold_at_most_fifty_thousand_urls(total, files):
    assert file_count(total) == files


def test_files_follow_each_other_without_gap_or_overlap():
    assert [file_slice(n, 3) for n in (1, 2, 3)] == [(0, 3), (3, 3), (6, 3)]


def test_lastmod_is_a_w3c_date_or_a_utc_time():
    shanghai = timezone(timedelta(hours=8))
    assert lastmod(date(2026, 6, 1)) == "2026-06-01"
    assert lastmod(datetime(2026, 6, 1, 8, 30, 5, 999, tzinfo=shanghai)) == \
        "2026-06-01T00:30:05+00:00"
    assert lastmod(datetime(2026, 6, 1, 8, 30)) == "2026-06-01T08:30:00+00:00"  # naive is UTC
    assert lastmod(None) is None
