"""Comparing two versions of a text: unchanged lines kept, a replaced line shown word by word
(character by character in Chinese), whole lines added or removed."""

from __future__ import annotations

from formulatrust.domain.text_diff import Line, Piece, changed, compare


def kinds(lines: list[Line]) -> list[str]:
    return [line.kind for line in lines]


def test_identical_texts_have_no_change():
    lines = compare("one\ntwo", "one\ntwo")
    assert kinds(lines) == ["same", "same"] and not changed(lines)


def test_a_replaced_word_is_marked_inside_its_line():
    [line] = compare("Give 10 micrograms daily.", "Give 400 units daily.")
    assert line.kind == "changed"
    assert line.pieces == (Piece("same", "Give "), Piece("removed", "10"),
                           Piece("added", "400"), Piece("same", " "),
                           Piece("removed", "micrograms"), Piece("added", "units"),
                           Piece("same", " daily."))


def test_chinese_is_compared_character_by_character():
    [line] = compare("每天补充10微克", "每天补充400国际单位")
    removed = "".join(piece.text for piece in line.pieces if piece.kind == "removed")
    added = "".join(piece.text for piece in line.pieces if piece.kind == "added")
    assert (removed, added) == ("10微克", "400国际单位")
    assert line.pieces[0] == Piece("same", "每天补充")


def test_lines_added_and_removed_are_whole_lines():
    lines = compare("a\nold line\nb", "a\nb\nnew line")
    assert kinds(lines) == ["same", "removed", "same", "added"]
    assert lines[1].pieces == (Piece("removed", "old line"),)
    assert lines[3].pieces == (Piece("added", "new line"),)


def test_an_empty_text_against_a_full_one_is_all_added():
    assert kinds(compare("", "x\ny")) == ["added", "added"]
    assert kinds(compare("x", "")) == ["removed"]
