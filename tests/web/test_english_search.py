"""English search on the demo data: an English query written from the vocabulary finds the
same results as its Chinese equivalent, on /results and with both engines, and a Chinese query
finds records stored with English terms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from formulatrust.core import demo
from formulatrust.pages.search_documents import all_documents
from formulatrust.results.models import FailedItem, SamplingResult
from formulatrust.search import ENGINES, rebuild

from ..pagecheck import check_page, text_of

# (English, Chinese): pathogens, nutrients, contaminants, label items, phrases, places and
# enterprises, each English form as the vocabulary or the enterprise's English name writes it.
PAIRS = [
    ("Cronobacter", "阪崎肠杆菌"), ("Enterobacter sakazakii", "阪崎肠杆菌"),
    ("Cronobacter spp.", "阪崎肠杆菌"), ("vitamin A", "维生素A"), ("retinol", "维生素A"),
    ("selenium", "硒"), ("vitamin C", "维生素C"), ("ascorbic acid", "维生素C"),
    ("aerobic plate count", "菌落总数"), ("total plate count", "菌落总数"),
    ("lead", "铅"), ("melamine", "三聚氰胺"), ("aflatoxin M1", "黄曲霉毒素M1"),
    ("labelling", "标签"), ("label", "标签"), ("detected", "检出"),
    ("Jiangsu", "江苏"), ("Zhejiang", "浙江"), ("Anhui", "安徽"), ("Shandong", "山东"),
    ("Shanghai", "上海"), ("Pudong New Area", "浦东新区"), ("Pujiang", "浦江"),
    ("Songze", "松泽"), ("Jinhui", "金汇"), ("Chongming", "崇明"),
]
# The demo data has no failed contaminant test; these results add one of each.
CONTAMINANTS = [("铅", "0.21 mg/kg", "0.15 mg/kg"), ("三聚氰胺", "1.6 mg/kg", "1 mg/kg"),
                ("黄曲霉毒素M1", "0.9 μg/kg", "0.5 μg/kg")]


def extra_result(number: int, item: str, measured: str, limit: str, **fields) -> SamplingResult:
    values = {"sample_no": f"EXTRA{number}", "product_name": f"示例幼儿配方乳粉{number}",
              "enterprise_name": "示例乳品有限公司", "province": "上海",
              "category": "婴幼儿配方食品", "announced_on": date(2026, 5, number),
              "compliant": False, "is_demo": True}
    values.update(fields)
    return SamplingResult(**values, failed_items=[
        FailedItem(item=item, measured=measured, limit=limit)])


@pytest.fixture(params=ENGINES)
def demo_index(request, monkeypatch, app, session) -> dict[str, int]:
    """The demo data, a failed result per contaminant, and results stored in English."""
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", request.param)
    demo.build(session)
    english = {
        "item": extra_result(20, "Cronobacter sakazakii", "detected", "must not be detected",
                             province="Jiangsu"),
        "place": extra_result(21, "vitamin A", "9.1 μg RE/100kJ", "14–43 μg RE/100kJ",
                              province="Zhejiang")}
    session.add_all([extra_result(n, *failure) for n, failure in enumerate(CONTAMINANTS, 1)])
    session.add_all(english.values())
    session.commit()
    rebuild(app.config["SEARCH_INDEX_DIR"], all_documents(session))
    return {name: row.id for name, row in english.items()}


def found_ids(client, query: str) -> list[int]:
    """Return the ids /results finds for ``query``, newest first (its JSON download)."""
    response = client.get("/results", query_string={"q": query, "sort": "date",
                                                    "format": "json"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [int(row["permalink"].rsplit("/", 1)[1]) for row in response.get_json()["results"]]


def test_english_queries_find_what_their_chinese_equivalents_find(client, demo_index):
    for english, chinese in PAIRS:
        expected = found_ids(client, chinese)
        assert expected, chinese  # an empty index must not pass
        assert found_ids(client, english) == expected, (english, chinese)
    for english, chinese in [("Cronobacter", "阪崎肠杆菌"), ("Anhui", "安徽")]:  # the API too
        pages = [client.get("/api/v1/results", query_string={"q": text, "sort": "date"})
                 .get_json() for text in (english, chinese)]
        assert pages[0]["total"] == pages[1]["total"] > 0
        assert [r["id"] for r in pages[0]["results"]] == [r["id"] for r in pages[1]["results"]]


def site_search(client, query: str, kind: str) -> list[str]:
    soup = check_page(client.get("/search", query_string={"q": query, "type": kind,
                                                          "lang": "zh"})
                      .get_data(as_text=True))
    return [" ".join(a.get_text().split()) for a in soup.select(".hits li > a")]


def test_chinese_queries_find_results_stored_in_english(client, demo_index):
    assert demo_index["item"] in found_ids(client, "阪崎肠杆菌")
    assert demo_index["item"] in found_ids(client, "江苏")
    assert demo_index["item"] in found_ids(client, "检出")
    assert demo_index["place"] in found_ids(client, "浙江")
    assert demo_index["place"] in found_ids(client, "视黄醇")
    for query in ("Cronobacter", "vitamin", "Pujiang"):  # the words of the issue
        soup = check_page(client.get(f"/results?q={query}&lang=en").get_data(as_text=True))
        count = text_of(soup, ".result-count")
        assert soup.select(".result-rows li") and not count.startswith("0 "), (query, count)
    # Recalls by the test items their reason names, bulletins by their tables' stages,
    # enterprises by their district, in site search.
    assert site_search(client, "retinol", "recall") == site_search(client, "维生素A", "recall")
    assert site_search(client, "retinol", "recall") != []
    assert "2026年第三季度婴幼儿配方乳粉质量通报（示例）" in site_search(client, "一段", "bulletin")
    assert site_search(client, "Pudong", "enterprise") == ["浦江晨露乳业有限公司（示例）"]
    # What is searched but not the record's own text never shows in an excerpt.
    soup = check_page(client.get("/search?q=retinol&type=result").get_data(as_text=True))
    assert soup.select(".hits li")
    excerpts = " ".join(p.get_text() for p in soup.select(".hit-excerpt"))
    assert "retinol" not in excerpts.lower() and "视黄醇" not in excerpts


@pytest.mark.parametrize("search_engine", ENGINES)
def test_an_index_of_the_previous_format_is_rebuilt_at_the_next_search(app, client, session,
                                                                        monkeypatch, search_engine):
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", search_engine)
    session.add_all([extra_result(1, "Cronobacter", "检出", "不得检出"),
                     extra_result(2, "阪崎肠杆菌", "检出", "不得检出", province="江苏"),
                     extra_result(3, "硒", "0.41 μg/100kJ", "0.48–1.90 μg/100kJ")])
    session.commit()
    rebuild(app.config["SEARCH_INDEX_DIR"], all_documents(session))
    generation = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    (generation / "FORMAT").write_text("2\n", encoding="ascii")  # as the previous code wrote
    assert len(found_ids(client, "Enterobacter sakazakii")) == 2
    current = Path(app.config["SEARCH_INDEX_DIR"]).resolve()
    assert current != generation and (current / "FORMAT").read_text().strip() == "3"
    assert found_ids(client, "Jiangsu") == found_ids(client, "江苏") != []
