"""``flask --app wsgi learn import|overdue``: the files of ``content/learn`` into the article
store, and the articles whose review is overdue."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.learn import articles

learn_group = AppGroup("learn", help="Science articles: import the files, list overdue reviews.")


@learn_group.command("import")
def import_files() -> None:
    """Add each article of content/learn the database does not have yet (safe to repeat)."""
    library = current_app.extensions["formulatrust.content"]
    with db.transaction() as session:
        imported, present = articles.import_library(
            session, library, int(current_app.config["ARTICLE_REVIEW_MONTHS"]))
    click.echo(f"{imported} articles imported, {present} already in the database.")


@learn_group.command("overdue")
def overdue() -> None:
    """List the published articles whose next review date has passed."""
    late = articles.overdue(db.session(), shanghai_now().date())
    for article in late:
        click.echo(f"{article.slug}\tdue {article.next_review_due}")  # YYYY-MM-DD
    click.echo(f"{len(late)} articles overdue for review.")
