"""Demo articles: the files of ``content/learn`` imported, each reviewed by one of three
clearly fictional reviewers; one review is overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from formulatrust.core.content import Library
from formulatrust.learn import articles

REVIEWERS = (
    ("Dr Demo Lin (fictional reviewer)", "Paediatrician, invented for the demo"),
    ("Demo Zhou (fictional reviewer)", "Registered dietitian, invented for the demo"),
    ("Demo Wang, RN (fictional reviewer)", "Lactation consultant, invented for the demo"),
)
REVIEW_DAYS = (date(2026, 11, 28), date(2026, 10, 15), date(2026, 9, 2))
OVERDUE_SLUG = "cross-border-and-counterfeits"
OVERDUE_REVIEW = date(2025, 10, 20)  # twelve months on, the next review fell due


def build(session: Session, library: Library, months: int) -> int:
    """Import the articles and give each a fictional reviewer; return how many were imported."""
    imported, _ = articles.import_library(session, library, months)
    for number, article in enumerate(articles.every_article(session)):
        version = article.published
        if version is None or version.reviewer_id is not None:
            continue
        name, qualification = REVIEWERS[number % len(REVIEWERS)]
        day = OVERDUE_REVIEW if article.slug == OVERDUE_SLUG else \
            REVIEW_DAYS[number % len(REVIEW_DAYS)]
        articles.record_review(version, name, qualification, day, months)
    session.flush()
    return imported
