"""Comparing two versions of a text, line by line and within changed lines word by word (or
character by character for Chinese), for pages that mark insertions and deletions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# A run of Latin letters or digits is one token; any other character (a Han character, a
# space, punctuation) is a token of its own, so Chinese is compared character by character.
TOKEN = re.compile(r"[A-Za-z0-9]+|\s+|.", re.DOTALL)


@dataclass(frozen=True)
class Piece:
    """Part of a line: ``same``, ``added`` or ``removed`` text."""

    kind: str
    text: str


@dataclass(frozen=True)
class Line:
    """One line of the comparison: ``same``, ``added``, ``removed`` or ``changed`` (with the
    pieces of both versions interleaved)."""

    kind: str
    pieces: tuple[Piece, ...]


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def within(old: str, new: str) -> tuple[Piece, ...]:
    """The pieces of one changed line: what stayed, what was removed, what was added."""
    before, after = tokens(old), tokens(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(before[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(after[j1:j2])))
    return tuple(pieces)


def compare(old: str, new: str) -> list[Line]:
    """Compare two texts line by line; a replaced line is shown with its changed words."""
    before, after = (old or "").splitlines(), (new or "").splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(Line("same", (Piece("same", text),)) for text in before[i1:i2])
            continue
        removed, added = before[i1:i2], after[j1:j2]
        paired = min(len(removed), len(added)) if tag == "replace" else 0
        for old_line, new_line in zip(removed[:paired], added[:paired], strict=True):
            lines.append(Line("changed", within(old_line, new_line)))
        lines.extend(Line("removed", (Piece("removed", text),)) for text in removed[paired:])
        lines.extend(Line("added", (Piece("added", text),)) for text in added[paired:])
    return lines


def changed(lines: list[Line]) -> bool:
    return any(line.kind != "same" for line in lines)
