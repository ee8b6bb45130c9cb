"""``flask --app wsgi industry-statistics import FILE --by EMAIL``: the same checks and the same
service as the upload page; a file with any problem writes nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.domain.industry_figures import check_file
from formulatrust.industry import services
from formulatrust.publishing.cli_users import acting_account, by_option

industry_group = AppGroup("industry-statistics",
                          help="Industry statistics published by associations.")


@industry_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report only; write nothing.")
@by_option("association")
def import_figures(path: Path, dry_run: bool, by_email: str) -> None:
    """Publish a CSV file of figures under the account's association."""
    session = db.session()
    user = acting_account(session, by_email, "association")
    try:
        organisation = services.publishing_organisation(user)
    except services.NoOrganisation as error:
        raise click.ClickException(f"{by_email} 不属于任何行业协会 / belongs to no "
                                   "association") from error
    checked = check_file(path.read_bytes())
    if checked.problems:
        for problem in checked.problems:
            click.echo(f"{problem.text_zh()} / {problem.text_en()}", err=True)
        raise click.ClickException(f"{len(checked.problems)} 个问题，未写入任何数字 / "
                                   f"{len(checked.problems)} problem(s); nothing was written.")
    click.echo(f"{path.name}: {len(checked.figures)} figures, all correct.")
    if dry_run:
        click.echo("Dry run: nothing written.")
        return
    with click.progressbar(length=len(checked.figures), label="Publishing") as bar:
        summary = services.release(session, user, organisation, checked.figures, "command",
                                   filename=path.name, progress=bar.update)
    click.echo(f"{len(summary.created)} created, {len(summary.corrected)} corrected, "
               f"{summary.unchanged} unchanged.")
