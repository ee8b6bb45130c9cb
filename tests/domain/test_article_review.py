"""The review rules of learn articles: due dates, overdue, and who may approve."""

from __future__ import annotations

from datetime import date

import pytest

from formulatrust.domain.article_review import (
    ReviewRefused,
    check_approval,
    is_overdue,
    is_web_link,
    next_review_due,
)


@pytest.mark.parametrize(("reviewed", "months", "due"), [
    (date(2026, 12, 7), 12, date(2027, 12, 7)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February: the month's last day
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),
])
def test_the_next_review_is_due_months_after_the_last(reviewed, months, due):
    assert next_review_due(reviewed, months) == due


def test_overdue_only_once_the_due_day_has_passed():
    due = date(2026, 12, 7)
    assert not is_overdue(due, date(2026, 12, 7))
    assert is_overdue(due, date(2026, 12, 8))
    assert not is_overdue(None, date(2026, 12, 8))


QUALIFIED = {"reviewer": True, "qualification": "Registered dietitian", "role": "science",
             "reviewer_id": 2, "author_id": 1, "passed_checks": True}


def test_a_qualified_reviewer_approves_another_editors_version():
    check_approval(**QUALIFIED)  # no exception


@pytest.mark.parametrize(("change", "words"), [
    ({"author_id": 2}, "a version you wrote"),
    ({"reviewer": False}, "made reviewers"),
    ({"qualification": " "}, "qualification recorded"),
    ({"role": "regulator"}, "Only science editors"),
    ({"passed_checks": False}, "breaks the advertising rules"),
])
def test_approval_is_refused_with_the_reason(change, words):
    with pytest.raises(ReviewRefused) as refused:
        check_approval(**(QUALIFIED | change))
    assert words in refused.value.en and refused.value.zh


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://www.who.int/news", True), ("http://dg.cnsoc.org/", True),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("/learn/x", False),
    ("https://", False), ("ftp://example.org/file", False)])
def test_sources_link_to_web_pages_only(url, allowed):
    assert is_web_link(url) is allowed
