"""A journalist on a phone: from a can's page to the maker's rating, then the ratings CSV."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect


def test_from_a_can_to_the_rating_breakdown_and_the_csv(phone):
    phone.goto("/01/09521234500018/10/20260301A1/21/REG0001?lang=en")
    phone.locator(".byline").get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Test Dairy Co., Ltd.")
    breakdown = phone.locator("#rating-heading ~ div table")
    expect(breakdown).to_contain_text("Sampling record")
    expect(breakdown).to_contain_text("Administrative penalties")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto("/ratings")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download CSV").click()  # English: the cookie kept it
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("slug,name_zh,name_en")
    assert "test-dairy" in text
