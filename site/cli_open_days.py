"""Enterprise-side commands for open days, and the purge of old bookings.

``flask --app wsgi open-days create|edit|attendees|checkin`` and ``bookings purge``.
"""

from __future__ import annotations

import csv
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust import bookings, db
from formulatrust.domain.booking import (
    BookingError,
    format_reference,
    last_four_only,
    reference_from_ticket,
)
from formulatrust.models import Enterprise, Factory
from formulatrust.models_open_days import Booking, OpenDay

SHANGHAI = ZoneInfo("Asia/Shanghai")
LANGUAGES = ("zh", "en", "zh+en")

open_days_group = AppGroup("open-days", help="Create and run factory open days.")
bookings_group = AppGroup("bookings", help="Look after visitors' booking data.")


def parse_start(text: str) -> datetime:
    """Read ``YYYY-MM-DD HH:MM`` as Shanghai time."""
    try:
        local = datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError as error:
        raise click.BadParameter("use YYYY-MM-DD HH:MM (Shanghai time)") from error
    return local.replace(tzinfo=SHANGHAI)


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


FIELDS = {"duration": "duration_minutes", "waitlist": "waitlist_capacity",
          "address_zh": "address_zh", "address_en": "address_en", "map_url": "map_url",
          "language": "language", "min_age": "min_age", "accessibility_zh": "accessibility_zh",
          "accessibility_en": "accessibility_en", "factory_id": "factory_id"}


def apply(visit: OpenDay, values: dict) -> None:
    for option, column in FIELDS.items():
        if values.get(option) is not None:
            setattr(visit, column, values[option])
    if values.get("starts"):
        visit.starts_at = parse_start(values["starts"])


def check_factory(session, enterprise_id: int, factory_id: int | None) -> None:
    if factory_id is None:
        return
    factory = session.get(Factory, factory_id)
    if factory is None or factory.enterprise_id != enterprise_id:
        raise click.ClickException(f"Factory {factory_id} does not belong to this enterprise.")


@open_days_group.command("create")
@click.option("--enterprise", "slug", required=True, help="Enterprise slug.")
@visit_options(create=True)
def create(slug: str, capacity: int, **values) -> None:
    """Schedule a new open day."""
    session = db.session()
    enterprise = session.scalar(select(Enterprise).where(Enterprise.slug == slug))
    if enterprise is None:
        raise click.ClickException(f"No enterprise with slug {slug!r}.")
    check_factory(session, enterprise.id, values.get("factory_id"))
    visit = OpenDay(enterprise_id=enterprise.id, capacity=capacity, seats_taken=0,
                    waitlist_taken=0, duration_minutes=90, waitlist_capacity=20,
                    language="zh", map_url="", accessibility_zh="", accessibility_en="")
    apply(visit, values)
    session.add(visit)
    session.commit()
    click.echo(f"Open day {visit.id} created.")


@open_days_group.command("edit")
@click.argument("visit_id", type=int)
@visit_options(create=False)
def edit(visit_id: int, capacity: int | None, **values) -> None:
    """Change an open day; a larger capacity moves people up from the waiting list."""
    session = db.session()
    visit = session.get(OpenDay, visit_id)
    if visit is None:
        raise click.ClickException(f"No open day {visit_id}.")
    check_factory(session, visit.enterprise_id, values.get("factory_id"))
    if values.get("waitlist") is not None and values["waitlist"] < visit.waitlist_taken:
        raise click.ClickException(
            f"{visit.waitlist_taken} people are already on the waiting list.")
    apply(visit, values)
    session.commit()
    if capacity is not None:
        try:
            promoted = bookings.resize(session, visit_id, capacity)
        except BookingError as error:
            message = f"Capacity cannot go below the {visit.seats_taken} seats already booked."
            raise click.ClickException(message) from error
        if promoted:
            click.echo(f"{len(promoted)} bookings moved up from the waiting list.")
    click.echo(f"Open day {visit_id} updated.")


@open_days_group.command("attendees")
@click.argument("visit_id", type=int)
@click.option("--csv", "csv_file", type=click.File("w", encoding="utf-8-sig"),
              help="Write the list to this CSV file instead.")
def attendees(visit_id: int, csv_file) -> None:
    """List a visit's bookings; phone numbers show only their last four digits."""
    session = db.session()
    if session.get(OpenDay, visit_id) is None:
        raise click.ClickException(f"No open day {visit_id}.")
    rows = session.scalars(select(Booking).where(Booking.visit_id == visit_id)
                           .order_by(Booking.created_at, Booking.id)).all()
    header = ["reference", "name", "phone", "adults", "children", "status"]
    table = [[format_reference(b.reference), b.name, last_four_only(b.phone), b.adults,
              b.children, b.status] for b in rows]
    if csv_file is not None:
        writer = csv.writer(csv_file)
        writer.writerow(header)
        writer.writerows(table)
        click.echo(f"{len(table)} bookings written.")
        return
    for row in table:
        click.echo("\t".join(str(cell) for cell in row))
    booked = sum(b.party for b in rows if b.status in ("booked", "checked_in"))
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
