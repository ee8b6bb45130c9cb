"""The controlled vocabularies: every term the published rows and the demo use has an entry,
each entry has both languages and a source, and no term names two entries."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from formulatrust.core.demo import ENTERPRISES
from formulatrust.results.demo import FAILURES, LABS, PROVINCES
from formulatrust.search.vocabularies import vocabulary

SAMPLE = Path(__file__).parent / "data/results/samr_rows_sample.csv"


def test_every_failed_item_of_the_published_rows_has_an_entry():
    with SAMPLE.open(encoding="utf-8-sig") as source:
        items = [row["不合格项目║检验结果║标准值"].split("║")[0] for row in csv.DictReader(source)]
    assert items and vocabulary().unknown(items, "test_items") == []


def test_the_demo_uses_only_known_terms():
    assert vocabulary().unknown([item for item, _m, _l in FAILURES], "test_items") == []
    assert vocabulary().unknown(PROVINCES, "places") == []
    districts = [district_zh for _slug, _zh, _en, district_zh, _district_en in ENTERPRISES]
    assert vocabulary().unknown(districts, "places") == []
    for _slug, _zh, _en, district_zh, district_en in ENTERPRISES:
        assert vocabulary().match(district_zh, "places").en == district_en
    assert LABS  # labs are names, not vocabulary: they carry their own English form


@pytest.mark.parametrize(("names", "english"), [
    (["阪崎肠杆菌", "Cronobacter", "Enterobacter sakazakii", "cronobacter sakazakii"],
     "Cronobacter"),
    (["维生素A", "vitamin A", "retinol", "维生素 A", "维生素Ａ", "视黄醇"], "vitamin A"),
    (["沙门氏菌", "沙门菌", "salmonella"], "Salmonella"),
    (["DHA", "二十二碳六烯酸"], "docosahexaenoic acid"),
])
def test_the_names_of_one_test_item_are_one_entry(names, english):
    entries = {vocabulary().match(name, "test_items") for name in names}
    assert len(entries) == 1 and entries.pop().en == english


def test_places_and_phrases_translate():
    assert vocabulary().match("嘉定区", "places").en == "Jiading District"
    assert vocabulary().match("上海市", "places").en == "Shanghai"
    assert vocabulary().match("未检出", "phrases").en == "not detected"
    assert vocabulary().match("2段", "stages").extra["ages_en"] == "6–12 months"


def test_every_entry_has_both_languages_a_source_and_a_unique_key():
    entries = vocabulary().entries
    assert len(entries) > 100
    assert all(e.zh and e.en and e.source for e in entries)
    keys = [(e.vocabulary, e.key) for e in entries]
    assert len(keys) == len(set(keys))


def test_no_term_names_two_entries():
    assert vocabulary().ambiguous_terms() == []


def test_an_unknown_term_is_listed_once_never_raised():
    assert vocabulary().unknown(["硒", "新项目X", "新项目X", " "], "test_items") == ["新项目X"]
