"""The site's controlled vocabularies, read once per process from ``search/vocabulary/``."""

from __future__ import annotations

from functools import cache

from formulatrust.core.config import PROJECT_ROOT
from formulatrust.domain.vocabulary import Vocabulary

FOLDER = PROJECT_ROOT / "search" / "vocabulary"


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary.load(FOLDER)
