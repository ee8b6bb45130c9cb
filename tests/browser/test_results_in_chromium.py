"""A journalist on a phone: search the results, filter, open one, download what was found."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect


def test_search_filter_open_a_result_and_download_the_csv(phone):
    phone.goto("/results?lang=en")
    phone.get_by_label("Search product, brand, enterprise, shop, failed item, lab or "
                       "announcement").fill("阪崎")
    phone.get_by_role("button", name="Search results").click()
    expect(phone.locator(".result-count")).to_contain_text("1 result")
    # The filters are folded away so the first results show on the first screen.
    first_result = phone.locator(".result-rows li").first.bounding_box()
    assert first_result["y"] < 780
    expect(phone.get_by_label("Result", exact=True)).to_be_hidden()
    phone.get_by_text("Filters", exact=True).click()
    phone.get_by_label("Result", exact=True).select_option("no")
    phone.get_by_role("button", name="Apply filters").click()
    assert "q=%E9%98%AA%E5%B4%8E" in phone.url and "compliant=no" in phone.url  # shareable
    expect(phone.get_by_text("Filters (1 active)", exact=True)).to_be_visible()
    # An English reader searching in Chinese finds the failed item, named in English.
    expect(phone.locator(".result-rows li").first).to_contain_text("Cronobacter")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "阪崎肠杆菌" in lines[1]  # the header and the one match

    phone.locator(".result-rows a").first.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Not compliant")
    expect(phone.locator("table").first).to_contain_text("must not be detected")
