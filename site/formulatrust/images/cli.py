"""``flask --app wsgi images list|purge``: see uploaded images, delete unused ones."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.images import store
from formulatrust.images.models import StoredImage

images_group = AppGroup("images", help="Look after uploaded images.")


def line(image: StoredImage, used: set[str]) -> str:
    return "\t".join([image.key, f"{image.owner_kind}:{image.owner_ref}",
                      f"{image.width}x{image.height}", image.extension, image.review_status,
                      "used" if image.key in used else "unused",
                      image.uploaded_at.strftime("%Y-%m-%d")])


@images_group.command("list")
@click.option("--unused", is_flag=True, help="Only images no saved version refers to.")
def list_images(unused: bool) -> None:
    """List images: key, owner, size, format, review, use, upload date (tab-separated)."""
    session = db.session()
    used = store.used_keys(session)
    found = store.unused(session) if unused else list(
        session.scalars(select(StoredImage).order_by(StoredImage.id)))
    for image in found:
        click.echo(line(image, used))


@images_group.command("purge")
@click.option("--older-than", "days", type=click.IntRange(0, 36500), default=30,
              show_default=True, help="Only images uploaded at least this many days ago.")
@click.option("--yes", is_flag=True, help="Delete without asking.")
def purge(days: int, yes: bool) -> None:
    """Delete uploaded images that no saved version of any showcase or article uses."""
    session = db.session()
    found = store.unused(session, before=utcnow() - timedelta(days=days))
    if not found:
        click.echo("No unused image to delete.")
        return
    if not yes:
        click.confirm(f"Delete {len(found)} unused images?", abort=True)
    with click.progressbar(found, label="Deleting") as bar:
        store.purge(session, None, bar)
    click.echo(f"Deleted {len(found)} unused images.")
