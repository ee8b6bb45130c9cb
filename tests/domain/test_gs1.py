"""Tests for GS1 GTINs, dates, Digital Link paths and URIs, and element strings."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from formulatrust.domain import gs1
from formulatrust.domain.gs1 import DigitalLink, Gs1Error

G = "09506000134352"  # a valid GTIN-14 (GTIN-13 9506000134352 padded)
VECTORS = json.loads((Path(__file__).parent / "data" / "gs1_vectors.json").read_text("utf-8"))
MUST_ESCAPE = set("!\"%&'()*+,/:;<=>?")
FULLWIDTH = {ord(d): 0xFF10 + int(d) for d in "0123456789"}


def error_of(func, *args) -> tuple[str, str]:
    with pytest.raises(Gs1Error) as info:
        func(*args)
    assert info.value.code in gs1.ERROR_CODES
    return info.value.code, info.value.part


# --- GTINs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "digit"),
    [("0234567", 3), ("41600033610", 8), ("123456789012", 8), ("1234567890123", 1)],
)
def test_check_digit_matches_gs1_lint_vectors(body, digit):
    assert gs1.gtin_check_digit(body) == digit


@pytest.mark.parametrize("body", ["", "12a4", "１２３", "١٢٣"])
def test_check_digit_rejects_non_ascii_digits(body):
    assert error_of(gs1.gtin_check_digit, body) == ("bad_charset", "gtin")


@pytest.mark.parametrize("text", ["02345673", "416000336108", "1234567890128", "12345678901231"])
def test_valid_gtins_of_every_length(text):
    assert gs1.is_valid_gtin(text)
    assert gs1.to_gtin14(text) == text.zfill(14)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("12345673", "gtin_check_digit"),
        ("0234567", "gtin_length"),
        ("123456789", "gtin_length"),
        ("123456789012315", "gtin_length"),
        ("0950600013435X", "bad_charset"),
        ("０９５０６０００１３４３５２", "bad_charset"),
        (" 9506000134352", "bad_charset"),
        ("", "empty_value"),
    ],
)
def test_invalid_gtins(text, code):
    assert not gs1.is_valid_gtin(text)
    assert error_of(gs1.to_gtin14, text) == (code, "gtin")


def test_is_valid_gtin_accepts_any_object():
    assert not gs1.is_valid_gtin(9506000134352)
    assert not gs1.is_valid_gtin(None)


@given(st.text(alphabet="0123456789", min_size=7, max_size=13), st.data())
def test_every_single_digit_error_is_caught(body, data):
    gtin = body + str(gs1.gtin_check_digit(body))
    assert gs1.is_valid_gtin(gtin) == (len(gtin) in (8, 12, 13, 14))
    pos = data.draw(st.integers(0, len(gtin) - 1))
    digit = data.draw(st.sampled_from("0123456789").filter(lambda d: d != gtin[pos]))
    typo = gtin[:pos] + digit + gtin[pos + 1 :]
    assert gs1.gtin_check_digit(typo[:-1]) != int(typo[-1])


# --- Errors, character set and dates ---------------------------------------------------------


def test_error_codes_are_unique_and_error_is_a_value_error():
    assert len(set(gs1.ERROR_CODES)) == len(gs1.ERROR_CODES)
    err = Gs1Error("too_long", "10", "x" * 500)
    assert isinstance(err, ValueError)
    assert (err.code, err.part, err.value) == ("too_long", "10", "x" * 64)


def test_cset82_has_82_characters_and_no_space_tilde_or_hash():
    assert len(gs1.CSET82) == 82
    assert gs1.is_cset82("20240115A1") and gs1.is_cset82("a-b_c.d/e+f%g")
    for text in ["AB C", "A~B", "A#B", "批号1", "", "A\\B", "A^B", "A$B"]:
        assert not gs1.is_cset82(text), text


TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("240229", dt.date(2024, 2, 29)),
        ("200600", dt.date(2020, 6, 30)),
        ("240200", dt.date(2024, 2, 29)),
        ("250200", dt.date(2025, 2, 28)),
        ("271231", dt.date(2027, 12, 31)),
        ("751231", dt.date(2075, 12, 31)),  # +50 years: still this century
        ("760101", dt.date(1976, 1, 1)),  # +51 years: previous century
        ("000101", dt.date(2000, 1, 1)),
    ],
)
def test_parse_date(text, expected):
    assert gs1.parse_date(text, today=TODAY) == expected


def test_century_window_moves_with_today():
    later = dt.date(2080, 1, 1)
    assert gs1.parse_date("300101", today=later) == dt.date(2130, 1, 1)  # -50: next century
    assert gs1.parse_date("310101", today=later) == dt.date(2031, 1, 1)  # -49: this century


BAD_DATES = "230229 240230 241301 240001 240132 24010 2401011 24O101".split()


@pytest.mark.parametrize("text", [*BAD_DATES, "240101".translate(FULLWIDTH)])
def test_bad_dates(text):
    assert error_of(gs1.parse_date, text) == ("bad_date", "date")


@given(st.dates(min_value=dt.date(1976, 1, 1), max_value=dt.date(2075, 12, 31)))
def test_date_round_trip_inside_window(date):
    assert gs1.parse_date(date.strftime("%y%m%d"), today=TODAY) == date


# --- DigitalLink ------------------------------------------------------------------------------


def test_link_normalises_gtin_and_copies_attributes():
    attrs = {"99": "X", "17": "271231"}
    link = DigitalLink("9506000134352", lot="ABC", attributes=attrs)
    attrs["17"] = "changed"
    assert link.gtin == G
    assert list(link.attributes.items()) == [("17", "271231"), ("99", "X")]
    assert hash(link) == hash(DigitalLink(G, lot="ABC"))
    assert link == DigitalLink(G, lot="ABC", attributes={"99": "X", "17": "271231"})


def test_valid_data_attributes_from_gs1s_table_are_read_in_every_form():
    """Net weight, expiry, price and an additional product id, as cans carry them in 2D codes."""
    uri = f"https://id.gs1.org/01/{G}/10/ABC?3103=000195&17=271231&3922=123&240=X-1"
    link = gs1.parse_uri(uri)
    assert link.attributes == {"17": "271231", "240": "X-1", "3103": "000195", "3922": "123"}
    assert gs1.parse_element_string(f"(01){G}(10)ABC(3103)000195(17)271231") == DigitalLink(
        G, lot="ABC", attributes={"3103": "000195", "17": "271231"})
    raw = f"01{G}3103000195172712311" + "0ABC"
    assert gs1.parse_element_string(raw).attributes == {"3103": "000195", "17": "271231"}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"gtin": "09506000134353"}, ("gtin_check_digit", "gtin")),
        ({"lot": ""}, ("empty_value", "10")),
        ({"serial": "A B"}, ("bad_charset", "21")),
        ({"cpv": "X" * 21}, ("too_long", "22")),
        ({"attributes": {"17": "271301"}}, ("bad_date", "17")),
        ({"attributes": {"10": "ABC"}}, ("lot_in_query", "10")),
        ({"attributes": {"21": "ABC"}}, ("serial_in_query", "21")),
        ({"attributes": {"3103": "18"}}, ("bad_attribute", "3103")),  # net weight: 6 digits
        ({"attributes": {"4321": "2"}}, ("bad_attribute", "4321")),  # a flag: 0 or 1
        ({"attributes": {"8888": "1"}}, ("unknown_ai", "8888")),
        ({"attributes": {"414": "9520123456788"}}, ("not_attribute", "414")),  # a key
    ],
)
def test_link_validates_fields(kwargs, expected):
    assert error_of(lambda: DigitalLink(**{"gtin": G, **kwargs})) == expected


def test_path_uri_and_element_string():
    link = DigitalLink(G, cpv="2A", lot="ABC&+123", serial="S/1(2)", attributes={"17": "271231"})
    assert link.path() == f"/01/{G}/22/2A/10/ABC%26%2B123/21/S%2F1%282%29"
    assert link.uri() == f"https://id.gs1.org{link.path()}?17=271231"
    assert (
        link.uri("https://id.example.cn/scan/")
        == f"https://id.example.cn/scan{link.path()}?17=271231"
    )
    assert DigitalLink(G).uri() == f"https://id.gs1.org/01/{G}"
    assert link.element_string() == f"(01){G}(22)2A(10)ABC&+123(21)S/1\\(2)(17)271231"


@pytest.mark.parametrize("char", sorted(gs1.CSET82))
def test_path_escapes_exactly_the_reserved_cset82_characters(char):
    segment = DigitalLink(G, lot=f"A{char}").path().rsplit("/", 1)[1]
    assert segment == (f"A%{ord(char):02X}" if char in MUST_ESCAPE else f"A{char}")


# --- parse_path -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "expected", "redirect"),
    [
        (f"/01/{G}", None, DigitalLink(G), False),
        ("/01/9506000134352", None, DigitalLink(G), True),
        ("/01/02345673", {}, DigitalLink("00000002345673"), True),
        ("/01/416000336108/10/L1", [], DigitalLink("00416000336108", lot="L1"), True),
        (f"/01/%30{G[1:]}", None, DigitalLink(G), True),
        (f"/01/{G}/", None, DigitalLink(G), True),
        (f"/01/{G}/10/ABC/", None, DigitalLink(G, lot="ABC"), True),
        (f"/01/{G}/10/A+B", None, DigitalLink(G, lot="A+B"), False),
        (f"/01/{G}/10/A%2bB", None, DigitalLink(G, lot="A+B"), False),
        (f"/01/{G}/10/A%2FB", None, DigitalLink(G, lot="A/B"), False),
        (f"/01/{G}/10/{'L' * 20}", None, DigitalLink(G, lot="L" * 20), False),
        (f"/01/{G}/22/V/10/L/21/S", None, DigitalLink(G, "V", "L", "S"), False),
        (f"/01/{G}/22/V/21/S", None, DigitalLink(G, cpv="V", serial="S"), False),
        (f"/01/{G}/21/s", None, DigitalLink(G, serial="s"), False),
    ],
)
def test_parse_path_valid(path, query, expected, redirect):
    assert gs1.parse_path(path, query) == (expected, redirect)


@pytest.mark.parametrize(
    ("query", "attributes"),
    [
        ({"17": "270100", "linkType": "gs1:pip", "lang": "zh", "x1": "?"}, {"17": "270100"}),
        ([("linkType", "a"), ("linkType", "b"), ("15", "260101")], {"15": "260101"}),
        ("17=271231&linkType=gs1%3Apip&98=X%2fY%2B&bad=%zz", {"17": "271231", "98": "X/Y+"}),
        ({"90": "X" * 30, "91": "Y" * 90}, {"90": "X" * 30, "91": "Y" * 90}),
        ({"11": "250100", "13": "250101", "16": "270101", "99": "A"}, None),
    ],
)
def test_parse_path_keeps_only_gs1_attributes(query, attributes):
    link, needs_redirect = gs1.parse_path(f"/01/{G}/10/L", query)
    assert link == DigitalLink(G, lot="L", attributes=attributes or query)
    assert not needs_redirect


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("", None, ("not_gs1", "path")),
        (f"01/{G}", None, ("not_gs1", "path")),
        (f"/02/{G}", None, ("not_gs1", "path")),
        (f"/gtin/{G}", None, ("not_gs1", "path")),
        ("/01/", None, ("empty_value", "gtin")),
        ("/01/09506000134353", None, ("gtin_check_digit", "gtin")),
        ("/01/123456789", None, ("gtin_length", "gtin")),
        (f"/01/{G}1", None, ("gtin_length", "gtin")),
        ("/01/0950600013435X", None, ("bad_charset", "gtin")),
        ("/01/%zz", None, ("bad_escape", "gtin")),
        (f"/01/{G}/21/S/10/L", None, ("qualifier_order", "10")),
        (f"/01/{G}/10/L/22/V", None, ("qualifier_order", "22")),
        (f"/01/{G}/21/S/22/V", None, ("qualifier_order", "22")),
        (f"/01/{G}/10/A/10/B", None, ("duplicate_ai", "10")),
        (f"/01/{G}/01/{G}", None, ("duplicate_ai", "01")),
        (f"/01/{G}/17/271231", None, ("not_qualifier", "17")),
        (f"/01/{G}/235/XYZ", None, ("unknown_ai", "235")),
        (f"/01/{G}/lot/ABC", None, ("unknown_ai", "lot")),
        (f"/01/{G}/10", None, ("empty_value", "10")),
        (f"/01/{G}/10/", None, ("empty_value", "10")),
        (f"/01/{G}/10//", None, ("empty_value", "10")),
        (f"/01/{G}//", None, ("trailing_data", "path")),
        (f"/01/{G}/10/A//", None, ("trailing_data", "path")),
        (f"/01/{G}//10/A", None, ("empty_value", "path")),
        (f"/01/{G}/10/%zz", None, ("bad_escape", "10")),
        (f"/01/{G}/10/A%4", None, ("bad_escape", "10")),
        (f"/01/{G}/10/%C3%28", None, ("bad_escape", "10")),
        (f"/01/{G}/10/%E4%B8%AD", None, ("bad_charset", "10")),
        (f"/01/{G}/10/批号", None, ("bad_charset", "10")),
        (f"/01/{G}/10/A%20B", None, ("bad_charset", "10")),
        (f"/01/{G}/21/A~B", None, ("bad_charset", "21")),
        (f"/01/{G}/10/{'L' * 21}", None, ("too_long", "10")),
        (f"/01/{G}", {"21": "S"}, ("serial_in_query", "21")),
        (f"/01/{G}", {"10": "L"}, ("lot_in_query", "10")),
        (f"/01/{G}", {"22": "V"}, ("cpv_in_query", "22")),
        (f"/01/{G}", {"01": G}, ("duplicate_ai", "01")),
        (f"/01/{G}/10/L", {"10": "L"}, ("duplicate_ai", "10")),
        (f"/01/{G}/21/S", {"21": "S"}, ("duplicate_ai", "21")),
        (f"/01/{G}", [("17", "271231"), ("17", "271231")], ("duplicate_ai", "17")),
        (f"/01/{G}", "17=271231&17=271231", ("duplicate_ai", "17")),
        (f"/01/{G}", {"17": ""}, ("empty_value", "17")),
        (f"/01/{G}", "17", ("empty_value", "17")),
        (f"/01/{G}", {"17": "271331"}, ("bad_date", "17")),
        (f"/01/{G}", {"17": "2712"}, ("bad_date", "17")),
        (f"/01/{G}", {"999": "x"}, ("unknown_ai", "999")),
        (f"/01/{G}", {"98": "XYZ 987"}, ("bad_charset", "98")),
        (f"/01/{G}", "98=XYZ+987", ("bad_charset", "98")),
        (f"/01/{G}", "17=%zz", ("bad_escape", "17")),
        (f"/01/{G}", "%zz=1", ("bad_escape", "query")),
        (f"/01/{G}", {"90": "X" * 31}, ("too_long", "90")),
        (f"/01/{G}", {"99": "X" * 91}, ("too_long", "99")),
    ],
)
def test_parse_path_invalid(path, query, expected):
    assert error_of(gs1.parse_path, path, query) == expected


class FakeMultiDict:
    """Mimic Werkzeug's MultiDict: items() hides repeated keys unless multi=True."""

    def __init__(self, pairs):
        self.pairs = pairs

    def items(self, multi=False):
        return list(self.pairs) if multi else list(dict(reversed(self.pairs)).items())


def test_parse_path_sees_repeated_keys_in_a_multidict():
    query = FakeMultiDict([("17", "271231"), ("17", "281231")])
    assert error_of(gs1.parse_path, f"/01/{G}", query) == ("duplicate_ai", "17")
    link, _ = gs1.parse_path(f"/01/{G}", FakeMultiDict([("17", "271231")]))
    assert link.attributes == {"17": "271231"}


EXP = {"17": "271231"}

# --- parse_uri --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"https://id.gs1.org/01/{G}/10/L", DigitalLink(G, lot="L")),
        (f"HTTPS://ID.EXAMPLE.CN/01/{G}", DigitalLink(G)),
        (f"http://localhost:8080/01/{G}", DigitalLink(G)),
        (f"  id.example.cn/01/{G}\n", DigitalLink(G)),
        (f"/01/{G}/21/S", DigitalLink(G, serial="S")),
        (f"https://a/01/{G}/#frag", DigitalLink(G)),
        (f"https://a/01/faux/01/{G}", DigitalLink(G)),
        (f"https://a/x/01/{G}/10/01/21/5", DigitalLink(G, lot="01", serial="5")),
        (f"https://a/01/{G}?%31%37=271231&linkType=%zz&&", DigitalLink(G, attributes=EXP)),
        ("https://a/01/9506000134352?17=271231", DigitalLink(G, attributes=EXP)),
    ],
)
def test_parse_uri_valid(uri, expected):
    assert gs1.parse_uri(uri) == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"HtTp://a/01/{G}", ("not_gs1", "scheme")),
        (f"ftp://a/01/{G}", ("not_gs1", "scheme")),
        ("https://a/00/006141411234567890", ("not_gs1", "uri")),
        (f"https://a/gtin/{G}", ("not_gs1", "uri")),
        (f"https://a?x=/01/{G}", ("not_gs1", "uri")),
        ("", ("not_gs1", "uri")),
        # The right-most /01/ fails on its GTIN, so the error of the real key is reported.
        (f"https://a/01/{G}/10/01/10/X", ("duplicate_ai", "10")),
        ("https://a/01/faux/01/09506000134353", ("gtin_check_digit", "gtin")),
        (f"https://a/01/{G}?17=271231&17=271231", ("duplicate_ai", "17")),
        (f"https://a/01/{G}?21=S", ("serial_in_query", "21")),
    ],
)
def test_parse_uri_invalid(uri, expected):
    assert error_of(gs1.parse_uri, uri) == expected


# --- Element strings and scans ----------------------------------------------------------------

LINK = DigitalLink(G, lot="0329", attributes={"15": "210526"})


@pytest.mark.parametrize(
    "text",
    [
        f"(01){G}(10)0329(15)210526",
        f"(15)210526(10)0329(01){G}",
        f"01{G}100329\x1d15210526",
        f"01{G}15210526100329",
        f"01{G}\x1d15210526\x1d100329\x1d",
        f"]d201{G}100329<GS>15210526",
        f"]Q3\x1d01{G}100329\\x1d15210526",
        f"]C101{G}100329^15210526",
        f"^01{G}100329\u241d15210526",
        f"(01){G}(10)0329(15)210526(10)0329",
    ],
)
def test_parse_element_string_forms(text):
    assert gs1.parse_element_string(text) == LINK


def test_element_string_pitfalls():
    # Without a GS after it, a lot swallows the next AI (see the notes, section 1.4).
    assert gs1.parse_element_string(f"01{G}10032915210526").lot == "032915210526"
    assert gs1.parse_element_string(f"(01){G}(10)A\\(12)B(21)S").lot == "A(12)B"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("not_gs1", "input")),
        ("hello", ("not_gs1", "input")),
        (f"x(01){G}", ("not_gs1", "input")),
        ("(99)XYZ789", ("not_gs1", "gtin")),
        ("10ABC", ("not_gs1", "gtin")),
        (f"(01){G}(10)A(10)B", ("duplicate_ai", "10")),
        ("(01)9506000134352", ("gtin_length", "gtin")),
        ("(01)123456789012312(10)12345", ("gtin_length", "gtin")),
        ("01950600013435", ("gtin_length", "gtin")),
        ("(01)09506000134353", ("gtin_check_digit", "gtin")),
        (f"(3103)00018(01){G}", ("bad_attribute", "3103")),
        (f"01{G}8888000189", ("unknown_ai", "88")),
        (f"01{G}172712", ("bad_date", "17")),
        (f"(01){G}(10)", ("empty_value", "10")),
        (f"(01){G}(10)A B", ("bad_charset", "10")),
        (f"01{G}10{'2' * 20}aaa", ("too_long", "10")),
        ("^99~ABC", ("bad_charset", "99")),
    ],
)
def test_parse_element_string_invalid(text, expected):
    assert error_of(gs1.parse_element_string, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9506000134352", DigitalLink(G)),
        (f" {G} ", DigitalLink(G)),
        (f"(01){G}(10)0329(15)210526", LINK),
        (f"]d201{G}100329\x1d15210526", LINK),
        (f"https://id.example.cn/01/{G}/10/0329?15=210526", LINK),
        (f"id.example.cn/01/{G}/10/0329?15=210526", LINK),
    ],
)
def test_parse_scan_dispatches(text, expected):
    assert gs1.parse_scan(text) == expected


@pytest.mark.parametrize("text", ["", "9506000134353", "hello", "https://a/b", "123"])
def test_parse_scan_rejects(text):
    error_of(gs1.parse_scan, text)


# --- The shared vectors file ------------------------------------------------------------------

# Vectors that GS1 marks valid but this site rejects on purpose, with the code we give.
OUT_OF_SCOPE = {
    "https://id.gs1.org/01/09520123456788/235/XYZ?10=ABC123": "unknown_ai",  # TPX path
    "https://a/00/faux/00/006141411234567890": "not_gs1",  # SSCC key
    "https://dlnkd.tn.gg/HxHKVAdpQgZzjr-hCDKigI": "not_gs1",  # compressed DL
    "https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123": "not_gs1",
    "https://gs1.evrythng.com/HxHKVAdpQhCTxbrOF_yEFcx_4a2GeAh1mFOZkChg6Z8pgcEMEWpMganmIfESxTyJ5"
    "UvMJa9Za": "not_gs1",  # compressed DL
}


def _run_vector(text: str):
    """Feed a vector to the function that handles its kind of input."""
    if text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14):
        return gs1.to_gtin14(text)
    if text.isascii() and text.isdigit() and len(text) == 6:
        return gs1.parse_date(text)
    if text.startswith(("(", "^")) or text[:2].isdigit():
        return gs1.parse_element_string(text)
    if "/" in text:
        return gs1.parse_uri(text)
    return gs1.parse_path(f"/01/{G}/10/{quote(text, safe='')}")[0]  # a printed lot


@pytest.mark.parametrize("vector", VECTORS, ids=[v["input"][:60] for v in VECTORS])
def test_vector(vector):
    text = vector["input"]
    if text in OUT_OF_SCOPE:
        assert vector["valid"]
        assert error_of(_run_vector, text)[0] == OUT_OF_SCOPE[text]
        return
    if not vector["valid"]:
        error_of(_run_vector, text)
        return
    result = _run_vector(text)
    if isinstance(result, DigitalLink):
        assert result.gtin == vector["gtin"]
        assert (result.lot, result.serial) == (vector["lot"], vector["serial"])
        assert result.attributes.get("17") == vector["expiry"]
    else:
        assert vector["gtin"] is None


def test_out_of_scope_list_matches_the_vectors_file():
    assert len(VECTORS) >= 40
    assert set(OUT_OF_SCOPE) <= {v["input"] for v in VECTORS}
    assert {"AB C", "200600", "(99)XYZ789"} <= {v["input"] for v in VECTORS}


# --- Properties -------------------------------------------------------------------------------

GTINS = st.text(alphabet="0123456789", min_size=13, max_size=13).map(
    lambda body: body + str(gs1.gtin_check_digit(body))
)
XVALUES = st.text(alphabet=sorted(gs1.CSET82), min_size=1, max_size=20)
DATES = st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31)).map(lambda d: d.strftime("%y%m%d"))
ATTRIBUTES = st.builds(
    lambda dates, texts: {**dates, **texts},
    st.dictionaries(st.sampled_from(gs1.DATE_AIS), DATES, max_size=3),
    st.dictionaries(
        st.sampled_from(["90", "91", "99"]), st.text(sorted(gs1.CSET82), min_size=1, max_size=30)
    ),
)
LINKS = st.builds(
    DigitalLink,
    gtin=GTINS,
    cpv=st.none() | XVALUES,
    lot=st.none() | XVALUES,
    serial=st.none() | XVALUES,
    attributes=ATTRIBUTES,
)
NOISE = st.text(alphabet=st.sampled_from(list("0123456789/%+?&=()^]\\x<GS>AbF~ 批\x1d\udcff")))


@given(LINKS)
def test_path_round_trip(link):
    assert gs1.parse_path(link.path(), link.attributes) == (link, False)
    assert gs1.parse_path(link.path(), list(link.attributes.items())) == (link, False)


@given(LINKS, st.sampled_from(["https://id.gs1.org", "http://x.cn/a/01/b", "HTTPS://H:8/s/"]))
def test_uri_round_trip(link, base):
    assert gs1.parse_uri(link.uri(base)) == link


@given(LINKS)
def test_element_string_round_trip(link):
    assert gs1.parse_element_string(link.element_string()) == link


@given(st.text() | NOISE, st.dictionaries(st.text() | NOISE, st.text() | NOISE, max_size=4))
def test_parse_path_raises_only_gs1_error(text, query):
    for path in (text, "/01/" + text, f"/01/{G}/" + text):
        try:
            link, _ = gs1.parse_path(path, query)
        except Gs1Error as exc:
            assert exc.code in gs1.ERROR_CODES
        else:
            assert isinstance(link, DigitalLink)


@given(st.text() | NOISE)
def test_other_parsers_raise_only_gs1_error(text):
    inputs = (text, f"https://a/01/{G}/" + text, f"(01){G}" + text, f"01{G}" + text)
    for func in (gs1.parse_uri, gs1.parse_element_string, gs1.parse_scan, gs1.parse_date):
        for value in inputs:
            try:
                func(value)
            except Gs1Error as exc:
                assert exc.code in gs1.ERROR_CODES


def _gs1_table() -> list[dict]:
    """GS1's application identifiers as biip ships them (the syntax dictionary's table)."""
    folder = importlib.resources.files("biip.gs1_application_identifiers")
    table = folder.joinpath("_application_identifiers.json")
    assert table.is_file(), "biip no longer ships its AI table here; update this test"
    return json.loads(table.read_text(encoding="utf-8"))


ATTRIBUTE_TABLE = [row for row in _gs1_table() if gs1.is_attribute_ai(row["ai"])]
HOURS = st.integers(0, 23).map("{:02d}".format)
MINUTES = st.integers(0, 59).map("{:02d}".format)
# Date-and-time values whose regex-drawn digits are almost never a real moment.
MOMENTS = {
    "7003": st.tuples(DATES, HOURS, MINUTES).map("".join),  # YYMMDDhhmm
    "4324": st.tuples(DATES, HOURS, MINUTES).map("".join),
    "4325": st.tuples(DATES, HOURS, MINUTES).map("".join),
    "8008": st.tuples(DATES, HOURS, st.sampled_from(["", "0000", "3059"])).map("".join),
}


def test_the_table_is_gs1s_whole_dictionary():
    assert len(ATTRIBUTE_TABLE) > 400
    assert {"17", "3103", "3922", "240", "7003", "8008"} <= {row["ai"] for row in ATTRIBUTE_TABLE}


@pytest.mark.parametrize("row", ATTRIBUTE_TABLE, ids=[row["ai"] for row in ATTRIBUTE_TABLE])
@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_every_data_attribute_round_trips_through_uri_and_element_string(row, data):
    if row["ai"] in gs1.DATE_AIS:  # regex-drawn digits are almost never a real date
        value = data.draw(DATES)
    elif row["ai"] in MOMENTS:
        value = data.draw(MOMENTS[row["ai"]])
    else:
        value = data.draw(st.from_regex(row["pattern"], fullmatch=True))[len(row["ai"]):]
    try:
        link = DigitalLink(G, lot="ABC", attributes={row["ai"]: value})
    except Gs1Error as error:
        # The pattern allows values the AI's own rules refuse (31 June, a wrong check digit).
        assert error.code in ("bad_attribute", "bad_date", "empty_value"), error
        assume(False)
    assert gs1.parse_uri(link.uri()) == link
    assert gs1.parse_element_string(link.element_string()) == link
