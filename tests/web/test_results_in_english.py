"""Sampling results in the reader's language: English pages show the data in English (or a
marked pinyin, or the Chinese marked as Chinese only); Chinese pages show only the Chinese."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from sqlalchemy import select

from formulatrust.core.bilingual import Pair
from formulatrust.enterprises.models import Product
from formulatrust.results.demo import DEMO_REASON
from formulatrust.results.models import (
    FailedItem,
    ResultRevision,
    SamplingResult,
    SupervisionListing,
)
from formulatrust.results.review import listing_reasons
from formulatrust.scan.models import Batch, RegisteredSerial

from ..language_check import chinese_outside_zh, slash_joined
from ..pagecheck import check_page


def page(client, path: str, lang: str):
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    return html, check_page(html, lang)


@pytest.fixture
def demo_world(runner, session):
    """The demo data, and the paths of a failed result and of a can from a failed batch."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    failed = session.scalars(select(SamplingResult).where(
        SamplingResult.compliant.is_(False), SamplingResult.sample_no.like("DEMO____0%"))
        .order_by(SamplingResult.id)).first()
    serial = session.scalars(select(RegisteredSerial).where(
        RegisteredSerial.serial == "DEMO0003")).one()
    batch = session.get(Batch, serial.batch_id)
    product = session.get(Product, batch.product_id)
    return {"result": f"/results/{failed.id}",
            "can": f"/01/{product.gtin}/10/{batch.lot}/21/{serial.serial}"}


def test_english_results_pages_show_the_data_in_english(client, demo_world):
    paths = ["/results", "/results?compliant=no", demo_world["result"], "/supervision",
             "/results/statistics", "/results?compliant=no&province=上海&item=阪崎肠杆菌"]
    seen, soups = {}, {}
    for path in paths:
        html, soups[path] = page(client, path, "en")
        assert chinese_outside_zh(html) == [], path
        seen[path] = soups[path].get_text(" ")
    assert "Cronobacter" in seen["/results?compliant=no"]
    assert "Pujiang Morning Dew Dairy Co., Ltd. (demo)" in seen["/results"]
    assert "Cronobacter" in seen["/results/statistics"]
    detail = seen[demo_world["result"]]
    assert "Shanghai" in detail or "Zhejiang" in detail or "Jiangsu" in detail
    assert "infant and young child formula" in detail
    assert " g/can" in detail  # the specification, published as "900克/罐"
    assert "Failed sampling (" in seen["/supervision"]
    # The regulator wrote the demo's reason in Chinese: shown, marked as Chinese.
    marked = soups["/supervision"].select(".card p span[lang=zh-Hans]")
    assert marked and all(span.get_text() == DEMO_REASON for span in marked)


def test_facet_labels_are_english_and_their_values_what_the_filters_compare(client, demo_world):
    _, soup = page(client, "/results?compliant=no", "en")
    province = {o["value"]: o.get_text() for o in soup.select("#filter-province option")}
    assert province["上海"].startswith("Shanghai (")
    category = {o["value"]: o.get_text() for o in soup.select("#filter-category option")}
    assert category["婴幼儿配方食品"].startswith("infant and young child formula")
    items = {o["value"]: o.get_text() for o in soup.select("#filter-item option")}
    assert items["阪崎肠杆菌"].startswith("Cronobacter (")
    # Choosing the English label sends the value the filter compares.
    _, chosen = page(client, "/results?compliant=no&item=阪崎肠杆菌", "en")
    assert chosen.select_one("#filter-item option[selected]").get_text().startswith("Cronobacter")
    rows = chosen.select(".result-rows li")
    assert rows and all("Cronobacter" in row.get_text() for row in rows)


def test_the_can_page_of_a_failed_batch_shows_its_results_in_english(client, demo_world):
    html, soup = page(client, demo_world["can"], "en")
    sections = [soup.find(id="verdict"), soup.find(id="results-heading").parent,
                soup.find(id="inspection-heading").parent]
    for section in sections:
        assert chinese_outside_zh(str(section)) == [], section.get("id")
    assert "Cronobacter" in sections[0].get_text()
    assert "Cronobacter" in sections[2].get_text()  # a release-inspection indicator


def test_chinese_results_pages_never_join_both_languages(client, session, world):
    stage1 = world["products"][0]
    enterprise = stage1.brand.enterprise
    failed = SamplingResult(
        product_id=stage1.id, enterprise_id=enterprise.id, enterprise_name=enterprise.name_zh,
        product_name=stage1.name_zh, province="上海", category="婴幼儿配方食品",
        lab="测试检验所", announced_on=date(2026, 6, 1), announcement_no="2026年第9号",
        compliant=False, failed_items=[FailedItem(item="阪崎肠杆菌", measured="检出",
                                                  limit="不得检出")])
    session.add(failed)
    session.flush()
    reason_zh, reason_en = listing_reasons(failed, "复查后仍不合格。")
    session.add(SupervisionListing(enterprise_id=enterprise.id, product_id=stage1.id,
                                   listed_on=date(2026, 6, 10), reason_zh=reason_zh,
                                   reason_en=reason_en))
    session.commit()
    for path in ("/results", f"/results/{failed.id}", "/supervision", "/results/statistics",
                 f"/01/{stage1.gtin}"):
        html, soup = page(client, path, "zh")
        assert slash_joined(html) == [], path
        assert enterprise.name_en not in soup.get_text(), path
    _, english = page(client, f"/results/{failed.id}", "en")
    assert enterprise.name_en in english.get_text()
    assert stage1.name_en in english.h1.get_text()


def test_a_listing_names_its_failed_items_in_each_language():
    result = SamplingResult(failed_items=[FailedItem(item="阪崎肠杆菌"),
                                          FailedItem(item="维生素A")])
    zh, en = listing_reasons(result, "复查后仍不合格。")
    assert zh == "抽检不合格（阪崎肠杆菌、维生素A）。复查后仍不合格。"
    assert en == "Failed sampling (Cronobacter, vitamin A)."
    assert listing_reasons(result, "Failed again at follow-up.")[1] == \
        "Failed sampling (Cronobacter, vitamin A). Failed again at follow-up."


RESULT_LIST = '{% from "components/facts.html" import result_list %}{{ result_list(results) }}'


def listed_result(**names) -> SimpleNamespace:
    return SimpleNamespace(
        compliant=False, announced_on=date(2026, 6, 1), lot="20260601A1",
        announcement_no="示例公告2026年第3号", product=None, enterprise=None,
        product_name="", enterprise_name="", enterprise_address="", trademark="",
        sampled_unit="", sampled_unit_en="", specification="", shelf_life="",
        failed_items=[FailedItem(item="维生素A", measured="9.8 μg RE/100kJ", limit="不得检出")],
        **names)


@pytest.mark.parametrize(("lab_en", "shown"), [
    ("Demo Testing Institute (fictional)", "Tested by Demo Testing Institute (fictional)"),
    ("", "Tested by Shi Li Jian Ce Yan Jiu Yuan"),
])
def test_a_result_list_names_the_lab_in_english_or_pinyin(app, lab_en, shown):
    result = listed_result(lab="示例检测研究院（虚构）", lab_en=lab_en)
    with app.test_request_context("/?lang=en"):
        html = render_template_string(RESULT_LIST, results=[result])
    assert chinese_outside_zh(html) == []
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert shown in text
    assert "vitamin A: measured 9.8 μg RE/100kJ (limit must not be detected)" in text
    with app.test_request_context("/?lang=zh"):
        chinese = render_template_string(RESULT_LIST, results=[result])
    assert "示例检测研究院（虚构）" in chinese and "Demo Testing" not in chinese


def test_plain_names_for_titles_and_options(app):
    from formulatrust.results.display import plain_name
    with app.test_request_context("/?lang=en"):
        assert plain_name(Pair("示例母婴店", "")) == "Shi Li Mu Ying Dian (pinyin)"
        assert plain_name(Pair("示例母婴店", "Demo Baby Shop")) == "Demo Baby Shop"
    with app.test_request_context("/?lang=zh"):
        assert plain_name(Pair("示例母婴店", "Demo Baby Shop")) == "示例母婴店"


def test_a_corrected_failed_item_is_named_in_the_readers_language(client, session):
    failed = SamplingResult(product_name="测试婴儿配方乳粉", compliant=False, failed_items=[
        FailedItem(item="阪崎肠杆菌", measured="检出", limit="不得检出")])
    session.add(failed)
    session.flush()
    session.add(ResultRevision(result_id=failed.id, source="first.xlsx", data={
        "failed_items": [["维生素A", "9.8", "14–43", ""]]}))
    session.commit()
    html, soup = page(client, f"/results/{failed.id}", "en")
    corrections = " ".join(soup.select_one(".revisions").get_text().split())
    assert ("Failed items: vitamin A: 9.8 (limit 14–43) → Cronobacter: detected "
            "(limit must not be detected)") in corrections
    assert chinese_outside_zh(html) == []
    _, chinese = page(client, f"/results/{failed.id}", "zh")
    corrections = chinese.select_one(".revisions").get_text()
    assert "维生素A: 9.8" in corrections and "阪崎肠杆菌: 检出" in corrections
    assert "║" not in corrections
