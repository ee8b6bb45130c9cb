"""Text analysis for mixed Chinese and English: CJK unigrams and bigrams, lower-cased words.

Every engine indexes the same tokens (``index_tokens``) and looks up the same terms
(``query_terms``), so each backend finds the same records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import add
from typing import Any

from whoosh.analysis import Token, Tokenizer

# CJK ideographs (with extension A and compatibility forms) make runs; Latin letters and digits
# make words.
RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z\u00c0-\u024f]+")


def is_cjk(text: str) -> bool:
    """Tell whether ``text`` starts with a CJK ideograph."""
    return bool(text) and "\u3400" <= text[0] <= "\ufaff"


def query_terms(text: str) -> list[str]:
    """Split a query into index terms: CJK bigrams (a lone character as is), lower-cased words."""
    terms: list[str] = []
    for match in RUNS.finditer(text):
        run = match.group()
        if not is_cjk(run):
            terms.append(run.lower())
        elif len(run) == 1:
            terms.append(run)
        else:
            terms.extend(run[i:i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(terms))


def pieces(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, token)`` for every CJK character and pair and every Latin word."""
    for match in RUNS.finditer(text):
        run, offset = match.group(), match.start()
        if is_cjk(run):
            for start, piece in _cjk_pieces(run):
                yield offset + start, piece
        else:
            yield offset, run.lower()


def index_tokens(text: str) -> list[str]:
    """Return the tokens indexed for ``text``: the same bag as ``pieces``, built faster."""
    tokens: list[str] = []
    for run in RUNS.findall(text):
        if is_cjk(run):
            tokens.extend(run)
            tokens.extend(map(add, run, run[1:]))
        else:
            tokens.append(run.lower())
    return tokens


class CjkBigramTokenizer(Tokenizer):
    """Whoosh tokenizer over ``pieces``: CJK characters and pairs, lower-cased Latin words."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not (positions or chars):  # the index keeps neither: take the fast bag of tokens
            found: Iterator[tuple[int, str]] = ((0, text) for text in index_tokens(value))
        else:
            found = pieces(value)
        for position, (offset, text) in enumerate(found, start_pos):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = position
            if chars:
                token.startchar = start_char + offset
                token.endchar = token.startchar + len(text)
            yield token


def _cjk_pieces(run: str) -> list[tuple[int, str]]:
    found = [(i, run[i]) for i in range(len(run))]
    found += [(i, run[i:i + 2]) for i in range(len(run) - 1)]
    return sorted(found)


def analyzer() -> CjkBigramTokenizer:
    """Return the Whoosh analyzer used for the indexed text."""
    return CjkBigramTokenizer()
