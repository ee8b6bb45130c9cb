"""The GS1 Digital Link resolver: status codes, pages, JSON, linksets and headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formulatrust.core.signing import signer

from ..pagecheck import check_page

GTIN1, GTIN2, GTIN3 = "09521234500018", "09521234500025", "09521234500032"
VECTORS = json.loads((Path(__file__).parents[1] / "domain/data/gs1_vectors.json").read_text())


def issued_serial(app, lot: str, counter: int, gtin: str = GTIN1) -> str:
    with app.app_context():
        return signer().issue(gtin, lot, counter)


def page_text(response) -> str:
    return " ".join(check_page(response.get_data(as_text=True)).main.get_text().split())


def test_product_page(client, trace):
    response = client.get(f"/01/{GTIN1}")
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), "zh")
    assert soup.h1.get_text() == "测试婴儿配方乳粉（1段）"
    assert "母乳是0至6月龄婴儿最理想的食物" in soup.main.get_text()  # stage 1 statement
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_batch_page_shows_the_batch_and_its_factory(client, trace):
    text = page_text(client.get(f"/01/{GTIN1}/10/20260301A1?lang=en"))
    assert "20260301A1" in text and "Test Factory" in text and "Test Farm" in text
    assert "Grade A" in text


def test_issued_serial_is_genuine_and_counts_queries(app, client, trace):
    path = f"/01/{GTIN1}/10/20260301A1/21/{issued_serial(app, '20260301A1', 5)}"
    first = client.get(path + "?lang=en", headers={"User-Agent": "phone-a"})
    text = page_text(first)
    assert "its signature checks out" in text
    assert "Queried 1 time" in text and "first time" in text
    assert first.headers["Cache-Control"] == "private, no-store"
    first.close()  # the query is recorded once the response has been sent
    reload = client.get(path + "?lang=en", headers={"User-Agent": "phone-a"})
    assert "Queried 1 time" in page_text(reload)  # a reload within minutes counts once
    reload.close()
    other = client.get(path + "?lang=en", headers={"User-Agent": "phone-b"})
    assert "Queried 2 times" in page_text(other)


def test_serial_beyond_the_issued_range_or_forged_is_flagged(app, client, trace):
    for serial in (issued_serial(app, "20260301A1", 100), "FORGED123", "A1" + "0" * 8):
        text = page_text(client.get(f"/01/{GTIN1}/10/20260301A1/21/{serial}?lang=en"))
        assert "not on record for this product" in text, serial


def test_registered_serial_is_genuine(client, trace):
    text = page_text(client.get(f"/01/{GTIN1}/10/20260301A1/21/REG0001?lang=en"))
    assert "The maker registered this serial number" in text


def test_serial_without_lot_finds_its_batch(app, client, trace):
    serial = issued_serial(app, "20260301A1", 7)
    text = page_text(client.get(f"/01/{GTIN1}/21/{serial}?lang=en"))
    assert "20260301A1" in text and "signature checks out" in text


def test_unknown_lot_warns_prominently(client, trace):
    response = client.get(f"/01/{GTIN1}/10/NOPE99?lang=en")
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True))
    warning = " ".join(soup.select_one(".banner-warning").get_text().split())
    assert "Batch NOPE99 is not on record" in warning and "may not be genuine" in warning


def test_recalled_batch_shows_the_banner_first(client, trace):
    soup = check_page(client.get(f"/01/{GTIN2}/10/20260402B2/21/ANY1").get_data(as_text=True))
    banner = soup.main.find("section")
    assert "recall-banner" in banner["class"]
    assert "已召回" in banner.h2.get_text() and "停止食用并退货" in banner.get_text()


def test_failed_result_shows_on_its_batch(client, trace):
    text = page_text(client.get(f"/01/{GTIN3}/10/20260503C3?lang=en"))
    assert "Not compliant" in text and "Cronobacter" in text
    assert "阪崎肠杆菌" in page_text(client.get(f"/01/{GTIN3}/10/20260503C3?lang=zh"))


def test_unknown_gtin_is_404(client, trace):
    response = client.get("/01/09521234599999?lang=en")
    assert response.status_code == 404
    assert check_page(response.get_data(as_text=True)).h1.get_text() == (
        "This product is not on record")


@pytest.mark.parametrize(("path", "words"), [
    ("/01/09521234500019", "check digit"),
    ("/01/123", "8, 12, 13 or 14 digits"),
    (f"/01/{GTIN1}/21/S1/10/L1", "wrong order"),
    (f"/01/{GTIN1}/10/AB%20C", "not allowed"),
    (f"/01/{GTIN1}/10/{'A' * 21}", "longer than 20"),
    (f"/01/{GTIN1}?21=S1", "serial number must be in the path"),
    (f"/01/{GTIN1}/10/L1?17=261341", "not a valid date"),
    (f"/01/{GTIN1}/10/L1/10/L2", "appears twice"),
])
def test_malformed_codes_get_400_saying_what_is_wrong(client, trace, path, words):
    response = client.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert words in page_text(response)
    json_response = client.get(path, headers={"Accept": "application/json"})
    assert json_response.status_code == 400
    assert json_response.get_json()["error"]["code"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["input"][:60] for v in VECTORS])
def test_gs1_vectors_never_give_200_with_an_error_or_a_5xx(client, vector):
    path = "/" + vector["input"].split("://", 1)[-1].split("/", 1)[-1]
    response = client.get(path)
    assert response.status_code in (301, 400, 404), response.status_code
    if response.status_code == 400:
        assert "无法识别这个编码" in response.get_data(as_text=True)


def test_short_gtins_redirect_permanently_to_the_canonical_path(client, trace):
    response = client.get("/01/9521234500018/10/20260301A1?17=280228")
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://localhost/01/{GTIN1}/10/20260301A1?17=280228"
    assert "linkType=linkset" in response.headers["Link"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_json_representation_with_cors(app, client, trace):
    serial = issued_serial(app, "20260402B2", 0, GTIN2)
    response = client.get(f"/01/{GTIN2}/10/20260402B2/21/{serial}",
                          headers={"Accept": "application/json"})
    body = response.get_json()
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert body["level"] == "can" and body["product"]["gtin"] == GTIN2
    assert body["lot_on_record"] is True and body["batch"]["lot"] == "20260402B2"
    assert body["recalls"][0]["action"]["en"] == "Stop using it and return it."
    assert body["serial"] == {"value": serial, "status": "unknown"}  # no codes issued here
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("ask", [{"query_string": {"linkType": "linkset"}},
                                 {"headers": {"Accept": "application/linkset+json"}}])
def test_linkset_lists_what_the_site_offers(client, trace, ask):
    response = client.get(f"/01/{GTIN1}/10/20260301A1", **ask)
    assert response.status_code == 200
    assert response.mimetype == "application/linkset+json"
    [entry] = response.get_json()["linkset"]
    assert entry["anchor"].endswith(f"/01/{GTIN1}/10/20260301A1")
    for relation in ("pip", "recallStatus", "certificationInfo", "traceability"):
        links = entry[f"https://gs1.org/voc/{relation}"]
        assert all(link["href"].startswith("http") and link["title"] and link["type"]
                   for link in links)


@pytest.mark.parametrize(("link_type", "status", "target"), [
    ("gs1:pip", 307, f"/01/{GTIN1}"), ("gs1:defaultLink", 307, f"/01/{GTIN1}"),
    ("gs1:recallStatus", 307, f"/01/{GTIN1}?format=json"),
    ("gs1:certificationInfo", 307, "/enterprises/test-dairy"),
    ("https://gs1.org/voc/verificationService", 307, "/scan"),
    ("https://ref.gs1.org/voc/certificationInfo", 307, "/enterprises/test-dairy"),
    ("gs1:nutritionalInfo", 404, None),
])
def test_link_types_redirect_to_their_target_or_404(client, trace, link_type, status, target):
    response = client.get(f"/01/{GTIN1}", query_string={"linkType": link_type})
    assert response.status_code == status
    if target:
        assert response.headers["Location"] == "https://localhost" + target
        assert "linkType=linkset" in response.headers["Link"]
    if link_type == "gs1:recallStatus":
        assert client.get(response.headers["Location"]).get_json()["recalls"] == []


def test_a_link_type_redirect_passes_the_query_string_on(client, trace):
    response = client.get(f"/01/{GTIN1}?linkType=gs1:certificationInfo&foo=1&17=280228")
    assert response.status_code == 307
    assert response.headers["Location"] == "https://localhost/enterprises/test-dairy?foo=1&17=280228"


def test_every_resolver_answer_points_to_its_linkset(client, trace):
    for path in (f"/01/{GTIN1}", f"/01/{GTIN1}/10/X1", "/01/09521234599999"):
        link = client.get(path).headers["Link"]
        assert f'{path}?linkType=linkset>; rel="linkset"' in link


def test_head_and_options(client, trace):
    head = client.head(f"/01/{GTIN1}")
    assert head.status_code == 200 and head.data == b""
    options = client.options(f"/01/{GTIN1}")
    assert options.status_code == 200
    assert "GET" in options.headers["Allow"]
    assert options.headers["Access-Control-Allow-Origin"] == "*"


def test_well_known_resolver_description(client):
    body = client.get("/.well-known/gs1resolver").get_json()
    assert body["supportedPrimaryKeys"] == ["01"]
    assert body["resolverRoot"].startswith("http")


def test_provenance_page_is_small(app, client, trace):
    serial = issued_serial(app, "20260301A1", 1)
    html = client.get(f"/01/{GTIN1}/10/20260301A1/21/{serial}").data
    with client.get("/static/site.css") as css:
        assert len(html) + len(css.data) < 40 * 1024
    assert b"<script" not in html


SEGMENT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=25)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(st.one_of(st.sampled_from(["01", "10", "21", "22", "17", GTIN1]),
                                   SEGMENT), max_size=6),
       query=st.dictionaries(st.sampled_from(["10", "17", "21", "99", "linkType", "x"]),
                             SEGMENT, max_size=2))
def test_random_paths_never_fail_or_claim_success_with_an_error(client, trace, segments, query):
    from urllib.parse import quote

    path = "/01/" + "/".join(quote(s, safe="") for s in segments)
    response = client.get(path, query_string=query)
    assert response.status_code in (200, 301, 308, 400, 404), (path, response.status_code)
    if response.status_code == 200 and response.mimetype == "text/html":
        assert "无法识别这个编码" not in response.get_data(as_text=True)


def test_scans_by_signed_in_publishers_are_not_counted(client, session, world, trace):
    from ..accounts_factory import make_user, sign_in_as

    path = f"/01/{GTIN1}/10/20260301A1/21/REG0001?lang=en"
    with client.get(path, headers={"User-Agent": "parent"}) as response:
        assert "Queried 1 time" in response.get_data(as_text=True)
    sign_in_as(client, make_user(session, "enterprise", world["enterprises"][0]))
    with client.get(path, headers={"User-Agent": "shop"}) as response:
        assert "Queried 2 times" in response.get_data(as_text=True)  # shown, not stored
    sign_in_as(client, None)
    with client.get(path, headers={"User-Agent": "another parent"}) as response:
        assert "Queried 2 times" in response.get_data(as_text=True)
