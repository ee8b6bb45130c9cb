"""Operator commands for API tokens: ``flask --app wsgi tokens create|list|revoke``."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import api_tokens, token_service
from formulatrust.publishing.models import ApiToken

tokens_group = AppGroup("tokens", help="Create, list and revoke API tokens for enterprises.")


def when(moment: datetime | None) -> str:
    return api_tokens.aware(moment).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


@tokens_group.command("create")
@click.option("--enterprise", "slug", required=True, help="Enterprise slug.")
@click.option("--name", required=True, help="What uses the token, e.g. \"ERP\".")
@click.option("--expires-in-days", type=click.IntRange(1, 3650),
              help="Days until it expires (default: never; revoke it when no longer needed).")
def create(slug: str, name: str, expires_in_days: int | None) -> None:
    """Create a token for an enterprise and print it, once."""
    session = db.session()
    enterprise = session.scalar(select(Enterprise).where(Enterprise.slug == slug))
    if enterprise is None:
        raise click.ClickException(f"No enterprise with the slug {slug}.")
    try:
        token, text = token_service.create_token(enterprise, name,
                                                 expires_in_days=expires_in_days)
    except ValueError as error:
        raise click.BadParameter("give a name of 1 to 100 characters",
                                 param_hint="--name") from error
    click.echo(f"Token {token.id} for {slug}, expires {when(token.expires_at)}:")
    click.echo(text)
    click.echo("It is shown only now: store it in the enterprise's system.", err=True)


@tokens_group.command("list")
@click.option("--enterprise", "slug", help="Only this enterprise's tokens.")
def list_tokens(slug: str | None) -> None:
    """List tokens (never their secrets)."""
    query = (select(ApiToken, Enterprise.slug).join(ApiToken.enterprise)
             .order_by(Enterprise.slug, ApiToken.id))
    if slug:
        query = query.where(Enterprise.slug == slug)
    rows = db.session().execute(query).all()
    for token, enterprise_slug in rows:
        click.echo("\t".join([str(token.id), enterprise_slug, f"ftk_{token.public_id}_…",
                              token.name, api_tokens.state(token),
                              f"created {when(token.created_at)}",
                              f"last used {when(token.last_used_at)}",
                              f"expires {when(token.expires_at)}"]))
    click.echo(f"{len(rows)} tokens.")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID: systems using it are refused from now on."""
    session = db.session()
    token = session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token {token_id}.")
    changed = token_service.revoke_token(token, None)
    if not changed:
        raise click.ClickException(f"Token {token_id} was already revoked.")
    click.echo(f"Token {token_id} revoked.")
