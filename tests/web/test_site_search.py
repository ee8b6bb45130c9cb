"""Site search reads like a list of results: each hit says what it is, the kinds are counted
and can be chosen one at a time, long lists come in pages, the matching words are marked."""

from __future__ import annotations

from datetime import date

import pytest

from formulatrust.results.models import SamplingResult

from .. import factories
from ..pagecheck import check_page

WORD = "Okapimilk"


def words(element) -> str:
    return " ".join(element.get_text().split())


@pytest.fixture
def okapi(runner, session, world):
    """An enterprise and 23 sampling results that name the word; nothing else does."""
    factories.enterprise(session, slug="okapi-dairy", name_zh="奥卡皮乳业有限公司",
                         name_en=f"{WORD} Dairy Co., Ltd.", credit_code="91310000TEST00009X")
    session.add_all(SamplingResult(
        sample_no=f"OK{number:03d}", product_name="测试婴儿配方乳粉",
        enterprise_name=f"{WORD} Dairy Co., Ltd.", province="上海", lab="测试检验所",
        category="婴幼儿配方食品", announced_on=date(2026, 1, number + 1), compliant=True,
        announcement_no=f"2026年第{number}号") for number in range(23))
    session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0


def test_each_hit_says_what_it_is_and_the_kinds_are_counted(client, okapi):
    soup = check_page(client.get(f"/search?q={WORD.lower()}&lang=en").get_data(as_text=True))
    assert words(soup.select_one("main h2")) == f"24 matches for “{WORD.lower()}”"
    tabs = [words(a) for a in soup.select(".kind-tabs a")]
    assert tabs == ["All 24", "Sampling results 23", "Enterprises 1"]
    assert soup.select_one(".kind-tabs a[aria-current=page]").get_text().startswith("All")
    kinds = {words(label) for label in soup.select(".hits .hit-kind")}
    assert kinds <= {"Sampling result", "Enterprise"} and len(soup.select(".hits > li")) == 20
    assert f"<mark>{WORD}</mark>" in str(soup.select_one(".hits .hit-excerpt"))


def test_one_kind_at_a_time_page_by_page(client, okapi):
    first = check_page(client.get(f"/search?q={WORD}&type=result&lang=en").get_data(
        as_text=True))
    assert {words(label) for label in first.select(".hit-kind")} == {"Sampling result"}
    assert len(first.select(".hits > li")) == 20
    assert "Page 1 of 2" in words(first.select_one(".pagination"))
    following = first.select_one(".pagination a[rel=next]")["href"]
    assert "type=result" in following and "page=2" in following
    second = check_page(client.get(following).get_data(as_text=True))
    assert len(second.select(".hits > li")) == 3
    assert second.select_one(".hits")["start"] == "21"
    seen = {a["href"] for soup in (first, second) for a in soup.select(".hits > li > a")}
    assert len(seen) == 23  # every result once, none twice
    enterprises = check_page(client.get(f"/search?q={WORD}&type=enterprise&lang=en").get_data(
        as_text=True))
    assert [a["href"] for a in enterprises.select(".hits > li > a")] == [
        "/enterprises/okapi-dairy"]


@pytest.mark.parametrize(("args", "english", "chinese"), [
    ("type=nonsense", "Choose one of the kinds of record listed.", "请选择列出的记录类型之一。"),
    ("page=0", "“page” must be a whole number from 1 to 100000.",
     "“page”必须是1到100000之间的整数。"),
    ("page=abc", "“page” must be a whole number from 1 to 100000.",
     "“page”必须是1到100000之间的整数。"),
])
def test_an_unknown_kind_or_page_gets_a_clear_answer(client, okapi, args, english, chinese):
    for lang, message in (("en", english), ("zh", chinese)):
        response = client.get(f"/search?q={WORD}&{args}&lang={lang}")
        assert response.status_code == 400
        assert message in words(check_page(response.get_data(as_text=True), lang))


def test_a_result_hit_says_its_verdict_maker_date_and_lot_not_the_indexed_text(client, okapi):
    soup = check_page(client.get(f"/search?q={WORD}&type=result&lang=en").get_data(
        as_text=True))
    first = words(soup.select_one(".hits .hit-excerpt"))
    assert first.startswith(f"Compliant {WORD} Dairy Co., Ltd. · ")
    assert "测试检验所" not in first and "compliant 合格" not in first.lower()
    assert f"<mark>{WORD}</mark>" in str(soup.select_one(".hits .hit-excerpt"))
