"""Refreshing this node's search index after a committed write.

A failure is logged, not raised: the change is saved, the search follower and the nightly
``flask --app wsgi search rebuild`` catch up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app

from formulatrust.search import Document, add_to_index

log = logging.getLogger(__name__)


def index_documents(documents: Iterable[Document]) -> None:
    """Add or replace ``documents`` in the search index, logging a failure."""
    try:
        add_to_index(current_app.config["SEARCH_INDEX_DIR"], list(documents))
    except Exception:  # the change is saved; the nightly rebuild will pick it up
        log.exception("search index update failed; run `flask --app wsgi search rebuild`")
