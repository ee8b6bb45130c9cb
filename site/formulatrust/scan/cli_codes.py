"""``flask --app wsgi codes issue``: signed serials, a CSV of URIs and printable label sheets."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import db, signing
from formulatrust.domain.gs1 import Gs1Error, to_gtin14
from formulatrust.domain.labels import FORMATS, write_issue_files
from formulatrust.scan import codes
from formulatrust.scan.codes import IssueError

codes_group = AppGroup("codes", help="Issue can codes.")


@codes_group.command("issue")
@click.option("--gtin", required=True, help="Product GTIN (8, 12, 13 or 14 digits).")
@click.option("--lot", required=True, help="Batch/lot number as on record.")
@click.option("--count", required=True, type=int, help="How many cans to issue codes for.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the product name on the labels.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="svg", show_default=True,
              help="Label sheets as SVG files (one per A4 page) or one PDF.")
def issue(gtin: str, lot: str, count: int, out_dir: Path, lang: str, fmt: str) -> None:
    """Issue COUNT signed serials for a batch and write codes.csv and A4 label sheets."""
    try:
        gtin14 = to_gtin14(gtin)
    except Gs1Error as error:
        raise click.BadParameter(f"not a valid GTIN ({error.code})", param_hint="--gtin") from error
    session = db.session()
    base = f"https://{current_app.config['SITE_HOST']}"
    try:
        _batch, rows = codes.issue(session, gtin14, lot, count, signing.signer(),
                                   signing.short_codes(), base, lang)
    except IssueError as error:
        session.rollback()
        raise click.ClickException(str(error)) from error
    out_dir.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=len(rows), label="Writing labels") as bar:
        written = write_issue_files(out_dir, rows, progress=bar.update, fmt=fmt)
    session.commit()
    click.echo(f"Issued {written['count']} codes for lot {lot}: {written['csv']} and "
               f"{len(written['sheets'])} label sheet(s) in {out_dir}.")
