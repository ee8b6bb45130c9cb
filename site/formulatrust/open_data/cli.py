"""Operator command for the complete data files: ``flask --app wsgi data build``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.core.config import site_origin
from formulatrust.open_data import dumps
from formulatrust.open_data.dump_sources import SOURCES


@click.group("data", cls=AppGroup)
def data_group() -> None:
    """Manage this node's complete data files."""


@data_group.command("build")
def data_build() -> None:
    """Build every complete data file from the database (waits for a build in progress)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    where = dumps.folder(app)
    with app.test_request_context("/", base_url=site_origin(app.config)), \
            dumps.build_lock(where), \
            click.progressbar(length=len(SOURCES), label="Building data files") as bar:
        manifest = dumps.build(db.session(), where, after_source=bar.update)
    rows = sum(entry["rows"] for entry in manifest["files"] if entry["format"] == "csv")
    click.echo(f"Wrote {len(manifest['files'])} files ({rows} records) into {where}.")
