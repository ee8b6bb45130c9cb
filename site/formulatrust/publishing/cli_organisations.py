"""``flask --app wsgi organisations create|list|rename``: who publishers speak for."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from formulatrust.core import db
from formulatrust.publishing import organisations
from formulatrust.publishing.models import Organisation, User

organisations_group = AppGroup("organisations", help="Organisations that accounts belong to.")


@organisations_group.command("create")
@click.argument("slug")
@click.option("--kind", required=True,
              type=click.Choice(["regulator", "association", "editorial", "operator"]))
@click.option("--name-zh", required=True, help="The organisation's name in Chinese.")
@click.option("--name-en", default="", help="Its name in English.")
def create(slug: str, kind: str, name_zh: str, name_en: str) -> None:
    """Add an organisation (an enterprise's own comes with its enterprise)."""
    try:
        organisations.add_organisation(slug, kind, name_zh, name_en)
    except organisations.OrganisationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {kind} organisation {slug}: {name_zh}.")


@organisations_group.command("rename")
@click.argument("slug")
@click.option("--name-zh", required=True)
@click.option("--name-en", default="")
def rename(slug: str, name_zh: str, name_en: str) -> None:
    """Give an organisation its real name (what it publishes from now on carries it)."""
    organisation = organisations.by_slug(db.session(), slug)
    if organisation is None:
        raise click.ClickException(f"no organisation {slug!r}")
    organisations.rename_organisation(organisation, name_zh, name_en)
    click.echo(f"Renamed {slug}: {name_zh}.")


@organisations_group.command("list")
def list_organisations() -> None:
    """List organisations with their kind and number of accounts."""
    session = db.session()
    counts = dict(session.execute(select(User.organisation_id, func.count(User.id))
                                  .group_by(User.organisation_id)).all())
    for organisation in session.scalars(select(Organisation).order_by(Organisation.kind,
                                                                      Organisation.slug)):
        click.echo(f"{organisation.slug} · {organisation.kind} · {organisation.name_zh} · "
                   f"{organisation.name_en or '—'} · {counts.get(organisation.id, 0)} accounts")
