"""The search adapter over a real on-disk index, once with each engine."""

from __future__ import annotations

import pytest

from formulatrust.search import (
    Document,
    SearchError,
    add_to_index,
    index_engine,
    matching_keys,
    query_index,
    rebuild,
    remove_from_index,
    search,
)

DOCUMENTS = [
    Document("result", "1", "阪崎肠杆菌不合格", "Cronobacter found", "婴儿配方乳粉 检出阪崎肠杆菌"),
    Document("result", "2", "维生素A含量不符合", "Vitamin A out of range",
             "较大婴儿配方乳粉 维生素A"),
    Document("result", "3", "硒含量合格", "Selenium compliant", "幼儿配方乳粉 硒 符合标准"),
    Document("result", "4", "维生素D含量不符合", "Vitamin D out of range", "幼儿配方乳粉 维生素D"),
    Document("enterprise", "e1", "星禾乳业有限公司", "Starwheat Dairy", "上海市嘉定区"),
]


@pytest.fixture
def index_dir(tmp_path, search_engine):
    rebuild(tmp_path / "index", DOCUMENTS)
    return tmp_path / "index"


def keys(index_dir, text, kind=None):
    return sorted(hit.key for hit in query_index(index_dir, text, kind=kind))


@pytest.mark.parametrize(("query", "expected"), [
    ("阪崎", ["1"]),               # a term inside a longer word (jieba would miss it)
    ("维生素A", ["2"]),             # the A is kept: not every vitamin
    ("维生素", ["2", "4"]),
    ("硒", ["3"]),                 # a single character
    ("乳业", ["e1"]),
    ("cronobacter", ["1"]),        # English, any case
    ("SELENIUM", ["3"]),
    ("配方乳粉", ["1", "2", "3", "4"]),
    ("阪崎 vitamin", []),          # every term must match
    ("婴儿 乳粉", ["1", "2"]),      # terms anywhere, not next to each other
])
def test_chinese_and_english_queries_find_the_right_documents(index_dir, query, expected):
    assert keys(index_dir, query) == expected


def test_the_engine_that_built_the_index_is_recorded(index_dir, search_engine):
    assert index_engine(index_dir) == search_engine


def test_kind_narrows_the_matches(index_dir):
    assert keys(index_dir, "配方乳粉 合格", kind="result") == ["1", "3"]
    assert keys(index_dir, "上海", kind="result") == []
    assert matching_keys(index_dir, "维生素", "result") in (["2", "4"], ["4", "2"])


def test_matches_are_highlighted_and_escaped(tmp_path, search_engine):
    rebuild(tmp_path, [Document("x", "1", "标题", "Title", "<script>阪崎</script>")])
    excerpt = query_index(tmp_path, "阪崎")[0].excerpt
    assert excerpt == "&lt;script&gt;<mark>阪崎</mark>&lt;/script&gt;"


def test_hits_carry_their_titles(index_dir):
    (hit,) = query_index(index_dir, "星禾")
    assert (hit.kind, hit.key, hit.title_zh, hit.title_en) == (
        "enterprise", "e1", "星禾乳业有限公司", "Starwheat Dairy")
    assert hit.excerpt == "<mark>星禾</mark>乳业有限公司"


@pytest.mark.parametrize("query", ["", "   ", "!!!", "——", "\x00\x1f"])
def test_queries_without_words_are_refused(index_dir, query):
    with pytest.raises(SearchError) as error:
        query_index(index_dir, query)
    assert error.value.code == "no_terms"


def test_queries_with_too_many_terms_are_refused(index_dir):
    with pytest.raises(SearchError) as error:
        matching_keys(index_dir, "".join(chr(0x4E00 + i) for i in range(30)), "result")
    assert error.value.code == "too_many_terms"


def test_adding_and_removing_documents(index_dir):
    add_to_index(index_dir, [Document("enterprise", "e2", "云羊乳品", "Cloudlamb", "")])
    assert keys(index_dir, "云羊") == ["e2"]
    assert keys(index_dir, "乳业") == ["e1"]  # what was there stays
    remove_from_index(index_dir, "enterprise", "e2")
    assert keys(index_dir, "云羊") == []


def test_adding_a_document_again_replaces_it(index_dir):
    add_to_index(index_dir, [Document("result", "3", "硒含量不合格", "", "更正")])
    assert keys(index_dir, "硒") == ["3"]
    assert keys(index_dir, "更正") == ["3"]
    assert keys(index_dir, "符合标准") == []


def test_adding_to_a_missing_index_creates_it(tmp_path, search_engine):
    add_to_index(tmp_path / "new", [Document("brand", "b1", "禾宝", "Hebao", "")])
    assert index_engine(tmp_path / "new") == search_engine
    assert keys(tmp_path / "new", "禾宝") == ["b1"]


def test_removing_from_a_missing_index_does_nothing(tmp_path):
    remove_from_index(tmp_path / "never-built", "result", "1")
    assert not (tmp_path / "never-built").exists()


def test_rebuild_replaces_the_index_seen_by_a_running_searcher(index_dir):
    assert keys(index_dir, "硒") == ["3"]
    rebuild(index_dir, [Document("result", "9", "硒超标", "Selenium high", "")])
    assert keys(index_dir, "硒") == ["9"]


def test_a_failed_rebuild_leaves_the_old_index_serving(index_dir):
    def broken():
        yield Document("result", "9", "硒超标", "", "")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        rebuild(index_dir, broken())
    assert keys(index_dir, "硒") == ["3"]
    rebuild(index_dir, DOCUMENTS[:1])  # and the next rebuild still works
    assert keys(index_dir, "硒") == []


def test_a_missing_index_finds_nothing_rather_than_failing(tmp_path):
    assert query_index(tmp_path / "never-built", "乳粉") == []
    assert matching_keys(tmp_path / "never-built", "乳粉", "result") == []


def test_text_no_engine_can_store_is_kept_as_well_as_it_can_be(tmp_path, search_engine):
    rebuild(tmp_path, [Document("result", "1", "硒\ud800超标", "", "", (("lab", "所\udfff"),))])
    assert [hit.title_zh for hit in query_index(tmp_path, "硒")] == ["硒?超标"]
    assert search(tmp_path, "硒", filters={"lab": "所\udfff"}).keys == ["1"]


def test_an_empty_index_answers_every_question(tmp_path, search_engine):
    rebuild(tmp_path, [])
    assert (query_index(tmp_path, "硒"), matching_keys(tmp_path, "硒", "result")) == ([], [])
    assert search(tmp_path, "硒", counts=("year",)).counts == {"year": []}
    add_to_index(tmp_path, [Document("result", "1", "硒", "", "")])
    assert matching_keys(tmp_path, "硒", "result") == ["1"]
