"""The other names a record is searched by: every term of the vocabulary entries it names."""

from __future__ import annotations

from formulatrust.domain.aliases import mentioned_terms, value_terms
from formulatrust.search.vocabularies import vocabulary


def test_a_value_naming_an_entry_brings_every_term_of_it():
    terms = value_terms(vocabulary(), ["Cronobacter sakazakii"], "test_items")
    assert {"阪崎肠杆菌", "Cronobacter", "Enterobacter sakazakii", "克罗诺杆菌"} <= set(terms)
    assert {"维生素A", "vitamin A", "retinol", "视黄醇"} <= set(
        value_terms(vocabulary(), ["维生素 A"], "test_items"))
    assert {"Jiangsu", "江苏省"} <= set(value_terms(vocabulary(), ["江苏"], "places"))


def test_a_value_naming_nothing_brings_nothing():
    assert value_terms(vocabulary(), ["示例公告", "", "  "], "test_items") == []


def test_a_value_with_a_note_around_a_name_brings_the_names_it_mentions():
    terms = value_terms(vocabulary(), ["阪崎肠杆菌（克罗诺杆菌属）"], "test_items")
    assert "Cronobacter" in terms
    assert value_terms(vocabulary(), ["未检出阪崎肠杆菌"], "phrases", scan=False) == []


def test_the_first_kind_that_names_a_value_wins_and_notes_are_read_with_every_kind():
    assert "stage 1" in value_terms(vocabulary(), ["1段"], "categories", "stages")
    noted = value_terms(vocabulary(), ["婴儿配方乳粉（1段）"], "categories", "stages")
    assert {"infant formula", "stage 1"} <= set(noted)


def test_free_text_names_the_longest_terms_it_contains():
    terms = mentioned_terms(vocabulary(), ["未标示反式脂肪酸含量"], "test_items")
    assert "trans fatty acids" in terms and "fat" not in terms


def test_english_terms_are_whole_words_and_single_characters_are_not_read_in_free_text():
    assert mentioned_terms(vocabulary(), ["The leading brand, washed and ironed"],
                           "test_items") == []
    assert mentioned_terms(vocabulary(), ["铁罐包装"], "test_items") == []  # 铁: iron
    terms = mentioned_terms(vocabulary(), ["Lead above the limit; vitamin A low"], "test_items")
    assert {"铅", "维生素A", "retinol"} <= set(terms)
