"""Demo articles: the files of ``content/learn`` imported, each reviewed by one of three
clearly fictional reviewers; one review is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from formulatrust.core.content import Library
from formulatrust.learn import articles

REVIEWERS = (
    ("Dr Demo Lin (fictional reviewer)", "Paediatrician, invented for the demo"),
    ("Demo Zhou (fictional reviewer)", "Registered dietitian, invented for the demo"),
    ("Demo Wang, RN (fictional reviewer)", "Lactation consultant, invented for the demo"),
)
# Days before the demo is loaded: reviews stay recent however late the demo is loaded.
REVIEWED_DAYS_AGO = (9, 53, 97)
OVERDUE_SLUG = "cross-border-and-counterfeits"
OVERDUE_DAYS_AGO = 430  # over fourteen months: the next review fell due weeks ago


def build(session: Session, library: Library, months: int, today: date) -> int:
    """Import the articles and give each a fictional reviewer; return how many were imported."""
    imported, _ = articles.import_library(session, library, months)
    for number, article in enumerate(articles.every_article(session)):
        version = article.published
        if version is None or version.reviewer_id is not None:
            continue
        name, qualification = REVIEWERS[number % len(REVIEWERS)]
        days_ago = OVERDUE_DAYS_AGO if article.slug == OVERDUE_SLUG else \
            REVIEWED_DAYS_AGO[number % len(REVIEWED_DAYS_AGO)]
        day = today - timedelta(days=days_ago)
        articles.record_review(version, name, qualification, day, months)
    session.flush()
    return imported
