"""Helpers for the learn article tests: the two science editors and a published article."""

from __future__ import annotations

from ..accounts_factory import csrf_token, make_user, sign_in_as
from .test_learn_articles import article_form


def make_editors(session):
    """An author, and a reviewer with a qualification (who did not write what they approve)."""
    author = make_user(session, "science", email="author@example.com")
    reviewer = make_user(session, "science", email="reviewer@example.com", reviewer=True,
                         reviewer_qualification="Registered dietitian")
    return author, reviewer


def save_version(client, author, slug: str = "vitamin-d", **changes) -> int:
    """Sign in as ``author`` and save a version (a new article when there is none)."""
    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/new")
    exists = client.get(f"/publish/articles/{slug}").status_code == 200
    form = article_form(token, slug=None if exists else slug) | changes
    path = f"/publish/articles/{slug}/edit" if exists else "/publish/articles/new"
    return client.post(path, data=form).status_code


def approve(client, reviewer, number: int, slug: str = "vitamin-d") -> int:
    sign_in_as(client, reviewer)
    token = csrf_token(client, "/account")
    return client.post(f"/publish/articles/{slug}/versions/{number}/approve",
                       data={"csrf_token": token}).status_code


def publish(client, editors, slug: str = "vitamin-d", **changes) -> None:
    author, reviewer = editors
    assert save_version(client, author, slug, **changes) == 303
    assert approve(client, reviewer, 1, slug) == 303
