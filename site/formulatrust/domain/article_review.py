"""The review rules of learn articles, in the manner of the NHS website: a named reviewer with
a stated qualification, never the version's author, approves a version before it is
published; the next review is due a set number of months after the last."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

TOPICS = ("feeding", "choosing", "safety", "checking")


@dataclass(frozen=True)
class Source:
    """Where an article's facts come from."""

    title: str
    publisher: str
    date: str  # as the source gives it: 2022, 2023-05 or 2023-05-12
    url: str


class ReviewRefused(ValueError):
    """Why an account may not approve a version, in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_due(reviewed_on: date, months: int) -> date:
    """When an article reviewed on ``reviewed_on`` must be reviewed again."""
    return add_months(reviewed_on, months)


def is_overdue(due: date | None, today: date) -> bool:
    """An article is overdue once the day its review was due has passed."""
    return due is not None and due < today


def check_approval(*, reviewer: bool, qualification: str, role: str, reviewer_id: int,
                   author_id: int | None, passed_checks: bool) -> None:
    """Raise ReviewRefused unless this account may approve this version."""
    if role != "science" or not reviewer or not qualification.strip():
        raise ReviewRefused("只有管理员登记为审核人并注明资质的科普编辑才能批准文章。",
                            "Only science editors an administrator has made reviewers, with "
                            "their qualification recorded, may approve articles.")
    if author_id is not None and author_id == reviewer_id:
        raise ReviewRefused("您不能批准自己撰写的版本：请另一位审核人批准。",
                            "You cannot approve a version you wrote: another reviewer must.")
    if not passed_checks:
        raise ReviewRefused("此版本违反广告规则，不能批准：请先修改。",
                            "This version breaks the advertising rules and cannot be "
                            "approved: change it first.")


def is_web_link(url: str) -> bool:
    """Only http and https links (never javascript:, data: or a page of this site)."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)
