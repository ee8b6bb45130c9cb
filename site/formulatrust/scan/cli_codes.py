"""``flask --app wsgi codes issue``: signed serials, a CSV of URIs and printable label sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.domain.gs1 import Gs1Error, to_gtin14
from formulatrust.domain.labels import FORMATS, Label, write_issue_files
from formulatrust.enterprises.models import Product
from formulatrust.publishing import code_issues
from formulatrust.publishing.cli_users import acting_account, by_option
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
@by_option("enterprise", "regulator", "admin")
def issue(gtin: str, lot: str, count: int, out_dir: Path, lang: str, fmt: str,
          by_email: str) -> None:
    """Issue COUNT signed serials for a batch and write codes.csv and A4 label sheets."""
    try:
        gtin14 = to_gtin14(gtin)
    except Gs1Error as error:
        raise click.BadParameter(f"not a valid GTIN ({error.code})", param_hint="--gtin") from error
    user = acting_account(db.session(), by_email, "enterprise", "regulator", "admin")
    product = db.session().scalar(select(Product).where(Product.gtin == gtin14))
    if user.role == "enterprise" and (product is None
                                      or product.brand.enterprise_id != user.enterprise_id):
        raise click.ClickException(f"{user.email} may issue codes only for its own products")
    out_dir.mkdir(parents=True, exist_ok=True)

    def write_files(labels: list[Label]) -> dict[str, Any]:
        with click.progressbar(length=len(labels), label="Writing labels") as bar:
            return write_issue_files(out_dir, labels, progress=bar.update, fmt=fmt)

    try:
        _batch, _labels, written = code_issues.issue(user, gtin14, lot, count, lang, fmt,
                                                     write_files)
    except IssueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Issued {written['count']} codes for lot {lot}: {written['csv']} and "
               f"{len(written['sheets'])} label sheet(s) in {out_dir}.")
