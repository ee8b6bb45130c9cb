"""Other names of a record (``Document.aliases``) are searched but never shown; an index of an
older format is rebuilt by ``upgrade``."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from formulatrust.pages.search_documents import result_document
from formulatrust.search import (
    INDEX_FORMAT,
    Document,
    SearchError,
    matching_keys,
    outdated,
    query_index,
    rebuild,
    search,
    upgrade,
)

DOCUMENTS = [
    Document("result", "1", "星禾婴儿配方乳粉", "Starwheat infant formula", "阪崎肠杆菌 检出",
             aliases="Cronobacter\nEnterobacter sakazakii\ndetected"),
    Document("result", "2", "云羊幼儿配方乳粉", "Cloudlamb young child formula", "维生素A 9.8",
             aliases="vitamin A\nretinol\n视黄醇"),
]


@pytest.fixture
def index_dir(tmp_path, search_engine):
    rebuild(tmp_path / "index", DOCUMENTS)
    return tmp_path / "index"


@pytest.mark.parametrize(("query", "expected"), [
    ("Enterobacter sakazakii", ["1"]), ("retinol", ["2"]), ("视黄醇", ["2"]),
    ("vitamin A", ["2"]), ("sakazakii retinol", []), ("Starwheat", ["1"])])
def test_aliases_are_searched_like_the_rest(index_dir, query, expected):
    assert sorted(matching_keys(index_dir, query, "result")) == expected
    assert search(index_dir, query, "result").total == len(expected)


def test_aliases_never_show_in_hits(index_dir):
    [hit] = query_index(index_dir, "视黄醇 维生素A")
    assert hit.excerpt == "<mark>维生素A</mark> 9.8"
    [hit] = query_index(index_dir, "retinol")
    assert (hit.title_en, hit.excerpt) == ("Cloudlamb young child formula", "")


def test_an_index_of_an_older_format_is_rebuilt_once(index_dir):
    assert not outdated(index_dir)
    assert not upgrade(index_dir, iter(()))
    (index_dir.resolve() / "FORMAT").write_text(f"{INDEX_FORMAT - 1}\n", encoding="ascii")
    assert outdated(index_dir)
    with pytest.raises(SearchError, match="unavailable"):
        search(index_dir, "retinol", required=True)
    assert upgrade(index_dir, DOCUMENTS)
    assert not outdated(index_dir) and not upgrade(index_dir, DOCUMENTS)
    assert search(index_dir, "retinol", required=True).keys == ["2"]


def test_a_missing_index_is_not_outdated(tmp_path):
    assert not outdated(tmp_path / "none")
    assert not upgrade(tmp_path / "none", DOCUMENTS)


def imported_result(**fields) -> SimpleNamespace:
    """A result as the import stores it once raw text and English names have columns."""
    values = {"id": 7, "product_name": "示例婴儿配方乳粉", "enterprise_name": "示例乳业有限公司",
              "trademark": "", "sampled_unit": "示例母婴店", "province": "江苏",
              "lab": "示例检验所", "lab_en": "", "sampled_unit_en": "",
              "announcement_no": "", "task_source": "", "lot": "", "sample_no": "",
              "category": "婴幼儿配方食品", "subcategory": "", "compliant": False,
              "announced_on": date(2026, 3, 1), "product": None, "enterprise": None,
              "failed_items": [SimpleNamespace(item="阪崎肠杆菌", item_raw="克罗诺杆菌属",
                                               measured="检出", limit="不得检出")]}
    return SimpleNamespace(**(values | fields))


def test_a_result_is_searched_by_its_raw_text_and_the_english_names_it_is_given():
    document = result_document(imported_result(
        lab_en="Demo Testing Institute", sampled_unit_en="Demo Baby Shop",
        province_raw="江苏省", category_raw="婴幼儿配方乳粉"))
    aliases = document.aliases.split("\n")
    assert {"Demo Testing Institute", "Demo Baby Shop", "克罗诺杆菌属", "Cronobacter",
            "Enterobacter sakazakii", "detected", "Jiangsu",
            "infant and young child formula foods"} <= set(aliases)
    assert "Cronobacter" not in document.body and document.title_en == "示例婴儿配方乳粉"

