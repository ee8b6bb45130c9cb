"""The filter forms of the open-day and events lists: each filter a labelled drop-down whose
first choice filters nothing, sent under the name the list reads."""

from __future__ import annotations

import pytest

from ..pagecheck import check_page

FILTERS = {
    "/open-days?lang=en": [("month", "Month", "All months"),
                           ("enterprise", "Enterprise", "All enterprises")],
    "/events?lang=en": [("month", "Month", "All months"),
                        ("enterprise", "Enterprise", "All enterprises"),
                        ("kind", "Kind of event", "All kinds")],
}


@pytest.mark.parametrize("url", FILTERS)
def test_each_filter_is_a_labelled_choice_that_starts_with_all(client, url):
    soup = check_page(client.get(url).get_data(as_text=True), "en")
    shown = []
    for select in soup.select("form.filters select"):
        label = soup.select_one(f'label[for="{select["id"]}"]')
        first = select.find("option")
        assert first["value"] == ""
        shown.append((select["name"], label.get_text(strip=True), first.get_text(strip=True)))
    assert shown == FILTERS[url]
