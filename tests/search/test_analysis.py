"""The analyser both engines share, and the excerpts shown with hits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from formulatrust.search.analysis import index_tokens, pieces, query_terms
from formulatrust.search.excerpts import excerpt


def test_query_terms_use_bigrams_and_keep_single_characters():
    assert query_terms("阪崎肠杆菌") == ["阪崎", "崎肠", "肠杆", "杆菌"]
    assert query_terms("硒 Vitamin-A") == ["硒", "vitamin", "a"]
    assert query_terms("乳业 乳业") == ["乳业"]


def test_index_tokens_hold_every_character_and_pair_and_each_word():
    assert sorted(index_tokens("维生素A 9.8")) == sorted(
        ["维", "生", "素", "维生", "生素", "a", "9", "8"])


@given(st.text(alphabet=st.sampled_from("阪崎肠杆菌硒维生素AaBé9 -，。\x00\u3400"), max_size=30))
def test_every_query_term_of_a_text_is_among_its_index_tokens(text):
    assert set(query_terms(text)) <= set(index_tokens(text))
    assert sorted(index_tokens(text)) == sorted(piece for _, piece in pieces(text))


def test_excerpts_mark_whole_matches_and_escape_the_rest():
    terms = set(query_terms("阪崎肠杆菌"))
    assert excerpt("检出<阪崎肠杆菌>", terms) == "检出&lt;<mark>阪崎肠杆菌</mark>&gt;"
    assert excerpt("Vitamin A", {"a"}) == "Vitamin <mark>A</mark>"  # words, not letters
    assert excerpt("没有", terms) == ""


def test_long_texts_are_cut_around_the_first_match():
    text = "前" * 300 + "硒" + "后" * 300
    shown = excerpt(text, {"硒"})
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "<mark>硒</mark>" in shown and len(shown) < 200
