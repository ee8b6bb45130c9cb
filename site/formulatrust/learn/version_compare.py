"""Two versions of an article side by side: each part in both languages, line by line."""

from __future__ import annotations

from dataclasses import dataclass

from formulatrust.domain.text_diff import Line, changed, compare
from formulatrust.learn.models import ArticleVersion

PARTS = ("topic", "title_zh", "summary_zh", "body_zh", "title_en", "summary_en", "body_en",
         "sources")


@dataclass(frozen=True)
class PartChange:
    """One part of the article (``title_zh`` …) and how it changed."""

    part: str
    lang: str  # the language the part is written in ("" for the topic and sources)
    lines: list[Line]

    @property
    def changed(self) -> bool:
        return changed(self.lines)


def text_of(version: ArticleVersion, part: str) -> str:
    if part == "sources":
        return "\n".join(" | ".join(str(source.get(key, "")) for key in
                                    ("title", "publisher", "date", "url"))
                         for source in version.sources)
    return str(getattr(version, part) or "")


def compare_versions(old: ArticleVersion, new: ArticleVersion) -> list[PartChange]:
    """How each part changed from ``old`` to ``new``."""
    return [PartChange(part, part.rpartition("_")[2] if "_" in part else "",
                       compare(text_of(old, part), text_of(new, part))) for part in PARTS]
