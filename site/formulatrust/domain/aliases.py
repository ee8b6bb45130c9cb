"""The other names a record is searched by: every term of each vocabulary entry its text names.

A failed item stored as "Cronobacter sakazakii" is also found as 阪崎肠杆菌 and Enterobacter
sakazakii; a province stored as 江苏 is also found as Jiangsu. A field holding one term is
matched whole; free text (a recall's reason) is scanned for the terms it contains, longest
first, so 反式脂肪酸 names trans fatty acids and not fat.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from weakref import WeakKeyDictionary

from formulatrust.domain.vocabulary import Entry, Vocabulary

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MIN_CJK_TERM = 2  # one character (铁 iron, 钙 calcium) says too little inside free text


def value_terms(vocabulary: Vocabulary, raws: Iterable[str], *kinds: str,
                scan: bool = True) -> list[str]:
    """Return every term of the entries the values ``raws`` name: a whole value matched in the
    first of ``kinds`` that has it, else (when ``scan``) each entry of ``kinds`` the value
    mentions (a failed item written with a note around its name), in first-seen order."""
    entries: list[Entry] = []
    for raw in (raw for raw in raws if raw and raw.strip()):
        whole = next((entry for kind in kinds
                      if (entry := vocabulary.match(raw, kind)) is not None), None)
        if whole is not None:
            entries.append(whole)
        elif scan:
            entries += [entry for kind in kinds
                        for entry in _Scanner.of(vocabulary, kind).entries_in(raw)]
    return _terms(entries)


def mentioned_terms(vocabulary: Vocabulary, texts: Iterable[str], kind: str) -> list[str]:
    """Return every term of the entries of ``kind`` that the free ``texts`` mention."""
    scanner = _Scanner.of(vocabulary, kind)
    return _terms(entry for text in texts if text for entry in scanner.entries_in(text))


def _terms(entries: Iterable[Entry]) -> list[str]:
    return list(dict.fromkeys(term for entry in entries for term in entry.terms if term))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class _Scanner:
    """Finds the terms of one vocabulary in free text: Chinese terms anywhere, Latin ones as
    whole words."""

    _made: WeakKeyDictionary[Vocabulary, dict[str, _Scanner]] = WeakKeyDictionary()

    def __init__(self, vocabulary: Vocabulary, kind: str) -> None:
        chinese: dict[str, Entry] = {}
        latin: dict[str, Entry] = {}
        for entry in vocabulary.of(kind):
            for term in entry.terms:
                folded = _folded(term).strip()
                if CJK.search(folded):
                    if len(folded) >= MIN_CJK_TERM:
                        chinese.setdefault(folded, entry)
                elif folded:
                    latin.setdefault(folded, entry)
        self.by_term = {**latin, **chinese}
        longest_first = sorted(self.by_term, key=len, reverse=True)
        self.pattern = re.compile("|".join(
            re.escape(term) if term in chinese else rf"(?<!\w){re.escape(term)}(?!\w)"
            for term in longest_first)) if longest_first else None

    @classmethod
    def of(cls, vocabulary: Vocabulary, kind: str) -> _Scanner:
        made = cls._made.setdefault(vocabulary, {})
        if kind not in made:
            made[kind] = cls(vocabulary, kind)
        return made[kind]

    def entries_in(self, text: str) -> Iterator[Entry]:
        if self.pattern is None:
            return
        for match in self.pattern.finditer(_folded(text)):
            yield self.by_term[match.group()]
