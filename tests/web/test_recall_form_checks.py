"""The recall form checks the date and the lots: an announcement after today (Shanghai) is
refused; lots the site has no record of for the product are nudged for, never refused: the
first submit lists them with a "These lots are correct" box to tick; malformed lots are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from formulatrust.core.clock import shanghai_now
from formulatrust.results.models import Recall, SamplingResult

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page, text_of

FORM = "/publish/recalls/new?lang=en"
BOX = "lots_confirmed"
UNKNOWN = "No batch or sampling result of this product has these lots"


def fields(product, **changes) -> dict:
    return {"product": str(product.id), "lots": "20260301A1", "announced_on": "2026-07-01",
            "reason_zh": "检出异物。", "reason_en": "A foreign body was found.",
            "action_zh": "停止食用。", "action_en": "Stop using it.", **changes}


@pytest.fixture
def regulator(client, session, trace):
    sign_in_as(client, make_user(session, "regulator"))
    return client


def submit(client, data: dict, form: str = FORM):
    return client.post(form, data={"csrf_token": csrf_token(client, form), **data})


def published(session) -> list[Recall]:
    session.expire_all()
    return session.scalars(select(Recall).where(Recall.reason_zh == "检出异物。")).all()


@pytest.mark.parametrize("announced", ["2030-01-01", "tomorrow"])
def test_an_announcement_after_today_in_shanghai_is_refused(
        regulator, session, trace, announced):
    if announced == "tomorrow":
        announced = (shanghai_now().date() + timedelta(days=1)).isoformat()
    response = submit(regulator, fields(trace["ordinary"].product, announced_on=announced))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert "“Announced on” cannot be after today" in text_of(soup, ".error-summary")
    assert published(session) == []


def test_the_date_refusal_is_in_chinese_too(regulator, session, trace):
    response = submit(regulator, fields(trace["ordinary"].product, announced_on="2030-01-01"),
                      "/publish/recalls/new?lang=zh")
    assert response.status_code == 400
    assert "“公告日期”不能晚于今天" in response.get_data(as_text=True)
    assert published(session) == []


def test_today_in_shanghai_is_accepted(regulator, session, trace):
    today = shanghai_now().date()
    response = submit(regulator, fields(trace["ordinary"].product,
                                        announced_on=today.isoformat()))
    assert response.status_code == 303
    assert [recall.announced_on for recall in published(session)] == [today]


def test_the_date_hint_does_not_ask_for_a_format_the_date_picker_does_not_show(regulator):
    soup = check_page(regulator.get(FORM).get_data(as_text=True))
    assert soup.find("input", id="announced_on")["type"] == "date"
    assert "YYYY" not in text_of(soup, "#announced_on-hint")


def test_known_lots_publish_at_the_first_submit_without_the_box(regulator, session, trace):
    soup = check_page(regulator.get(FORM).get_data(as_text=True))
    assert soup.find(id=BOX) is None
    sampled = trace["failed"]  # a lot known only from a sampling result would do as well
    response = submit(regulator, fields(sampled.product, lots=sampled.lot))
    assert response.status_code == 303
    assert [recall.lots for recall in published(session)] == [[sampled.lot]]


def test_a_lot_named_only_by_a_sampling_result_is_known(regulator, session, trace):
    product = trace["ordinary"].product
    session.add(SamplingResult(product_id=product.id, lot="SAMPLED7", compliant=True))
    session.commit()
    response = submit(regulator, fields(product, lots="SAMPLED7"))
    assert response.status_code == 303


def test_unknown_lots_are_listed_with_a_box_and_nothing_is_published_yet(
        regulator, session, trace):
    response = submit(regulator, fields(trace["ordinary"].product,
                                        lots="20260301A1, NOSUCHLOT, 20990101Z9"))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    summary = text_of(soup, ".error-summary")
    assert UNKNOWN in summary and "NOSUCHLOT, 20990101Z9." in summary
    assert "20260301A1," not in summary  # the known lot is not listed
    box = soup.find("input", id=BOX)
    assert box["type"] == "checkbox" and not box.has_attr("checked")
    assert soup.find("label", attrs={"for": BOX}).get_text().strip() == "These lots are correct"
    assert published(session) == []


def test_a_lot_of_another_product_is_unknown_for_this_one(regulator, session, trace):
    response = submit(regulator, fields(trace["ordinary"].product, lots=trace["failed"].lot))
    assert response.status_code == 400 and UNKNOWN in response.get_data(as_text=True)
    assert published(session) == []


def test_ticking_the_box_publishes_the_unknown_lots_as_typed(regulator, session, trace, client):
    product = trace["ordinary"].product
    response = submit(regulator, fields(product, lots="NOSUCHLOT 20990101Z9", **{BOX: "y"}))
    assert response.status_code == 303
    [recall] = published(session)
    assert recall.lots == ["NOSUCHLOT", "20990101Z9"]
    can = client.get(f"/01/{product.gtin}/10/NOSUCHLOT?lang=en").get_data(as_text=True)
    assert "A foreign body was found." in can


def test_both_nudges_are_asked_for_at_once(regulator, session, trace):
    response = submit(regulator, fields(trace["ordinary"].product, lots="NOSUCHLOT",
                                        reason_en="", action_en=""))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert soup.find("input", id=BOX) and soup.find("input", id="publish_without_english")
    response = submit(regulator, fields(trace["ordinary"].product, lots="NOSUCHLOT",
                                        reason_en="", action_en="", publish_without_english="y",
                                        **{BOX: "y"}))
    assert response.status_code == 303


@pytest.mark.parametrize("lots", ["批号一", "LOT#1", "A" * 21])
def test_a_malformed_lot_is_refused_even_with_the_box_ticked(regulator, session, trace, lots):
    response = submit(regulator, fields(trace["ordinary"].product, lots=lots, **{BOX: "y"}))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert "is not a lot number" in text_of(soup, ".error-summary")
    assert published(session) == []


def test_full_width_lots_typed_with_a_chinese_keyboard_match_the_batch(regulator, session,
                                                                        trace):
    response = submit(regulator, fields(trace["ordinary"].product, lots="　２０２６０３０１Ａ１ "))
    assert response.status_code == 303
    assert [recall.lots for recall in published(session)] == [["20260301A1"]]
