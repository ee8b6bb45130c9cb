"""Feeds in the reader's language: English pages link the English feed (``?lang=en``), whose
content, ``rel="self"`` and links back to the pages stay English; Chinese pages link the
Chinese feed, as it always was."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from formulatrust.core import demo
from formulatrust.enterprises.models import Product
from formulatrust.results.models import Recall

from ..pagecheck import check_page

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GTIN, LOT = "09521234500025", "20260402B2"
PAGES_WITH_FEEDS = ["/recalls", "/results", "/results?compliant=no", "/ratings", "/bulletins",
                    "/enterprises/test-dairy", f"/01/{GTIN}/10/{LOT}"]
FEEDS = ["/recalls/feed.atom", "/results/feed.atom", "/results/feed.atom?compliant=no",
         "/ratings/feed.atom", "/bulletins/feed.atom", "/enterprises/test-dairy/results.atom",
         f"/feeds/batches/{GTIN}/{LOT}.atom", f"/feeds/products/{GTIN}.atom"]
FEED_LINK = 'link[rel=alternate][type="application/atom+xml"]'
HAN = re.compile(r"[\u3400-\u9fff]")


def language_of(href: str) -> str | None:
    return parse_qs(urlsplit(href).query).get("lang", [None])[0]


def feed_links(client, path: str, lang: str) -> list[str]:
    joiner = "&" if "?" in path else "?"
    soup = check_page(client.get(f"{path}{joiner}lang={lang}").get_data(as_text=True))
    return [each["href"] for each in soup.select(FEED_LINK)]


def fetch(client, path: str, **headers) -> ElementTree.Element:
    response = client.get(path, headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data)


def link(feed: ElementTree.Element, rel: str) -> str:
    return next(each.get("href") for each in feed.findall(f"{ATOM}link") if each.get("rel") == rel)


@pytest.mark.parametrize("path", PAGES_WITH_FEEDS)
def test_english_pages_link_the_english_feed_and_chinese_pages_the_chinese_one(
        client, trace, path):
    english, chinese = feed_links(client, path, "en"), feed_links(client, path, "zh")
    assert english and [language_of(href) for href in english] == ["en"] * len(english)
    assert chinese and [language_of(href) for href in chinese] == [None] * len(chinese)


@pytest.mark.parametrize("path", FEEDS)
def test_an_english_feed_keeps_its_language_in_every_link(client, trace, path):
    joiner = "&" if "?" in path else "?"
    feed = fetch(client, f"{path}{joiner}lang=en")
    assert feed.get(XML_LANG) == "en"
    assert language_of(link(feed, "self")) == "en"
    assert language_of(link(feed, "alternate")) == "en"
    entries = feed.findall(f"{ATOM}entry")
    assert all(language_of(link(entry, "alternate")) == "en" for entry in entries)
    again = fetch(client, link(feed, "self").removeprefix("https://localhost"))
    assert again.get(XML_LANG) == "en"


@pytest.mark.parametrize("path", FEEDS)
def test_a_chinese_feed_keeps_its_address_whoever_fetches_it(client, trace, path):
    client.set_cookie("lang", "en")
    feed = fetch(client, path, **{"Accept-Language": "en"})
    assert feed.get(XML_LANG) == "zh-Hans"
    assert language_of(link(feed, "self")) is None
    assert language_of(link(feed, "alternate")) is None


def test_the_english_recalls_feed_gives_the_demo_recall_in_english(client, session):
    demo.build(session)
    session.commit()
    recall = session.scalars(select(Recall)).one()
    feed = fetch(client, "/recalls/feed.atom?lang=en")
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == recall.product.name_en
    assert entry.findtext(f"{ATOM}summary") == f"{recall.reason_en} {recall.action_en}"
    assert entry.find(f"{ATOM}content") is None


def test_the_chinese_recalls_feed_is_unchanged(client, session, trace):
    recall = session.scalars(select(Recall)).one()
    feed = fetch(client, "/recalls/feed.atom")
    assert link(feed, "self") == "https://localhost/recalls/feed.atom"
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "测试较大婴儿配方乳粉（2段）"
    assert entry.findtext(f"{ATOM}summary") == "维生素A含量不足。 停止食用并退货。"
    assert link(entry, "alternate") == f"https://localhost/recalls/{recall.id}"


@pytest.mark.parametrize("path", ["/recalls/feed.atom?lang=en",
                                  f"/feeds/batches/{GTIN}/{LOT}.atom?lang=en"])
def test_an_english_feed_without_the_regulators_english_says_so_and_marks_the_chinese(
        client, session, trace, path):
    recall = session.scalars(select(Recall)).one()
    recall.reason_en = recall.action_en = ""
    session.commit()
    [entry] = fetch(client, path).findall(f"{ATOM}entry")
    summary = entry.findtext(f"{ATOM}summary")
    assert "published this recall in Chinese only" in summary
    assert "Stop using formula from the recalled lots now." in summary
    assert not HAN.search(entry.findtext(f"{ATOM}title") + summary)
    content = entry.find(f"{ATOM}content")
    assert content.get(XML_LANG) == "zh-Hans"
    assert content.text == "维生素A含量不足。 停止食用并退货。"


def test_english_feeds_give_names_and_failed_items_in_english(client, session, trace):
    product = session.scalars(select(Product).where(Product.gtin == "09521234500032")).one()
    [entry] = fetch(client, "/results/feed.atom?compliant=no&lang=en").findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == f"{product.name_en} · Not compliant"
    summary = entry.findtext(f"{ATOM}summary")
    assert summary.startswith("Riverside Milk Co., Ltd.") and "Cronobacter" in summary
    assert "阪崎肠杆菌" not in summary
