"""The search adapter over a real on-disk Whoosh index."""

from __future__ import annotations

import pytest

from formulatrust.search import (
    Document,
    SearchError,
    add_to_index,
    query_index,
    rebuild,
    remove_from_index,
)
from formulatrust.search.analysis import query_terms

DOCUMENTS = [
    Document("result", "1", "阪崎肠杆菌不合格", "Cronobacter found", "婴儿配方乳粉 检出阪崎肠杆菌"),
    Document("result", "2", "维生素A含量不符合", "Vitamin A out of range",
             "较大婴儿配方乳粉 维生素A"),
    Document("result", "3", "硒含量合格", "Selenium compliant", "幼儿配方乳粉 硒 符合标准"),
    Document("enterprise", "e1", "星禾乳业有限公司", "Starwheat Dairy", "上海市嘉定区"),
]


@pytest.fixture
def index_dir(tmp_path):
    rebuild(tmp_path / "index", DOCUMENTS)
    return tmp_path / "index"


def keys(index_dir, text):
    return sorted(hit.key for hit in query_index(index_dir, text))


@pytest.mark.parametrize(("query", "expected"), [
    ("阪崎", ["1"]),               # a term inside a longer word (jieba would miss it)
    ("维生素A", ["2"]),             # the A is kept
    ("硒", ["3"]),                 # a single character
    ("乳业", ["e1"]),
    ("cronobacter", ["1"]),        # English, any case
    ("SELENIUM", ["3"]),
    ("配方乳粉", ["1", "2", "3"]),
    ("阪崎 vitamin", []),          # every term must match
])
def test_chinese_and_english_queries_find_the_right_documents(index_dir, query, expected):
    assert keys(index_dir, query) == expected


def test_matches_are_highlighted_and_escaped(tmp_path):
    rebuild(tmp_path, [Document("x", "1", "标题", "Title", "<script>阪崎</script>")])
    excerpt = query_index(tmp_path, "阪崎")[0].excerpt
    assert "<mark" in excerpt and "<script>" not in excerpt


@pytest.mark.parametrize("query", ["", "   ", "!!!", "——"])
def test_queries_without_words_are_refused(index_dir, query):
    with pytest.raises(SearchError) as error:
        query_index(index_dir, query)
    assert error.value.code == "no_terms"


def test_adding_and_removing_documents(index_dir):
    add_to_index(index_dir, [Document("enterprise", "e2", "云羊乳品", "Cloudlamb", "")])
    assert keys(index_dir, "云羊") == ["e2"]
    remove_from_index(index_dir, "enterprise", "e2")
    assert keys(index_dir, "云羊") == []


def test_rebuild_replaces_the_index_seen_by_a_running_searcher(index_dir):
    assert keys(index_dir, "硒") == ["3"]
    rebuild(index_dir, [Document("result", "9", "硒超标", "Selenium high", "")])
    assert keys(index_dir, "硒") == ["9"]


def test_a_missing_index_finds_nothing_rather_than_failing(tmp_path):
    assert query_index(tmp_path / "never-built", "乳粉") == []


def test_query_terms_use_bigrams_and_keep_single_characters():
    assert query_terms("阪崎肠杆菌") == ["阪崎", "崎肠", "肠杆", "杆菌"]
    assert query_terms("硒 Vitamin-A") == ["硒", "vitamin", "a"]
