"""The topics articles are grouped under, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TOPICS = {"feeding": _l("Feeding your baby"), "choosing": _l("Choosing formula"),
          "safety": _l("Safety and recalls"), "checking": _l("Checking cans and results")}


def topic_label(topic: str) -> str:
    """Return the reader-facing name of a topic."""
    return str(TOPICS.get(topic, topic))
