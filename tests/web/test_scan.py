"""Typing a code: every form people have leads to the canonical page, or a clear message."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formulatrust.core.signing import short_codes
from formulatrust.domain.shortcode import ALPHABET, normalise

from ..pagecheck import check_page, text_of

GTIN1 = "09521234500018"


def short_code(app, batch_id: int, counter: int) -> str:
    with app.app_context():
        return short_codes().make(batch_id, counter)


@pytest.mark.parametrize(("typed", "target"), [
    (f"https://id.example.cn/01/{GTIN1}/10/20260301A1/21/S1", f"/01/{GTIN1}/10/20260301A1/21/S1"),
    (f"(01){GTIN1}(10)20260301A1(21)S1", f"/01/{GTIN1}/10/20260301A1/21/S1"),
    (f"01{GTIN1}1020260301A1\x1d21S1", f"/01/{GTIN1}/10/20260301A1/21/S1"),
    (" 9521234500018 ", f"/01/{GTIN1}"),
    ("9521-2345-0001-8", f"/01/{GTIN1}"),
])
def test_typed_codes_redirect_to_the_canonical_page(client, typed, target):
    response = client.get("/scan", query_string={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == target


def test_short_code_with_stray_spaces_case_and_lookalikes_finds_the_can(app, client, trace):
    code = short_code(app, trace["ordinary"].id, 42)
    messy = " " + code.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    response = client.get("/scan", query_string={"code": messy})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/01/{GTIN1}/10/20260301A1/21/")
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "signature checks out" in page


def mistype(code: str) -> str:
    plain = normalise(code)
    swap = next(c for c in ALPHABET if c != plain[5])
    return plain[:5] + swap + plain[6:]


def test_a_typo_in_a_short_code_is_caught_and_the_input_kept(app, client, trace):
    typo = mistype(short_code(app, trace["ordinary"].id, 3))
    response = client.get("/scan", query_string={"code": typo, "lang": "en"})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error:")
    assert "probably mistyped" in text_of(soup, ".error-summary")
    assert soup.find("input", id="code")["value"] == typo


def test_made_up_short_codes_are_refused(app, client, trace):
    from formulatrust.domain.shortcode import encode, format_code

    forged = format_code(encode(123456789, 14))  # a correct check character, no valid tag
    response = client.get("/scan", query_string={"code": forged, "lang": "en"})
    assert response.status_code == 400
    assert "not issued by this site" in response.get_data(as_text=True)
    unissued = short_code(app, trace["ordinary"].id, 5000)  # signed, but never issued
    assert client.get("/scan", query_string={"code": unissued}).status_code == 400


@pytest.mark.parametrize(("typed", "words"), [
    ("", "Enter the code printed on the can"),
    ("x" * 201, "too long"),
    ("(01)09521234500019", "check digit"),
    ("hello world", "not a product code"),
])
def test_unusable_entries_get_a_message(client, typed, words):
    response = client.get("/scan", query_string={"code": typed, "lang": "en"})
    assert response.status_code == 400
    assert words in text_of(check_page(response.get_data(as_text=True)), ".error-summary")


def test_the_form_without_a_code_is_just_the_form(client):
    response = client.get("/scan")
    assert response.status_code == 200
    assert check_page(response.get_data(as_text=True)).find("form")["method"] == "get"


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_nothing_typed_gives_a_server_error(client, trace, typed):
    response = client.get("/scan", query_string={"code": typed})
    assert response.status_code in (303, 400)
