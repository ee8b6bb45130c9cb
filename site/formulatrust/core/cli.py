"""Operator commands: ``flask --app wsgi <command>``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from formulatrust.core import db, demo, migrate
from formulatrust.core.cli_changes import changes_group
from formulatrust.core.cli_outbox import outbox_group
from formulatrust.core.clock import shanghai_now
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.enterprises.cli import enterprises_group, ratings_group
from formulatrust.enterprises.models import Enterprise
from formulatrust.follow.cli import follow_group
from formulatrust.images.cli import images_group
from formulatrust.industry.cli import industry_group
from formulatrust.learn import demo as demo_articles
from formulatrust.learn.articles_cli import learn_group
from formulatrust.learn.cli import content_group
from formulatrust.open_data.cli import data_group
from formulatrust.open_days.cli import bookings_group, open_days_group
from formulatrust.open_days.events_cli import events_group
from formulatrust.pages import search_follower
from formulatrust.pages.search_documents import all_documents
from formulatrust.publishing.cli_organisations import organisations_group
from formulatrust.publishing.cli_tokens import tokens_group
from formulatrust.publishing.cli_users import reports_group, users_group
from formulatrust.publishing.demo_accounts import demo_accounts_command
from formulatrust.results.cli import recalls_group, results_group
from formulatrust.scan.cli_codes import codes_group
from formulatrust.scan.cli_scans import scans_group
from formulatrust.scan.cli_trace import trace_group
from formulatrust.search import rebuild


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(db_group)
    app.cli.add_command(changes_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(follow_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(search_group)
    app.cli.add_command(translations_group)
    app.cli.add_command(codes_group)
    app.cli.add_command(scans_group)
    app.cli.add_command(content_group)
    app.cli.add_command(results_group)
    app.cli.add_command(recalls_group)
    app.cli.add_command(trace_group)
    app.cli.add_command(open_days_group)
    app.cli.add_command(bookings_group)
    app.cli.add_command(events_group)
    app.cli.add_command(enterprises_group)
    app.cli.add_command(ratings_group)
    app.cli.add_command(users_group)
    app.cli.add_command(reports_group)
    app.cli.add_command(tokens_group)
    app.cli.add_command(organisations_group)
    app.cli.add_command(demo_accounts_command)
    app.cli.add_command(data_group)
    app.cli.add_command(images_group)
    app.cli.add_command(industry_group)
    app.cli.add_command(learn_group)


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database to the latest schema."""
    migrate.upgrade(db.engine(), revision)
    click.echo(f"Database at revision {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION (e.g. base)."""
    migrate.downgrade(db.engine(), revision)
    click.echo(f"Database at revision {revision}.")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    migrate.new_revision(db.engine(), message)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing when enterprises already exist.")
def demo_command(if_empty: bool) -> None:
    """Load the fictional demo data set (labelled as demo data on the site)."""
    session = db.session()
    if session.scalar(select(Enterprise.id).limit(1)) is not None:
        if if_empty:
            click.echo("Database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database already has enterprises; demo data not loaded.")
    with click.progressbar(length=len(demo.ENTERPRISES), label="Demo data") as bar:
        counts = demo.build(session, progress=bar.update)
    counts["articles"] = demo_articles.build(session, current_app.extensions[
        "formulatrust.content"], int(current_app.config["ARTICLE_REVIEW_MONTHS"]),
        shanghai_now().date())
    session.commit()
    click.echo(", ".join(f"{count} {name}" for name, count in counts.items()) + " created.")


@click.group("search", cls=AppGroup)
def search_group() -> None:
    """Manage the search index."""


@search_group.command("reindex")
def search_reindex() -> None:
    """Rebuild this node's search index from the database.

    The new index is written into a folder of its own and the index link is switched to it
    with one rename when complete: until then, and if the build fails, searches keep using the
    old index.
    """
    library = current_app.extensions["formulatrust.content"]
    latest = search_follower.newest(db.session())  # changes after this are followed later
    documents = list(all_documents(db.session(), library))
    index_dir = current_app.config["SEARCH_INDEX_DIR"]
    with click.progressbar(documents, label="Indexing") as bar:
        count = rebuild(index_dir, bar)
    search_follower.mark_applied(index_dir, latest)
    click.echo(f"Indexed {count} documents into {index_dir}.")


# The earlier name, kept for scripts and cron jobs that still use it.
search_group.add_command(click.Command("rebuild", callback=search_reindex.callback,
                                       help=search_reindex.help, hidden=True))


@click.group("translations", cls=AppGroup)
def translations_group() -> None:
    """Extract, update and compile the message catalogues in ``translations/``."""


@translations_group.command("update")
def translations_update() -> None:
    """Extract strings from code and templates and merge them into both catalogues."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location",
             "--sort-output", "-o", "translations/messages.pot", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "-N",
             "--ignore-obsolete")
    copied = copy_english_source(PROJECT_ROOT / "translations/en/LC_MESSAGES/messages.po")
    click.echo(f"English catalogue: {copied} new strings copied from the source text.")
    missing = untranslated(PROJECT_ROOT / "translations/zh/LC_MESSAGES/messages.po")
    click.echo(f"Chinese catalogue: {len(missing)} strings still to translate.")


@translations_group.command("compile")
def translations_compile() -> None:
    """Compile the ``.po`` catalogues into the ``.mo`` files the site reads."""
    _pybabel("compile", "-d", "translations", "--statistics")


def copy_english_source(path) -> int:
    """Fill empty English translations with their source text, which is English."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    copied = 0
    for message in catalog:
        if message.id and is_untranslated(message):
            message.string = message.id
            copied += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, no_location=True)
    return copied


def untranslated(path: Path) -> list[str | tuple[str, ...] | list[str]]:
    """List the message ids of ``path`` that have no translation yet."""
    with path.open("rb") as handle:
        return [m.id for m in read_po(handle) if m.id and is_untranslated(m)]


def is_untranslated(message) -> bool:
    """Tell whether a catalogue entry (plural forms included) still needs a translation."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return message.fuzzy or not all(strings)


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True)
