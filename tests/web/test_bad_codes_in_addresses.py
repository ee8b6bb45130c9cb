"""Lots, GTINs and serials taken from an address or a query: a malformed one answers 400 with
the bilingual message, a well-formed one that is not on record 404, never 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

GTIN, LOT = "09521234500018", "20260301A1"
BAD_VALUES = [" ", "\x00", "中", "A" * 100]
# GS1's character set 82 allows "." and "/": these are well-formed lots, just never on record.
ODD_BUT_WELL_FORMED = ["../", "../../etc/passwd", "%2F"]
BAD_GTINS = [" ", "\x00", "中", "9" * 100, "../", "0952123450001X"]


def q(value: str) -> str:
    return quote(value, safe="")


def addresses_with_lot(lot: str) -> list[str]:
    return [f"/follow?gtin={GTIN}&lot={q(lot)}",
            f"/feeds/batches/{GTIN}/{q(lot)}.atom",
            f"/01/{GTIN}/10/{q(lot)}",
            f"/scan/history/01/{GTIN}/10/{q(lot)}",
            f"/scan/report?gtin={GTIN}&lot={q(lot)}",
            f"/scan/report?gtin={GTIN}&serial={q(lot)}",
            f"/01/{GTIN}/10/{LOT}/21/{q(lot)}"]


def addresses_with_gtin(gtin: str) -> list[str]:
    return [f"/follow?gtin={q(gtin)}&lot={LOT}",
            f"/feeds/batches/{q(gtin)}/{LOT}.atom",
            f"/feeds/products/{q(gtin)}.atom",
            f"/scan/history/01/{q(gtin)}/10/{LOT}",
            f"/scan/report?gtin={q(gtin)}"]


def assert_bilingual_400(response, address: str) -> None:
    assert response.status_code == 400, address
    page = response.get_data(as_text=True)
    assert 'class="other-language"' in page, address


@pytest.mark.parametrize("lot", BAD_VALUES)
def test_a_malformed_lot_or_serial_is_a_bilingual_400(client, trace, lot):
    for address in addresses_with_lot(lot):
        response = client.get(address + ("&" if "?" in address else "?") + "lang=en")
        if address.startswith("/01/"):
            assert response.status_code == 400, address  # the resolver's own page
        else:
            assert_bilingual_400(response, address)


@pytest.mark.parametrize("lot", ODD_BUT_WELL_FORMED)
def test_a_lot_with_dots_and_slashes_is_treated_as_a_lot_not_a_path(client, trace, lot):
    for address in addresses_with_lot(lot):
        assert client.get(address).status_code in (200, 404), address
    follow = client.get(f"/follow?gtin={GTIN}&lot={q(lot)}&lang=en").get_data(as_text=True)
    assert f"/01/{GTIN}/10/{q(lot)}" in follow  # the can page of exactly that lot


@pytest.mark.parametrize("gtin", BAD_GTINS)
def test_a_malformed_gtin_is_never_a_server_error(client, trace, gtin):
    for address in addresses_with_gtin(gtin):
        assert client.get(address).status_code in (400, 404), address


def test_the_feed_page_names_the_lot_that_is_wrong(client, trace):
    response = client.get(f"/feeds/batches/{GTIN}/%E4%B8%AD.atom?lang=en")
    assert_bilingual_400(response, "feed")
    assert "lot" in response.get_data(as_text=True).lower()


def test_a_well_formed_lot_not_on_record_can_be_followed_before_its_record_exists(client,
                                                                                   trace):
    # The can page of a lot not on record offers to follow it (the record may come later).
    page = client.get(f"/01/{GTIN}/10/NOTYET1?lang=en").get_data(as_text=True)
    assert f"/feeds/batches/{GTIN}/NOTYET1.atom" in page
    feed = client.get(f"/feeds/batches/{GTIN}/NOTYET1.atom")
    assert feed.status_code == 200 and b"<entry>" not in feed.data
    assert client.get(f"/follow?gtin={GTIN}&lot=NOTYET1").status_code == 200


def test_a_well_formed_lot_not_on_record_has_no_history(client, trace):
    assert client.get(f"/scan/history/01/{GTIN}/10/NOTYET1").status_code == 404
