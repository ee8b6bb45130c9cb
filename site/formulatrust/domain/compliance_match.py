"""Text folded for matching advertising phrases, and matches mapped back to the original.

Folding: NFKC (full-width letters, digits and punctuation become half-width), case folding,
then the character and phrase variants of the rule file; the compact form also drops
whitespace, zero-width and combining characters and separator punctuation, so "母 乳 化",
"母-乳-化" and "b r e a s t milk" read as the phrases they hide. Each compact character remembers
its position in the original, so findings quote the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# Removed before matching: spacing, invisible and combining characters, dashes, connectors …
SEPARATOR_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me", "Pd", "Pc"}
# … and punctuation people put between characters to slip past a word list.
SEPARATOR_PUNCTUATION = frozenset("*·•・.|/\\~'\"`’‘“”+^‧∙⋅…")


@dataclass(frozen=True)
class Normalised:
    """Text folded for matching, with the original position of every compact character."""

    original: str
    folded: str  # NFKC, case folded, variants folded; spacing kept (for context patterns)
    compact: str  # as folded, without separators
    origin: tuple[int, ...]  # compact index -> original index


def normalise(text: str, characters: Mapping[str, str] | None = None,
              phrases: Mapping[str, str] | None = None) -> Normalised:
    """Fold ``text`` for matching and remember where each character came from."""
    folded: list[str] = []
    compact: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in _fold(char):
            part = (characters or {}).get(part, part)
            folded.append(part)
            if not _is_separator(part):
                compact.append(part)
                origin.append(index)
    joined = "".join(compact)
    for phrase, replacement in (phrases or {}).items():
        joined = joined.replace(phrase, replacement)
    return Normalised(text, "".join(folded), joined, tuple(origin))


def _fold(char: str) -> str:
    return unicodedata.normalize("NFKC", char).casefold()


def _is_separator(char: str) -> bool:
    return char in SEPARATOR_PUNCTUATION or unicodedata.category(char) in SEPARATOR_CATEGORIES


def spans(pattern: re.Pattern, text: Normalised) -> Iterator[tuple[int, int]]:
    """Yield the original ``(start, end)`` of each match that starts and ends a word.

    The compact text has no spaces, so a match may run into the next word ("mothers" in
    "mother smiling"): then shorter matches at the same start are tried, and a match that
    starts inside a word is skipped one character at a time, so overlapping phrases are found.
    """
    position = 0
    while (match := pattern.search(text.compact, position)) is not None:
        begin = match.start()
        start = text.origin[begin]
        if match.end() == begin or not _bounded(text, begin, start, before=True):
            position = begin + 1
            continue
        for end in range(match.end(), begin, -1):
            shorter = match if end == match.end() else pattern.match(text.compact, begin, end)
            if shorter is None or shorter.end() != end:
                continue
            original_end = text.origin[end - 1] + 1
            if _bounded(text, end - 1, original_end, before=False):
                yield start, original_end
                position = end
                break
        else:
            position = begin + 1


def _bounded(text: Normalised, compact_index: int, original_index: int, before: bool) -> bool:
    """Tell whether a match edge that is a Latin letter or digit is also a word edge."""
    edge = text.compact[compact_index]
    if not (edge.isascii() and edge.isalnum()):
        return True
    neighbour_index = original_index - 1 if before else original_index
    if 0 <= neighbour_index < len(text.original):
        neighbour = _fold(text.original[neighbour_index])[-1 if before else 0:][:1]
        if neighbour.isascii() and neighbour.isalnum():
            return False
    if edge.isdigit():  # "1.100%" is not "100%"
        step = compact_index - 1 if before else compact_index + 1
        if 0 <= step < len(text.compact) and text.compact[step].isdigit():
            return False
    return True
