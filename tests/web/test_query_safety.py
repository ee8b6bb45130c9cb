"""Any query text is safe: the reader gets results or a plain message (200), or a message
saying what was wrong (400), never a server error, on every page, download and API that
searches or filters."""

from __future__ import annotations

from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..pagecheck import check_page
from . import open_data_world

open_world = open_data_world.open_world  # the fixture

NASTY = [
    "a" * 10_000, "阪" * 10_000, "硒 " * 60,
    "\x00", "阪崎\x00肠杆菌", "\x1f", "硒\x1f维生素A", "\x7f\x1b[31m", "\r\n\t",
    '"阪崎', "'", '"unbalanced', "“阪崎",
    "title:x", "body:阪崎", "kind:result", "*", "?", "阪*", "?崎", "a AND OR NOT b", "NOT",
    "AND", "硒~2", "硒^3", "[a TO b]", "{x TO y}", "(硒", ")", "\\", "%", "%00", "+-!",
    "<script>alert(1)</script>", "../../etc/passwd", "🍼", "",
]
# The kinds of trouble in a few values, for the many parameters that are not searched.
SHORT_LIST = ["长" * 101, "\x00", "阪崎\x00肠杆菌", "\x1f", "\x7f", '"unbalanced', "*", "title:x",
              "[a TO b]", "<script>alert(1)</script>", "🍼", "%00", ""]
BAD_NUMBERS = ["２０２４", "²", "-1", "1e3", "99999999999999999999", " 2024 ", "0x7E8", "¹²"]
PAGES = ["/results", "/results?format=csv", "/results?format=json", "/api/v1/results",
         "/results/feed.atom", "/enterprises/test-dairy/results.atom"]


def get(client, path: str, **params: str):
    return client.get(path + ("&" if "?" in path else "?") + urlencode(params))


def assert_safe(response, what: str = "") -> None:
    """200 with a page, data or a plain message, or 400 with a message; never anything else."""
    assert response.status_code in (200, 400), f"{response.status_code} for {what}"
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        soup = check_page(body)  # valid HTML, so no NUL or other stray control characters
        if response.status_code == 400:
            assert soup.select_one(".error-summary, .other-language"), f"no message: {what}"
    elif response.mimetype == "application/json":
        if response.status_code == 400:
            messages = response.get_json()["error"]["messages"]
            assert messages["zh"] and messages["en"]
    elif response.mimetype == "application/atom+xml":
        ElementTree.fromstring(response.data)  # well-formed
    else:
        assert response.mimetype == "text/csv" and response.status_code == 200


def test_any_search_text_is_safe_everywhere(client, open_world):
    for text in NASTY:
        for path in [*PAGES, "/search"]:
            assert_safe(get(client, path, q=text), f"{path} q={text[:20]!r}")


@pytest.mark.parametrize("name", ["year", "compliant", "enterprise", "category", "item",
                                  "province", "lab", "sort", "page"])
def test_any_filter_value_is_safe(client, open_world, name):
    for value in [*SHORT_LIST, *BAD_NUMBERS]:
        for path in ("/results", "/results?format=csv", "/api/v1/results"):
            assert_safe(get(client, path, **{name: value}), f"{path} {name}={value[:20]!r}")


@pytest.mark.parametrize(("path", "name"), [
    ("/ratings", "grade"), ("/ratings", "district"), ("/ratings", "sort"),
    ("/ratings?format=csv", "district"), ("/api/v1/enterprises", "district"),
    ("/api/v1/enterprises", "grade"), ("/api/v1/recalls", "page"), ("/recalls", "format"),
    ("/supervision", "format"), ("/enterprises", "format"),
])
def test_other_lists_are_safe_too(client, open_world, path, name):
    for value in [*SHORT_LIST, *BAD_NUMBERS]:
        assert_safe(get(client, path, **{name: value}), f"{path} {name}={value[:20]!r}")


def test_a_long_query_says_how_long_it_may_be(client, open_world):
    response = get(client, "/results", q="硒" * 10_000, lang="en")
    assert response.status_code == 400
    assert "at most 100 characters" in check_page(response.get_data(as_text=True)).main.text
    api = get(client, "/api/v1/results", q="硒" * 10_000).get_json()["error"]
    assert api["parameter"] == "q" and "100" in api["messages"]["en"]


def test_query_syntax_is_searched_as_plain_words(client, open_world):
    def found(query: str) -> list[int]:
        return [r["id"] for r in get(client, "/api/v1/results", q=query).get_json()["results"]]

    plain = found("硒")
    assert plain
    for query in ('"硒"', "硒*", "(硒)", "硒^", "硒~", "+硒", "[硒]", '"硒', "-硒", "硒:"):
        assert found(query) == plain, query
    nothing = check_page(get(client, "/results", q="*?~^").get_data(as_text=True))
    assert nothing.select_one(".empty-state")


def test_control_characters_count_as_spaces(client, open_world):
    plain = get(client, "/results", format="json", q="硒 维生素A").get_json()["results"]
    spaced = get(client, "/results", format="json", q="硒\x00维生素A").get_json()["results"]
    assert plain and spaced == plain
    province = get(client, "/results", format="json", province="上海\x1f").get_json()
    assert len(province["results"]) == 3


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "9" * 40])
def test_ids_too_large_for_the_database_are_simply_not_found(client, open_world, number):
    for path in ("/results/", "/recalls/", "/api/v1/results/", "/api/v1/recalls/"):
        response = client.get(path + number)
        assert response.status_code == 404, path
        if path.startswith("/api/"):
            assert response.get_json()["error"]["messages"]["en"]


def test_bytes_that_are_not_utf8_are_safe(client, open_world):
    for path in ("/results", "/search", "/api/v1/results", "/results?format=csv"):
        separator = "&" if "?" in path else "?"
        assert_safe(client.get(path + separator + "q=%FF%FE%00&year=%C0%AF"))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["q", "year", "compliant", "enterprise", "item", "sort", "page"]),
       value=st.text(st.characters(exclude_categories=("Cs",)), max_size=120),
       path=st.sampled_from(PAGES[:4]))
def test_hypothesis_finds_no_query_that_breaks_the_results(client, open_world, name, value,
                                                           path):
    assert_safe(get(client, path, **{name: value}))
