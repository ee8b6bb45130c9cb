"""Every list page reads ``page`` the same way: a whole number from 1, else a bilingual 400
saying so; a page past the last shows the last page (as the results and the search do)."""

from __future__ import annotations

from datetime import date

import pytest

from formulatrust.results.models import SamplingResult

from ..pagecheck import check_page, text_of

LISTS = ["/results", "/recalls", "/supervision", "/ratings", "/enterprises", "/bulletins",
         "/events", "/industry-statistics", "/search"]
NOT_PAGE_NUMBERS = ["abc", "0", "-1", "1.5", "²", "999999"]
# These say it in the error summary above their search form, in the reader's language.
FORM_PAGES = ("/results", "/search")
MESSAGES = {"en": "“page” must be a whole number from 1 to 100000.",
            "zh": "“page”必须是1到100000之间的整数。"}


@pytest.fixture
def thirty_results(session):
    """Thirty results: two pages of the results list (25 a page)."""
    session.add_all(SamplingResult(
        sample_no=f"P{n:03d}", product_name=f"测试婴儿配方乳粉{n}",
        enterprise_name="测试乳业有限公司", province="上海", lab="测试检验所",
        category="婴幼儿配方食品",
        announced_on=date(2025, 3, n % 28 + 1), compliant=True, announcement_no=f"2025年第{n}号")
        for n in range(30))
    session.commit()


def main_text(response) -> str:
    return " ".join(check_page(response.get_data(as_text=True)).select_one("main")
                    .get_text().split())


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("page", NOT_PAGE_NUMBERS)
def test_a_page_that_is_not_a_whole_number_from_1_is_a_bilingual_400(client, trace, path,
                                                                     page):
    for lang, other in (("en", "zh"), ("zh", "en")):
        response = client.get(f"{path}?page={page}&lang={lang}")
        assert response.status_code == 400, (path, page)
        text = " ".join(response.get_data(as_text=True).split())
        assert MESSAGES[lang] in text, (path, page, lang)
        if path not in FORM_PAGES:
            assert MESSAGES[other] in text, (path, page, other)


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_last_shows_the_last_page(client, trace, thirty_results, path):
    last = 2 if path == "/results" else 1
    past = client.get(f"{path}?page=999&lang=en")
    assert past.status_code == 200, path
    assert main_text(past) == main_text(client.get(f"{path}?page={last}&lang=en")), path


def test_the_last_results_page_links_back_and_not_on(client, trace, thirty_results):
    soup = check_page(client.get("/results?page=999&lang=en").get_data(as_text=True))
    assert "Page 2 of 2" in text_of(soup, ".pagination")
    assert soup.select_one('a[rel="prev"]') and not soup.select_one('a[rel="next"]')


@pytest.mark.parametrize("path", [*LISTS, "/api/v1/results", "/api/v1/recalls",
                                  "/api/v1/licences", "/api/v1/statistics"])
def test_a_page_number_of_thousands_of_digits_is_a_400_not_a_server_error(client, trace,
                                                                          path):
    response = client.get(f"{path}?page={'9' * 5000}&lang=en")
    assert response.status_code == 400, path
    assert MESSAGES["en"] in " ".join(response.get_data(as_text=True).split()), path
