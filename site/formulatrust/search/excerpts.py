"""Excerpts with matches marked, the same whichever engine found the document."""

from __future__ import annotations

from html import escape

from formulatrust.search.analysis import pieces

WIDTH = 160  # characters of text in an excerpt
BEFORE = 40  # characters kept before the first match


def excerpt(text: str, terms: set[str], width: int = WIDTH, before: int = BEFORE) -> str:
    """Return HTML around the first match of ``terms`` with ``<mark>``, or "" if none matches."""
    spans: list[list[int]] = []
    for offset, piece in pieces(text):
        if piece not in terms:
            continue
        end = offset + len(piece)
        if spans and offset <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([offset, end])
    if not spans:
        return ""
    start = max(0, spans[0][0] - before)
    stop = min(len(text), max(start + width, spans[0][1]))
    out = ["… " if start else ""]
    position = start
    for first, last in spans:
        if first >= stop:
            break
        last = min(last, stop)
        out += [escape(text[position:first]), "<mark>", escape(text[first:last]), "</mark>"]
        position = last
    out.append(escape(text[position:stop]))
    out.append(" …" if stop < len(text) else "")
    return "".join(out).strip()
