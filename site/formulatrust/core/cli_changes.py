"""``flask --app wsgi changes purge``: the change feed keeps rows for a stated period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import change_feed, db

changes_group = AppGroup("changes", help="The change feed every worker and node follows.")


@changes_group.command("purge")
@click.option("--days", type=click.IntRange(1, 3650),
              help="Keep this many days (default: CHANGE_RETENTION_DAYS).")
def purge(days: int | None) -> None:
    """Delete change-feed rows older than the retention period."""
    if days is None:
        days = int(current_app.config["CHANGE_RETENTION_DAYS"])
    with db.transaction() as session:
        count = change_feed.purge(session, days)
    click.echo(f"{count} change-feed rows deleted (older than {days} days).")
