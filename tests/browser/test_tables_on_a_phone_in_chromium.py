"""Wide tables on a 360 px phone: codes and names keep whole, the table scrolls in its box."""

from __future__ import annotations

from playwright.sync_api import Locator, expect


def lines_of(cells: Locator) -> list[int]:
    """How many lines the text of each cell takes."""
    return cells.evaluate_all("cells => cells.map(c => { const r = document.createRange();"
                              " r.selectNodeContents(c); return r.getClientRects().length; })")


def test_field_names_keep_whole_and_the_table_scrolls_in_its_box(phone):
    phone.goto("/data?lang=en")
    keys = phone.locator(".dictionary td.code:nth-child(2)")
    expect(keys.first).to_be_attached()
    # A JSON key is one word: it is shown whole, on one line.
    assert set(lines_of(keys)) == {1}
    box = phone.locator(".table-scroll").nth(1)
    widths = box.evaluate("b => [b.scrollWidth, b.clientWidth, getComputedStyle(b).overflowX]")
    assert widths[0] > widths[1] and widths[2] == "auto"  # scrolls inside its own box
    meaning = phone.locator(".dictionary td.prose-cell").first
    assert meaning.bounding_box()["width"] >= 200  # readable, not squeezed to a word a line
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_ratings_and_product_tables_keep_names_and_gtins_readable(phone):
    phone.goto("/ratings?lang=en")
    names = phone.locator(".table-scroll td.name-cell")
    assert min(box["width"] for box in (n.bounding_box() for n in names.all())) >= 150
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator(".table-scroll td.name-cell a").first.click()
    gtins = phone.locator("td.gtin")
    expect(gtins.first).to_be_attached()
    assert all(len(g.inner_text().strip()) == 14 for g in gtins.all())
    assert set(lines_of(gtins)) == {1}  # never broken over lines
