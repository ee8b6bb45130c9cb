"""Enterprise-side commands for open days, and the purge of old bookings.

``flask --app wsgi open-days create|edit|attendees|checkin`` and ``bookings purge``.
"""

from __future__ import annotations

import csv
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.domain.booking import BookingError, format_reference, reference_from_ticket
from formulatrust.domain.spreadsheet import safe_row
from formulatrust.enterprises import lookup
from formulatrust.open_days import bookings, editing
from formulatrust.open_days.editing import LANGUAGES, VisitProblems
from formulatrust.open_days.models import OpenDay

open_days_group = AppGroup("open-days", help="Create and run factory open days.")
bookings_group = AppGroup("bookings", help="Look after visitors' booking data.")


def parse_start(text: str) -> datetime:
    """Read ``YYYY-MM-DD HH:MM`` as Shanghai time."""
    try:
        return editing.parse_start(text)
    except VisitProblems as error:
        raise click.BadParameter("use YYYY-MM-DD HH:MM (Shanghai time)") from error


def visit_options(create: bool):
    """The options shared by ``create`` and ``edit`` (required only when creating)."""
    def decorate(command):
        options = [
            click.option("--starts", help="Start, YYYY-MM-DD HH:MM, Shanghai time.",
                         required=create),
            click.option("--duration", type=click.IntRange(15, 600), help="Minutes."),
            click.option("--capacity", type=click.IntRange(1, 1000), required=create),
            click.option("--waitlist", type=click.IntRange(0, 1000),
                         help="Places on the waiting list (people)."),
            click.option("--address-zh", required=create),
            click.option("--address-en", required=create),
            click.option("--map-url"),
            click.option("--language", type=click.Choice(LANGUAGES)),
            click.option("--min-age", type=click.IntRange(0, 18)),
            click.option("--accessibility-zh"),
            click.option("--accessibility-en"),
            click.option("--factory-id", type=int),
        ]
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def given(values: dict) -> dict:
    """Keep the options that were given (the rules in open_days_admin change only those)."""
    if values.get("starts") is not None:
        parse_start(values["starts"])  # a malformed start is a usage error, as before
    return {name: value for name, value in values.items() if value is not None}


def problems_text(error: VisitProblems) -> str:
    return " ".join(problem.english() for problem in error.problems)


@open_days_group.command("create")
@click.option("--enterprise", "slug", required=True, help="Enterprise slug.")
@visit_options(create=True)
def create(slug: str, **values) -> None:
    """Schedule a new open day."""
    session = db.session()
    enterprise = lookup.by_slug(session, slug)
    if enterprise is None:
        raise click.ClickException(f"No enterprise with slug {slug!r}.")
    try:
        visit = editing.create_visit(session, enterprise.id, given(values))
    except VisitProblems as error:
        raise click.ClickException(problems_text(error)) from error
    click.echo(f"Open day {visit.id} created.")


@open_days_group.command("edit")
@click.argument("visit_id", type=int)
@visit_options(create=False)
def edit(visit_id: int, **values) -> None:
    """Change an open day; a larger capacity moves people up from the waiting list."""
    session = db.session()
    visit = session.get(OpenDay, visit_id)
    if visit is None:
        raise click.ClickException(f"No open day {visit_id}.")
    try:
        promoted = editing.edit_visit(session, visit, given(values))
    except VisitProblems as error:
        raise click.ClickException(problems_text(error)) from error
    if promoted:
        click.echo(f"{len(promoted)} bookings moved up from the waiting list.")
    click.echo(f"Open day {visit_id} updated.")


@open_days_group.command("cancel")
@click.argument("visit_id", type=int)
@click.option("--reason", required=True, help="Why; every booker sees it (10 characters or more).")
def cancel(visit_id: int, reason: str) -> None:
    """Cancel a whole open day; bookers who left an address are told by e-mail."""
    reason = " ".join(reason.split())[:500]
    if len(reason) < 10:
        raise click.ClickException("Give a reason of at least 10 characters.")
    try:
        ended = bookings.cancel_visit(db.session(), visit_id, reason)
    except BookingError as error:
        raise click.ClickException(f"Open day {visit_id}: {error.code}.") from error
    click.echo(f"Open day {visit_id} cancelled; {len(ended)} bookings ended.")


@open_days_group.command("attendees")
@click.argument("visit_id", type=int)
@click.option("--csv", "csv_file", type=click.File("w", encoding="utf-8-sig"),
              help="Write the list to this CSV file instead.")
def attendees(visit_id: int, csv_file) -> None:
    """List a visit's bookings; phone numbers show only their last four digits."""
    session = db.session()
    if session.get(OpenDay, visit_id) is None:
        raise click.ClickException(f"No open day {visit_id}.")
    header, table = editing.attendee_table(session, visit_id)
    if csv_file is not None:
        writer = csv.writer(csv_file)
        writer.writerow(safe_row(header))
        writer.writerows(safe_row(row) for row in table)
        click.echo(f"{len(table)} bookings written.")
        return
    for row in table:
        click.echo("\t".join(str(cell) for cell in row))
    booked = sum(row[3] + row[4] for row in table if row[5] in ("booked", "checked_in"))
    click.echo(f"{len(table)} bookings, {booked} people with seats.")


@open_days_group.command("checkin")
@click.argument("reference")
def checkin(reference: str) -> None:
    """Check a visitor in by the reference on their ticket (as scanned from the QR code)."""
    try:  # a scanned ticket URL works too
        booking = bookings.check_in(db.session(), reference_from_ticket(reference))
    except BookingError as error:
        messages = {"reference_invalid": "That is not a booking reference.",
                    "unknown": "No booking has that reference.",
                    "already_checked_in": "This visitor is already checked in.",
                    "cancelled": "This booking has no seat (it was cancelled).",
                    "waitlisted": "This booking has no seat (it is on the waiting list)."}
        raise click.ClickException(messages[error.code]) from error
    click.echo(f"Checked in {format_reference(booking.reference)}: {booking.name}, "
               f"{booking.party} people.")


@bookings_group.command("purge")
@click.option("--days", type=click.IntRange(0, 3650),
              help="Days after the visit (default: BOOKING_RETENTION_DAYS).")
def purge(days: int | None) -> None:
    """Delete visitors' personal data a set number of days after their visit."""
    if days is None:
        days = int(current_app.config["BOOKING_RETENTION_DAYS"])
    count = bookings.purge(db.session(), days)
    click.echo(f"{count} bookings deleted (visits that ended more than {days} days ago).")
