"""``flask --app wsgi scans purge``: forget what the scan-history rule no longer needs.

Run it daily, like ``bookings purge``: device rows older than the rule's window and the random
keys of past days are deleted (the counts and any burst found stay; they hold no personal data).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.scan import trace

scans_group = AppGroup("scans", help="Look after the query history of cans.")


@scans_group.command("purge")
def purge() -> None:
    """Delete device rows older than the rule needs and the keys of past days."""
    with db.transaction() as session:
        devices, keys = trace.purge_scans(session, utcnow())
    click.echo(f"Deleted {devices} device records and {keys} day keys.")
