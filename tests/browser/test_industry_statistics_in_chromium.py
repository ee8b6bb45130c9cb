"""An association editor on a phone uploads a statistics CSV with one bad row (nothing is
written and the row is named), then a good one: the chart and the download appear."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from formulatrust.core import db

from ..accounts_factory import PASSWORD, make_user
from ..liveserver import serving
from .conftest import check_accessible, new_phone_page

EMAIL = "figures@association.example.org"
HEADER = "期间,类别,类别（英文）,段别,段别（英文）,指标,数值,单位,来源说明,来源说明（英文）\n"
ROW = "{period},婴儿配方乳粉,Infant formula,1段,Stage 1,产量,{value},吨,会员月报,Members' returns\n"
BAD = HEADER + ROW.format(period="2026-01", value="1250") + ROW.format(period="2026-02",
                                                                       value="about 1300")
GOOD = HEADER + ROW.format(period="2026-01", value="1250") + ROW.format(period="2026-02",
                                                                        value="1300")


@pytest.fixture(scope="module")
def figures_server(database_url, tmp_path_factory):
    """Gunicorn on its own database with one association editor and no figures."""
    with serving(database_url, tmp_path_factory.mktemp("industry-live"), "industry_browser",
                 lambda _app: make_user(db.session(), "association", email=EMAIL)) as base:
        yield base


def choose_file(page, text: str) -> None:
    page.get_by_label("CSV file of figures").set_input_files(
        files=[{"name": "figures.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    page.get_by_role("button", name="Check and publish the file").click()


def test_a_bad_row_writes_nothing_then_a_good_file_shows_chart_and_download(
        browser, figures_server, axe_source):
    context, page = new_phone_page(browser, figures_server, locale="en-US",
                                   accept_downloads=True, bypass_csp=True)  # for axe
    page.goto("/publish/industry-statistics?lang=en")  # signed out: sign in, then back
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish industry statistics")

    choose_file(page, BAD)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing was written")
    expect(summary.get_by_role("listitem")).to_have_text(
        "Row 3, column “数值”: The value must be a number of 0 or more (at most 3 decimals), "
        "such as 1250 or 1,250.5.")
    check_accessible(page, axe_source)
    page.goto("/industry-statistics?lang=en")
    expect(page.locator("table.numbers")).to_have_count(0)
    expect(page.locator("svg[role=img]")).to_have_count(0)

    page.goto("/publish/industry-statistics?lang=en")
    choose_file(page, GOOD)
    expect(page.get_by_role("status")).to_contain_text("Published: 2 new figures, 0 corrected")
    page.get_by_role("link", name="See the statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Industry statistics")
    chart = page.get_by_role("img", name="Production volume (tonnes) · monthly")
    expect(chart).to_be_visible()
    expect(chart.locator("text.chart-legend")).to_have_text("Infant formula · Stage 1")
    expect(page.locator("table.numbers tbody th")).to_have_text(["2026-01", "2026-02"])
    expect(page.locator("table.numbers tbody td")).to_have_text(["1,250", "1,300"])
    check_accessible(page, axe_source)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeffid,organisation_slug")
    assert [line.split(",")[4] for line in text.splitlines()[1:]] == ["2026-01", "2026-02"]
    context.close()
