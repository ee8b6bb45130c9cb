"""The recall form asks for English before publishing, never requires it: without English the
first submit answers with a warning and a "Publish without English" box to tick."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.results.models import Recall

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page, text_of

FORM = "/publish/recalls/new?lang=en"
WARNING = "The English reason or advice is empty"
BOX = "publish_without_english"


def fields(product, **changes) -> dict:
    return {"product": str(product.id), "lots": "20260301A1", "announced_on": "2026-07-01",
            "reason_zh": "检出异物。", "reason_en": "", "action_zh": "停止食用。",
            "action_en": "", **changes}


@pytest.fixture
def regulator(client, session, trace):
    sign_in_as(client, make_user(session, "regulator"))
    return client


def submit(client, data: dict):
    return client.post(FORM, data={"csrf_token": csrf_token(client, FORM), **data})


def published(session) -> list[Recall]:
    session.expire_all()
    return session.scalars(select(Recall).where(Recall.reason_zh == "检出异物。")).all()


def test_the_empty_form_does_not_ask_to_publish_without_english(regulator):
    soup = check_page(regulator.get(FORM).get_data(as_text=True))
    assert soup.find("textarea", id="reason_en") and soup.find(id=BOX) is None


@pytest.mark.parametrize("english", [{}, {"reason_en": "A foreign body was found."},
                                     {"action_en": "Stop using it."}])
def test_missing_english_gets_a_warning_and_the_box_and_publishes_nothing_yet(
        regulator, session, trace, english):
    response = submit(regulator, fields(trace["ordinary"].product, **english))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert WARNING in text_of(soup, ".error-summary")
    box = soup.find("input", id=BOX)
    assert box["type"] == "checkbox" and not box.has_attr("checked")
    assert soup.find("textarea", id="reason_zh").get_text().strip() == "检出异物。"  # kept
    assert published(session) == []


def test_ticking_the_box_publishes_the_chinese_only_recall_at_once(regulator, session, trace):
    product = trace["ordinary"].product
    response = submit(regulator, fields(product, **{BOX: "y"}))
    assert response.status_code == 303
    [recall] = published(session)
    assert recall.reason_en == "" and recall.action_en == ""
    page = check_page(regulator.get(response.headers["Location"] + "?lang=en")
                      .get_data(as_text=True))
    assert "published this recall in Chinese only" in text_of(page, ".recall-banner")


def test_a_recall_with_its_english_is_published_on_the_first_submit(regulator, session, trace):
    response = submit(regulator, fields(trace["ordinary"].product,
                                        reason_en="A foreign body was found.",
                                        action_en="Stop using it."))
    assert response.status_code == 303
    assert [r.reason_en for r in published(session)] == ["A foreign body was found."]


def test_the_box_stays_ticked_when_another_field_is_wrong(regulator, session, trace):
    response = submit(regulator, fields(trace["ordinary"].product, announced_on="2026-02-30",
                                        **{BOX: "y"}))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert WARNING not in text_of(soup, ".error-summary")
    assert soup.find("input", id=BOX).has_attr("checked")
    assert published(session) == []
