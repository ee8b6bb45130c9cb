"""Science editors write articles in the browser; a qualified reviewer who did not write a
version approves it before readers see it, with its review dates; overdue reviews are listed
to editors and marked to readers; every saved version is kept; the files import once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from formulatrust.core.clock import shanghai_now
from formulatrust.learn.models import Article, ArticleVersion

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from .test_discovery import NS, sitemap_urls

CLAIM = "Our formula is as close to breast milk as you can get."
FIXED = "Breast milk is the best food for babies; formula is for when it is not possible."


def article_form(token: str, slug: str | None = "vitamin-d", body_en: str = FIXED,
                 action: str = "save", sources: str | None = None) -> dict:
    form = {"csrf_token": token, "topic": "feeding", "action": action,
            "title_zh": "维生素D补充", "summary_zh": "母乳喂养的宝宝每天需要补充维生素D。",
            "body_zh": "## 为什么\n\n母乳喂养的宝宝每天补充10微克维生素D。",
            "title_en": "Vitamin D drops", "summary_en": "Breastfed babies need vitamin D daily.",
            "body_en": "## Why\n\n" + body_en,
            "sources": sources if sources is not None else
            "Infant feeding guidelines | Chinese Nutrition Society | 2022 | http://dg.cnsoc.org/"}
    if slug is not None:
        form["slug"] = slug
    return form


@pytest.fixture
def editors(session):
    author = make_user(session, "science", email="author@example.com")
    reviewer = make_user(session, "science", email="reviewer@example.com",
                         reviewer=True,
                         reviewer_qualification="Registered dietitian")
    return author, reviewer


def text_of(response) -> str:
    """The page's text as read (no space before punctuation that follows an element)."""
    text = check_page(response.get_data(as_text=True)).get_text(" ", strip=True)
    return re.sub(r"\s+([,.])", r"\1", text)


def test_draft_blocked_fixed_approved_by_another_reviewer_then_published(client, session,
                                                                         editors):
    author, reviewer = editors
    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/new")
    preview = client.post("/publish/articles/new?lang=en",
                          data=article_form(token, body_en=CLAIM, action="preview"))
    assert preview.status_code == 200
    shown = text_of(preview)
    assert "close to breast milk" in shown and "advertising rules block" in shown
    assert session.scalar(select(func.count()).select_from(ArticleVersion)) == 0  # preview only

    saved = client.post("/publish/articles/new", data=article_form(token, body_en=CLAIM))
    assert saved.status_code == 303
    versions_page = client.get(saved.headers["Location"])
    assert "close to breast milk" in text_of(versions_page)
    sign_in_as(client, reviewer)
    assert "Approve and publish" not in text_of(client.get("/publish/articles/vitamin-d"))
    token = csrf_token(client, "/publish/articles/new")
    blocked = client.post("/publish/articles/vitamin-d/versions/1/approve",
                          data={"csrf_token": token})
    assert blocked.status_code == 403
    assert client.get("/learn/vitamin-d").status_code == 404

    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/vitamin-d/edit")
    assert client.post("/publish/articles/vitamin-d/edit",
                       data=article_form(token, slug=None)).status_code == 303
    sign_in_as(client, reviewer)
    token = csrf_token(client, "/publish/articles/vitamin-d")
    approved = client.post("/publish/articles/vitamin-d/versions/2/approve",
                           data={"csrf_token": token})
    assert approved.status_code == 303

    today = shanghai_now().date()
    due = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) \
        else date(today.year + 1, 2, 28)
    english = text_of(client.get("/learn/vitamin-d?lang=en"))
    assert "Vitamin D drops" in english and CLAIM not in english
    assert f"Last reviewed {today:%B} {today.day}, {today.year}" in english
    assert f"Next review due {due:%B} {due.day}, {due.year}" in english
    assert "Reviewed by Test science, Registered dietitian." in english
    assert "Chinese Nutrition Society" in english
    kept = session.scalars(select(ArticleVersion.number).order_by(ArticleVersion.number)).all()
    assert kept == [1, 2]


def test_the_author_cannot_approve_their_own_version(client, session, editors):
    _, reviewer = editors
    sign_in_as(client, reviewer)
    token = csrf_token(client, "/publish/articles/new")
    client.post("/publish/articles/new", data=article_form(token))
    page = text_of(client.get("/publish/articles/vitamin-d?lang=en"))
    assert "another reviewer must approve it" in page
    refused = client.post("/publish/articles/vitamin-d/versions/1/approve",
                          data={"csrf_token": token})
    assert refused.status_code == 403
    assert "cannot approve a version you wrote" in text_of(refused)
    assert client.get("/learn/vitamin-d").status_code == 404


def test_an_editor_without_the_reviewer_flag_cannot_approve(client, session, editors):
    author, _ = editors
    other = make_user(session, "science", email="other@example.com")
    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/new")
    client.post("/publish/articles/new", data=article_form(token))
    sign_in_as(client, other)
    token = csrf_token(client, "/publish/articles/new")
    assert client.post("/publish/articles/vitamin-d/versions/1/approve",
                       data={"csrf_token": token}).status_code == 403
    assert client.get("/learn/vitamin-d").status_code == 404


@pytest.mark.parametrize(("sources", "message"), [
    ("", "at least one source"),
    ("Guidelines | Society | 2022 | javascript:alert(1)", "must start with http"),
    ("Guidelines | http://dg.cnsoc.org/", "title, publisher, date and link"),
])
def test_sources_are_required_with_web_links(client, session, editors, sources, message):
    sign_in_as(client, editors[0])
    token = csrf_token(client, "/publish/articles/new")
    response = client.post("/publish/articles/new?lang=en",
                           data=article_form(token, sources=sources))
    assert response.status_code == 400
    assert message in text_of(response)
    assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_english_missing_is_marked_chinese_only(client, session, editors):
    author, reviewer = editors
    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/new")
    form = article_form(token) | {"title_en": "", "summary_en": "", "body_en": ""}
    assert client.post("/publish/articles/new", data=form).status_code == 303
    sign_in_as(client, reviewer)
    token = csrf_token(client, "/publish/articles/vitamin-d")
    client.post("/publish/articles/vitamin-d/versions/1/approve", data={"csrf_token": token})
    soup = check_page(client.get("/learn/vitamin-d?lang=en").get_data(as_text=True))
    assert soup.h1.find(lang="zh-Hans").get_text() == "维生素D补充"
    assert soup.h1.find(class_="chinese-only").get_text() == "(Chinese only)"


def overdue_article(session) -> None:
    today = shanghai_now().date()
    article = Article(slug="old-advice", last_reviewed_on=today - timedelta(days=400),
                      next_review_due=today - timedelta(days=35))
    version = ArticleVersion(number=1, topic="safety", title_zh="旧建议", title_en="Old advice",
                             summary_zh="摘要", summary_en="Summary", body_zh="正文",
                             body_en="Text", sources=[], author_name="Someone",
                             passed_checks=True, reviewer_name="Dr Demo",
                             reviewed_on=article.last_reviewed_on)
    article.versions = [version]
    session.add(article)
    session.flush()
    article.published_version_id = version.id
    session.commit()


def test_overdue_articles_are_listed_to_editors_and_marked_to_readers(client, session, editors):
    overdue_article(session)
    reader = text_of(client.get("/learn/old-advice?lang=en"))
    assert "review was due on" in reader and "has not been done yet" in reader
    assert "Review overdue" in text_of(client.get("/learn?lang=en&topic=safety"))
    sign_in_as(client, editors[0])
    listing = check_page(client.get("/publish/articles?lang=en").get_data(as_text=True))
    assert "Old advice" in listing.find(class_="overdue-list").get_text()


def test_a_fresh_review_is_not_marked_overdue(client, session, editors):
    overdue_article(session)
    article = session.scalar(select(Article))
    article.next_review_due = shanghai_now().date() + timedelta(days=1)
    session.commit()
    assert "has not been done yet" not in text_of(client.get("/learn/old-advice?lang=en"))
    sign_in_as(client, editors[0])
    listing = text_of(client.get("/publish/articles?lang=en"))
    assert "No article is overdue for review." in listing


def test_import_is_idempotent_and_the_files_read_the_same(client, runner, session):
    before = text_of(client.get("/learn/preparing-a-bottle?lang=en"))
    first = runner.invoke(args=["learn", "import"])
    assert first.exit_code == 0, first.output
    assert "12 articles imported, 0 already" in first.output
    again = runner.invoke(args=["learn", "import"])
    assert "0 articles imported, 12 already" in again.output
    assert session.scalar(select(func.count()).select_from(ArticleVersion)) == 12
    after = text_of(client.get("/learn/preparing-a-bottle?lang=en"))
    assert "Preparing a bottle safely" in after and "Last reviewed November 28, 2026" in after
    assert "Preparing a bottle safely" in before
    assert "安全冲调一瓶奶" in text_of(client.get("/learn/preparing-a-bottle?lang=zh"))


def test_an_edited_article_is_not_overwritten_by_a_second_import(client, runner, session,
                                                                editors):
    runner.invoke(args=["learn", "import"])
    sign_in_as(client, editors[0])
    token = csrf_token(client, "/publish/articles/preparing-a-bottle/edit")
    form = article_form(token, slug=None) | {"topic": "safety"}
    assert client.post("/publish/articles/preparing-a-bottle/edit", data=form).status_code == 303
    runner.invoke(args=["learn", "import"])
    numbers = session.scalars(select(ArticleVersion.number).join(Article)
                              .where(Article.slug == "preparing-a-bottle")).all()
    assert sorted(numbers) == [1, 2]


def test_the_reviewer_flag_is_set_by_the_users_command(runner, session, editors):
    author, _ = editors
    missing = runner.invoke(args=["users", "reviewer", author.email])
    assert missing.exit_code != 0 and "qualification" in missing.output
    done = runner.invoke(args=["users", "reviewer", author.email,
                               "--qualification", "Paediatric nurse"])
    assert done.exit_code == 0, done.output
    session.expire_all()
    session.refresh(author)
    assert author.reviewer and author.reviewer_qualification == "Paediatric nurse"
    assert runner.invoke(args=["users", "reviewer", author.email, "--remove"]).exit_code == 0
    session.refresh(author)
    assert not author.reviewer and author.reviewer_qualification == ""


def test_search_finds_an_article_once_approved_never_its_draft(client, runner, session,
                                                              editors):
    author, reviewer = editors
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/new")
    form = article_form(token) | {"body_en": "Okapidrops are a made-up word for this test."}
    client.post("/publish/articles/new", data=form)
    hits = check_page(client.get("/search?q=okapidrops&lang=en").get_data(as_text=True))
    assert not hits.select(".hits a")
    sign_in_as(client, reviewer)
    token = csrf_token(client, "/publish/articles/vitamin-d")
    client.post("/publish/articles/vitamin-d/versions/1/approve", data={"csrf_token": token})
    hits = check_page(client.get("/search?q=okapidrops&lang=en").get_data(as_text=True))
    assert [a["href"] for a in hits.select(".hits a")][:1] == ["/learn/vitamin-d"]


def test_search_finds_imported_articles_once_each(client, runner):
    assert runner.invoke(args=["learn", "import"]).exit_code == 0
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    hits = check_page(client.get("/search?q=阪崎肠杆菌&kind=article").get_data(as_text=True))
    links = [a["href"] for a in hits.select(".hits a")]
    assert "/learn/sampling-results" in links and len(links) == len(set(links))


def test_the_sitemap_lists_published_articles_with_their_review_day_not_drafts(
        client, session, editors):
    author, reviewer = editors
    sign_in_as(client, author)
    token = csrf_token(client, "/publish/articles/new")
    client.post("/publish/articles/new", data=article_form(token))
    client.post("/publish/articles/new", data=article_form(token, slug="draft-only"))
    sign_in_as(client, reviewer)
    token = csrf_token(client, "/publish/articles/vitamin-d")
    client.post("/publish/articles/vitamin-d/versions/1/approve", data={"csrf_token": token})
    urls = sitemap_urls(client)
    entry = next(value for loc, value in urls.items() if loc.endswith("/learn/vitamin-d"))
    assert entry.findtext("s:lastmod", namespaces=NS).startswith(
        shanghai_now().date().isoformat())
    assert not [loc for loc in urls if loc.endswith("/learn/draft-only")]
    assert [loc for loc in urls if loc.endswith("/learn/preparing-a-bottle")]  # a file's


def test_an_empty_form_or_an_unknown_article_gets_a_clear_answer(client, session, editors):
    sign_in_as(client, editors[0])
    token = csrf_token(client, "/publish/articles/new")
    empty = client.post("/publish/articles/new?lang=en", data={"csrf_token": token})
    assert empty.status_code == 400
    assert "Fill this in." in text_of(empty)
    chinese = client.post("/publish/articles/new?lang=zh", data={"csrf_token": token})
    assert chinese.status_code == 400
    assert client.get("/publish/articles/no-such-article").status_code == 404
    assert client.post("/publish/articles/no-such-article/edit",
                       data={"csrf_token": token}).status_code == 404
    assert client.post("/publish/articles/no-such-article/versions/1/approve",
                       data={"csrf_token": token}).status_code == 404
    taken = article_form(token)
    client.post("/publish/articles/new", data=taken)
    again = client.post("/publish/articles/new?lang=en", data=taken)
    assert again.status_code == 400 and "already has this address" in text_of(again)
