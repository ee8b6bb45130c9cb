"""Text analysis for mixed Chinese and English: CJK unigrams and bigrams, lower-cased words."""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh.analysis import LowercaseFilter, Token, Tokenizer

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


class CjkBigramTokenizer(Tokenizer):
    """Emit every CJK character and every adjacent pair, plus whole Latin words and numbers."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for match in RUNS.finditer(value):
            run, offset = match.group(), match.start()
            pieces = [(0, run)] if not is_cjk(run) else _cjk_pieces(run)
            for start, text in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = position
                    position += 1
                if chars:
                    token.startchar = start_char + offset + start
                    token.endchar = token.startchar + len(text)
                yield token


def _cjk_pieces(run: str) -> list[tuple[int, str]]:
    pieces = [(i, run[i]) for i in range(len(run))]
    pieces += [(i, run[i:i + 2]) for i in range(len(run) - 1)]
    return sorted(pieces)


def analyzer():
    """Return the analyzer used for every text field."""
    return CjkBigramTokenizer() | LowercaseFilter()
