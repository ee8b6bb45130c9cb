"""Filters, counts and paging; any query text; writers in several processes; choosing engines."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formulatrust.search import (
    ENGINES,
    FILTERS,
    Document,
    SearchError,
    add_to_index,
    index_engine,
    matching_keys,
    query_index,
    rebuild,
    search,
)


def result(key: str, title: str, body: str, **filters) -> Document:
    pairs = []
    for name, value in filters.items():
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return Document("result", key, title, "", body, filters=tuple(pairs))


RESULTS = [
    result("1", "星禾婴儿配方乳粉", "星禾乳业有限公司 阪崎肠杆菌 检出 不合格", year="2024",
           compliant="no", province="上海", item="阪崎肠杆菌"),
    result("2", "星禾较大婴儿配方乳粉", "星禾乳业有限公司 硒 0.41 维生素A 9.8 不合格",
           year="2024", compliant="no", province="江苏", item=["硒", "维生素A"]),
    result("3", "云羊幼儿配方乳粉", "云羊乳品有限公司 合格", year="2023", compliant="yes",
           province="上海"),
    result("4", "云羊婴儿配方乳粉", "云羊乳品有限公司 合格", year="2024", compliant="yes",
           province="上海"),
    Document("enterprise", "e1", "星禾乳业有限公司", "Starwheat Dairy", "婴儿配方乳粉"),
]


@pytest.fixture
def index_dir(tmp_path, search_engine):
    rebuild(tmp_path / "index", RESULTS)
    return tmp_path / "index"


def test_filters_keep_documents_with_that_value(index_dir):
    found = search(index_dir, "配方乳粉", "result", {"year": "2024", "province": "上海"})
    assert (sorted(found.keys), found.total) == (["1", "4"], 2)
    assert search(index_dir, "乳粉", "result", {"item": "硒"}).keys == ["2"]
    assert search(index_dir, "乳粉", "result", {"item": "维生素A", "year": "2023"}).total == 0
    assert search(index_dir, "乳粉", "result", {"province": "西藏"}).total == 0


def test_counts_are_taken_over_every_match_after_filtering(index_dir):
    found = search(index_dir, "配方乳粉", "result", {"year": "2024"}, counts=FILTERS, limit=1)
    assert (len(found.keys), found.total) == (1, 3)
    assert found.counts["compliant"] == [("no", 2), ("yes", 1)]
    assert found.counts["province"] == [("上海", 2), ("江苏", 1)]
    assert found.counts["item"] == [("硒", 1), ("维生素A", 1), ("阪崎肠杆菌", 1)]
    assert found.counts["year"] == [("2024", 3)]
    assert found.counts["lab"] == []


def test_counts_are_the_same_on_every_page_and_follow_each_change(index_dir):
    first = search(index_dir, "配方乳粉", "result", counts=("province",), limit=1)
    assert first.counts["province"] == [("上海", 3), ("江苏", 1)]
    later = search(index_dir, "配方乳粉", "result", counts=("province",), limit=1, offset=2,
                   sort="newest")
    assert later.counts == first.counts and len(later.keys) == 1
    add_to_index(index_dir, [result("5", "澄湖婴儿配方乳粉", "澄湖乳业有限公司 合格",
                                    year="2024", compliant="yes", province="江苏")])
    again = search(index_dir, "配方乳粉", "result", counts=("province",), limit=1)
    assert again.counts["province"] == [("上海", 3), ("江苏", 2)]
    assert again.total == 5


def test_pages_do_not_overlap_and_cover_every_match(index_dir):
    pages = [search(index_dir, "配方乳粉", "result", limit=2, offset=offset).keys
             for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 2, 0]
    assert sorted(pages[0] + pages[1]) == ["1", "2", "3", "4"]


def test_nothing_found_still_names_every_count(index_dir):
    found = search(index_dir, "奶酪", "result", counts=("year", "item"))
    assert (found.keys, found.total, found.counts) == ([], 0, {"year": [], "item": []})


def test_unknown_filter_names_are_a_programming_error(index_dir):
    with pytest.raises(ValueError):
        search(index_dir, "乳粉", filters={"colour": "red"})
    with pytest.raises(ValueError):
        search(index_dir, "乳粉", counts=("colour",))


def test_both_engines_find_the_same_documents(tmp_path):
    for name in ENGINES:
        rebuild(tmp_path / name, RESULTS, engine=name)
    for text in ("乳", "乳业", "阪崎", "硒", "维生素A", "配方 合格", "starwheat", "0.41"):
        answers = [(sorted(matching_keys(tmp_path / name, text, "result")),
                    search(tmp_path / name, text, counts=FILTERS).counts) for name in ENGINES]
        assert answers[0] == answers[1], text


UNSAFE = ['"unbalanced', "title_zh:阪崎", "kind:enterprise", "乳*", "*", "?", "阪崎~2",
          "(((", "AND OR NOT", "a" * 10_000, "\x00阪崎\x07\x1b[31m", "乳业\ud800",
          "维生素A" + " " * 5000 + "硒", "{}[]^:\\/", "1e308", "-硒", "+硒 -乳"]


@pytest.mark.parametrize("text", UNSAFE)
def test_any_query_text_gives_results_or_a_search_error(index_dir, text):
    try:
        hits = query_index(index_dir, text)
        found = search(index_dir, text, "result", {"province": text[:50]}, counts=FILTERS)
    except SearchError as error:
        assert error.code in ("no_terms", "too_many_terms")
    else:
        assert isinstance(hits, list) and found.total >= 0


@pytest.mark.parametrize("name", ENGINES)
def test_generated_text_never_breaks_a_query(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp(name) / "index"
    rebuild(folder, RESULTS, engine=name)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(max_size=40), st.text(max_size=20))
    def check(text, value):
        try:
            search(folder, text, "result", {"enterprise": value}, counts=FILTERS)
            query_index(folder, text)
        except SearchError:
            pass

    check()


def add_numbered(folder: str, first: int, count: int) -> None:
    """Add ``count`` documents one write at a time, as separate requests would."""
    for number in range(first, first + count):
        add_to_index(folder, [Document("result", str(number), f"并发写入{number}", "", "并发")])


def test_writers_in_several_processes_and_threads_take_turns(index_dir):
    assert matching_keys(index_dir, "并发", "result") == []  # a reader is open before the writes
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=add_numbered, args=(str(index_dir), 100 * n, 8))
                 for n in (1, 2)]
    threads = [threading.Thread(target=add_numbered, args=(str(index_dir), 100 * n, 8))
               for n in (3, 4)]
    for worker in processes + threads:
        worker.start()
    for worker in processes + threads:
        worker.join(timeout=120)
    assert [p.exitcode for p in processes] == [0, 0]
    expected = sorted(str(100 * n + i) for n in (1, 2, 3, 4) for i in range(8))
    assert sorted(matching_keys(index_dir, "并发", "result")) == expected


def test_the_configured_engine_builds_new_indexes(make_app, app_overrides, tmp_path):
    for name in ENGINES:
        app = make_app({**app_overrides, "SEARCH_ENGINE": name})
        with app.app_context():
            rebuild(tmp_path / name, RESULTS[:1])
        assert index_engine(tmp_path / name) == name


def test_an_index_keeps_its_engine_when_the_setting_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", "whoosh")
    rebuild(tmp_path / "index", RESULTS)
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", "tantivy")
    add_to_index(tmp_path / "index", [result("9", "硒超标", "")])
    assert index_engine(tmp_path / "index") == "whoosh"
    assert sorted(matching_keys(tmp_path / "index", "硒", "result")) == ["2", "9"]
    rebuild(tmp_path / "index", RESULTS)  # the next rebuild follows the setting
    assert index_engine(tmp_path / "index") == "tantivy"


def test_an_unknown_engine_setting_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", "elastic")
    with pytest.raises(ValueError, match="SEARCH_ENGINE"):
        rebuild(tmp_path / "index", RESULTS)
    assert not (tmp_path / "index").exists()


def test_pages_far_beyond_the_end_are_empty(index_dir):
    for offset in (4, 10**6, 10**15):
        found = search(index_dir, "配方乳粉", "result", limit=10**9, offset=offset)
        assert (found.keys, found.total) == ([], 4)
