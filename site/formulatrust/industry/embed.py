"""Industry statistics inside a bulletin: a line ``[[industry-statistics?measure=…&from=…]]`` on
its own in the text shows that selection's tables, always with the current figures, instead of
a pasted copy. The query is the one the statistics page shows for its filters."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from flask import g, render_template
from markupsafe import Markup

from formulatrust.core import db
from formulatrust.core.content import render_markdown
from formulatrust.industry import query
from formulatrust.industry.display import HELPERS
from formulatrust.industry.query import BadFilter, Filters

EMBED = re.compile(r"^[ \t]*\[\[industry-statistics(?:\?([^\]\s]*))?\]\][ \t]*$", re.MULTILINE)
MAX_FIGURES = 600


def render_with_statistics(text: str) -> Markup:
    """Render bulletin Markdown, each embedding line replaced by its tables."""
    parts = EMBED.split(text)
    if len(parts) == 1:
        return render_markdown(text)
    html = Markup("")
    for index, part in enumerate(parts):
        html += render_markdown(part) if index % 2 == 0 else embedded(part or "")
    return html


def embedded(query_text: str) -> Markup:
    """Render one embedded selection: its tables, or a note that the line is not understood."""
    number = g.setdefault("industry_embeds", 0) + 1
    g.industry_embeds = number  # caption ids stay unique when a page shows two versions
    try:
        filters = Filters.from_args(dict(parse_qsl(query_text)))
    except BadFilter:
        filters = None
    found = query.figures(db.session(), filters)[:MAX_FIGURES] if filters else []
    return Markup(render_template("industry/_embed.html", filters=filters,
                                  groups=query.groups(found), number=number, **HELPERS))
