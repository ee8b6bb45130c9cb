"""``flask --app wsgi enterprises import FILE`` and ``ratings assess``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.core.clock import today_in_shanghai
from formulatrust.enterprises import assessment, integrity_import
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import imports
from formulatrust.publishing.cli_users import acting_account, by_option

enterprises_group = AppGroup("enterprises", help="Enterprise integrity records.")
ratings_group = AppGroup("ratings", help="Integrity ratings.")


@enterprises_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@by_option("regulator")
def import_records(path: Path, by_email: str) -> None:
    """Import licences, certifications, penalties, inspections, standards and ratings."""
    user = acting_account(db.session(), by_email, "regulator")
    try:
        counts = imports.import_records(imports.Source(user, path.name),
                                        path.read_text(encoding="utf-8-sig"))
    except integrity_import.RecordsImportError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s); nothing was imported.") from error
    click.echo(", ".join(f"{n} {name}" for name, n in counts.items()) + " imported.")


@ratings_group.command("assess")
@click.option("--assessor", required=True,
              help="Who is assessing, in Chinese (recorded with the rating).")
@click.option("--assessor-en", default="", help="The assessor's English name, where known.")
@click.option("--on", "on", default=None, help="Assessment date (YYYY-MM-DD), default today.")
@click.argument("slugs", nargs=-1)
@by_option("regulator")
def assess(assessor: str, assessor_en: str, on: str | None, slugs: tuple[str, ...],
           by_email: str) -> None:
    """Rate enterprises (all, or SLUGS) by the published methodology; history is kept."""
    day = date.fromisoformat(on) if on else today_in_shanghai()
    session = db.session()
    user = acting_account(session, by_email, "regulator")
    query = select(Enterprise).order_by(Enterprise.slug)
    if slugs:
        query = query.where(Enterprise.slug.in_(slugs))
    enterprises = session.scalars(query).all()
    if slugs and len(enterprises) != len(set(slugs)):
        raise click.ClickException("unknown enterprise slug")
    made = assessment.assess(session, user, enterprises, day, assessor, assessor_en)
    for slug, row in made.items():
        click.echo(f"{slug}: {row.grade} ({row.score})")
