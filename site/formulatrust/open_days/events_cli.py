"""``flask --app wsgi events list``: the events calendar as the site shows it, one line each."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import clock, db
from formulatrust.open_days import events
from formulatrust.open_days.events import Event
from formulatrust.results.query import FilterError

events_group = AppGroup("events", help="Read the events calendar.")


def title(event: Event, lang: str) -> str:
    """Return the event's title in ``lang`` (the Chinese when there is no English)."""
    def pick(zh: str, en: str) -> str:
        return (en or zh) if lang == "en" else (zh or en)

    if event.kind == "open-day" and event.enterprise:
        return pick(event.enterprise.name_zh, event.enterprise.name_en)
    if event.kind == "brand" and event.brand:
        return f"{pick(event.brand.name_zh, event.brand.name_en)}: " \
               f"{pick(event.title_zh, event.title_en)}"
    return pick(event.title_zh, event.title_en)


@events_group.command("list")
@click.option("--month", default="", help="Only this month, YYYY-MM (Shanghai time).")
@click.option("--enterprise", default="", help="Only this enterprise's events (its slug).")
@click.option("--kind", default="", type=click.Choice(("", *events.KINDS)))
@click.option("--lang", default="zh", type=click.Choice(("zh", "en")))
def list_events(month: str, enterprise: str, kind: str, lang: str) -> None:
    """List events as /events does: upcoming soonest first, then past newest first."""
    session = db.session()
    try:
        filters = events.read_filters({"month": month, "enterprise": enterprise, "kind": kind},
                                      session)
    except FilterError as error:
        raise click.BadParameter(f"no such {error.field}: use the values /events offers",
                                 param_hint=f"--{error.field}") from error
    now = clock.utcnow()
    found = events.matching(events.collect(
        session, current_app.extensions.get("formulatrust.content"), now), filters)
    upcoming, past = events.in_order(found, now)
    host = current_app.config["SITE_HOST"]
    for heading, chosen in (("upcoming", upcoming), ("past", past)):
        click.echo(f"# {heading}: {len(chosen)}")
        for event in chosen:
            mark = " CANCELLED" if event.cancelled else ""
            click.echo(f"{event.day.isoformat()}\t{event.kind}\t{event.uid(host)}\t"
                       f"{title(event, lang)}{mark}")
