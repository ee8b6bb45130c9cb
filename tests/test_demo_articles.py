"""Demo articles: the learn files imported, each reviewed by a clearly fictional reviewer with
a stated qualification and dates; one review is overdue, and readers and editors see so."""

from __future__ import annotations

from sqlalchemy import select

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.learn import articles

from .pagecheck import check_page


def test_demo_articles_have_fictional_reviewers_dates_and_one_overdue(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "12 articles" in result.output
    with app.app_context():
        session = db.session()
        stored = articles.every_article(session)
        assert len(stored) == 12
        for article in stored:
            version = article.published
            assert "fictional" in version.reviewer_name, article.slug
            assert "invented for the demo" in version.reviewer_qualification, article.slug
            assert article.next_review_due is not None
        late = articles.overdue(session, shanghai_now().date())
        assert [article.slug for article in late] == ["cross-border-and-counterfeits"]
    client = app.test_client()
    page = check_page(client.get("/learn/cross-border-and-counterfeits?lang=en")
                      .get_data(as_text=True))
    assert "has not been done yet" in page.select_one(".review-overdue").get_text()
    assert "(fictional reviewer)" in page.select_one(".article-sources").get_text()
    listed = runner.invoke(args=["learn", "overdue"])
    assert listed.output.splitlines()[0].startswith("cross-border-and-counterfeits\tdue ")
    assert "1 articles overdue for review." in listed.output
    again = runner.invoke(args=["learn", "import"])
    assert "0 articles imported, 12 already" in again.output
    with app.app_context():
        assert len(db.session().scalars(select(articles.Article)).all()) == 12
