"""A published article is withdrawn by its editors or an administrator, with a reason: its
address then answers 410 Gone saying why in both languages, and it leaves the list, search
and the sitemap; the withdrawal is audited; approving a version publishes it again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from .learn_world import approve, make_editors, publish, save_version
from .test_discovery import sitemap_urls
from .test_learn_articles import text_of

REASON = "The advice on vitamin D doses changed; a corrected article follows."


@pytest.fixture
def editors(session):
    return make_editors(session)


def withdraw(client, user, reason: str = REASON, lang: str = "en"):
    sign_in_as(client, user)
    token = csrf_token(client, "/account")
    return client.post(f"/publish/articles/vitamin-d/unpublish?lang={lang}",
                       data={"csrf_token": token, "reason": reason})


def test_a_withdrawn_article_answers_410_with_the_reason_in_both_languages(
        client, runner, session, editors):
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    publish(client, editors, body_en="Okapidrops are a made-up word for this test.")
    assert client.get("/learn/vitamin-d").status_code == 200
    hits = check_page(client.get("/search?q=okapidrops&lang=en").get_data(as_text=True))
    assert [a["href"] for a in hits.select(".hits a")][:1] == ["/learn/vitamin-d"]
    answer = withdraw(client, editors[0])
    assert answer.status_code == 303
    assert "withdrawn" in text_of(client.get(answer.headers["Location"] + "&lang=en"))
    row = check_page(client.get("/publish/articles?lang=en").get_data(as_text=True)).select_one(
        "a[href='/publish/articles/vitamin-d']").find_parent("tr")
    assert "Withdrawn" in row.get_text()

    gone = client.get("/learn/vitamin-d?lang=en")
    assert gone.status_code == 410
    page = check_page(gone.get_data(as_text=True), "en")
    assert page.h1.get_text(strip=True) == "This article has been withdrawn"
    other = page.select_one(".other-language")
    assert other["lang"] == "zh-Hans" and "撤下" in other.get_text()
    assert REASON in page.get_text()
    chinese = check_page(client.get("/learn/vitamin-d?lang=zh").get_data(as_text=True), "zh")
    assert "撤下" in chinese.h1.get_text() and REASON in chinese.get_text()

    listing = check_page(client.get("/learn?lang=en").get_data(as_text=True))
    assert "/learn/vitamin-d" not in [a["href"] for a in listing.select("a")]
    assert not [loc for loc in sitemap_urls(client) if loc.endswith("/learn/vitamin-d")]
    hits = check_page(client.get("/search?q=okapidrops&lang=en").get_data(as_text=True))
    assert not hits.select(".hits a")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "unpublish")).one()
    assert entry.object_type == "learn_article" and entry.summary["reason"] == REASON
    assert entry.user_id == editors[0].id


def test_approving_a_version_again_publishes_the_article_again(client, session, editors):
    publish(client, editors)
    assert withdraw(client, editors[0]).status_code == 303
    assert approve(client, editors[1], 1) == 303
    assert client.get("/learn/vitamin-d?lang=en").status_code == 200


def test_an_administrator_may_withdraw_but_not_an_enterprise_editor(client, session, world,
                                                                     editors):
    publish(client, editors)
    enterprise = make_user(session, "enterprise", world["enterprises"][0])
    assert withdraw(client, enterprise).status_code == 403
    assert client.get("/learn/vitamin-d").status_code == 200
    admin = make_user(session, "admin")
    sign_in_as(client, admin)
    versions = check_page(client.get("/publish/articles/vitamin-d?lang=en").get_data(
        as_text=True), "en")
    assert versions.find(id="withdraw-reason") is not None
    assert withdraw(client, admin).status_code == 303
    assert client.get("/learn/vitamin-d").status_code == 410


@pytest.mark.parametrize("reason", ["", "   ", "too short", "x" * 501])
def test_a_reason_is_required_and_nothing_changes_without_one(client, session, editors, reason):
    publish(client, editors)
    refused = withdraw(client, editors[0], reason)
    assert refused.status_code == 400
    page = check_page(refused.get_data(as_text=True), "en")
    assert page.title.get_text().startswith("Error:")
    assert "Say why the article is withdrawn" in page.select_one(".error-summary").get_text()
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "unpublish")).all() == []
    assert client.get("/learn/vitamin-d").status_code == 200
    chinese = withdraw(client, editors[0], reason, lang="zh")
    assert chinese.status_code == 400 and "撤下" in text_of(chinese)


def test_a_draft_cannot_be_withdrawn_and_its_address_stays_404(client, session, editors):
    assert save_version(client, editors[0]) == 303
    assert withdraw(client, editors[0]).status_code == 400
    assert client.get("/learn/vitamin-d").status_code == 404


def test_the_command_withdraws_for_an_editor_named_by_email(client, runner, session, editors):
    publish(client, editors)
    refused = runner.invoke(args=["learn", "unpublish", "vitamin-d", "--reason", REASON,
                                  "--by", "nobody@example.com"])
    assert refused.exit_code != 0 and "no active account" in refused.output
    short = runner.invoke(args=["learn", "unpublish", "vitamin-d", "--reason", "short",
                                "--by", "author@example.com"])
    assert short.exit_code != 0 and "reason" in short.output
    done = runner.invoke(args=["learn", "unpublish", "vitamin-d", "--reason", REASON,
                               "--by", "author@example.com"])
    assert done.exit_code == 0, done.output
    assert client.get("/learn/vitamin-d").status_code == 410
    again = runner.invoke(args=["learn", "unpublish", "vitamin-d", "--reason", REASON,
                                "--by", "author@example.com"])
    assert again.exit_code != 0 and "not published" in again.output
