"""Recalls for English readers when the regulator left the English blank: the page says so,
shows the Chinese marked as Chinese, names the product and lots in English and still says what
to do; Chinese pages stay Chinese only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from formulatrust.results.models import Recall

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from ..smtp_server import body, work_once
from .test_follow import follow_and_confirm

RECALL_LOT = "20260402B2"
PAGES = ["/recalls", "/recall", f"/01/09521234500025/10/{RECALL_LOT}"]
MISSING = "The regulator published this recall in Chinese only; the Chinese text is shown."
GENERIC_ADVICE = "Stop using formula from the recalled lots now."
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def recall(session, trace) -> Recall:
    """The small world's recall, as a regulator who left both English fields blank wrote it."""
    recall = session.scalars(select(Recall)).one()
    recall.reason_en = recall.action_en = ""
    session.commit()
    return recall


def page(client, recall: Recall, path: str, lang: str):
    if path == "/recall":
        path = f"/recalls/{recall.id}"
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    return check_page(response.get_data(as_text=True))


def unmarked_chinese(element) -> str:
    """Return the Chinese characters of ``element`` outside elements marked ``lang="zh…"``."""
    for marked in element.select('[lang^="zh"]'):
        marked.decompose()
    return "".join(HAN.findall(element.get_text()))


def recall_part(soup):
    """Return the part of a page that shows the recall: its card in a list, else its banner."""
    return soup.select_one(".recall-card") or soup.select_one(".recall-banner")


@pytest.mark.parametrize("path", PAGES)
def test_english_readers_are_told_the_english_is_missing_and_see_the_chinese_marked(
        client, recall, path):
    shown = recall_part(page(client, recall, path, "en"))
    assert MISSING in " ".join(shown.get_text().split())
    assert "维生素A含量不足。" in [each.get_text() for each in shown.select('[lang="zh-Hans"]')]
    assert unmarked_chinese(shown) == ""


def test_the_recall_page_has_no_unmarked_chinese_in_english(client, recall):
    assert unmarked_chinese(page(client, recall, "/recall", "en").main) == ""


@pytest.mark.parametrize("path", ["/recall", f"/01/09521234500025/10/{RECALL_LOT}"])
def test_what_to_do_stays_clear_in_english_and_styled_as_danger(client, recall, path):
    banner = page(client, recall, path, "en").select_one(".recall-banner")
    text = " ".join(banner.get_text().split())
    assert GENERIC_ADVICE in text and "Test Dairy Co., Ltd." in text
    assert "停止食用并退货。" in [e.get_text() for e in banner.select('[lang="zh-Hans"]')]
    assert "Test follow-on formula (stage 2)" in text and "Testbrand" in text
    assert RECALL_LOT in [code.get_text() for code in banner.select(".code")]


@pytest.mark.parametrize("path", PAGES)
def test_chinese_pages_show_only_the_chinese(client, recall, path):
    shown = recall_part(page(client, recall, path, "zh"))
    text = shown.get_text()
    assert "维生素A含量不足。" in text
    assert MISSING not in text and GENERIC_ADVICE not in text
    assert not shown.select(".english-missing, .chinese-only")


@pytest.mark.parametrize("path", PAGES)
def test_the_regulators_english_is_shown_without_a_note(client, session, trace, path):
    recall = session.scalars(select(Recall)).one()
    shown = recall_part(page(client, recall, path, "en"))
    text = " ".join(shown.get_text().split())
    assert "Vitamin A below the label." in text and MISSING not in text
    assert GENERIC_ADVICE not in text and unmarked_chinese(shown) == ""


def test_an_english_alert_says_the_english_is_missing_and_still_says_what_to_do(
        web, mail_app, inbox, session, trace):
    handler, _port = inbox
    work_once(mail_app)  # the fan-out starts after what is already in the feed
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    sign_in_as(web, make_user(session, "regulator"))
    form = "/publish/recalls/new"
    response = web.post(form, data={
        "csrf_token": csrf_token(web, form), "product": str(trace["ordinary"].product.id),
        "lots": "20260301A1", "announced_on": "2026-07-01", "reason_zh": "检出异物。",
        "action_zh": "停止食用。", "publish_without_english": "y"})
    assert response.status_code == 303
    work_once(mail_app)
    [alert] = handler.take()
    text = " ".join(body(alert).split())
    assert MISSING in text and GENERIC_ADVICE in text and "Test Dairy Co., Ltd." in text
    assert "检出异物。" in text and "停止食用。" in text
