"""``flask --app wsgi follow purge``: addresses are kept only while they follow something."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.follow import subscriptions

follow_group = AppGroup("follow", help="People following batches and products by e-mail.")


@follow_group.command("purge")
def purge() -> None:
    """Delete follows left unconfirmed for 48 hours and addresses that follow nothing."""
    items, addresses = subscriptions.purge(db.session())
    click.echo(f"{items} unconfirmed follows and {addresses} addresses deleted.")
