"""Refreshing this node's search index after a committed write.

A failure is logged, not raised: the change is saved, the search follower and the nightly
``flask --app wsgi search rebuild`` catch up.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from formulatrust.search import Document, add_to_index, index_write


def index_documents(documents: Iterable[Document], what: str = "the saved records") -> None:
    """Add or replace ``documents`` in the search index, logging a failure."""
    with index_write(what):
        add_to_index(current_app.config["SEARCH_INDEX_DIR"], list(documents))
