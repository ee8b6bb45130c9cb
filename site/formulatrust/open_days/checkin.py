"""Checking visitors in at an open day: enterprise staff type or scan the ticket at the door.

The ticket's QR code holds the booking's "manage" URL; a scanner that types into the focused
field, or a pasted link, works as well as the typed reference. Names and phone numbers stay
masked: staff see enough to greet the party, not to keep their details.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now, utcnow
from formulatrust.domain.authz import ADMIN
from formulatrust.domain.booking import (
    BookingError,
    last_four_only,
    mask_name,
    reference_from_ticket,
)
from formulatrust.open_days import bookings, listing
from formulatrust.open_days.display import language_name, when
from formulatrust.open_days.models import Booking, OpenDay
from formulatrust.publishing.accounts import private, role_required, signed_in_user

bp = Blueprint("checkin", __name__)
LIST_DAYS = 7  # the index shows today's visits and the next week's
MESSAGES = {
    "reference_invalid": _l("Enter the 10-character booking reference from the ticket, like "
                            "ABCDE-12345, or scan the ticket's QR code."),
    "unknown": _l("No booking has this reference. Check it against the ticket."),
    "wrong_visit": _l("This ticket is for another visit, not this one. Check the date and time "
                      "on the ticket."),
    "already_checked_in": _l("This visitor is already checked in."),
    "cancelled": _l("This booking was cancelled, so it has no seat."),
    "waitlisted": _l("This booking is on the waiting list and has no seat."),
}
STATUS_NAMES = {"booked": _l("Expected"), "checked_in": _l("Checked in")}


@bp.context_processor
def helpers() -> dict:
    return {"when": when, "mask_name": mask_name, "last_four_only": last_four_only,
            "language_name": language_name,
            "status_name": lambda status: STATUS_NAMES.get(status, status)}


class CheckInForm(FlaskForm):
    """The ticket: its reference typed, or the link its QR code holds."""

    ticket = StringField(_l("Booking reference or ticket link"),
                         validators=[DataRequired(MESSAGES["reference_invalid"])],
                         render_kw={"autocomplete": "off", "spellcheck": "false",
                                    "autocapitalize": "characters", "autofocus": True})


@bp.get("/publish/check-in")
@role_required()
def index():
    """List the visits of this week that staff can check visitors in for, today's first."""
    user = signed_in_user()
    today = shanghai_now().replace(hour=0, minute=0, second=0, microsecond=0)
    # Compared in UTC: SQLite keeps only the wall time of what it is given.
    start, end = today.astimezone(UTC), (today + timedelta(days=LIST_DAYS)).astimezone(UTC)
    visits = listing.starting_between(db.session(), start, end,
                                      None if user.role == ADMIN else user.enterprise_id)
    tomorrow = today + timedelta(days=1)
    todays = [v for v in visits if v.starts < tomorrow]
    body = render_template("checkin/index.html", today=todays,
                           later=[v for v in visits if v.starts >= tomorrow],
                           show_enterprise=user.role == ADMIN)
    return private(current_app.make_response(body))


def visit_owner(visit_id: int) -> int | None:
    visit = db.session().get(OpenDay, visit_id)
    return visit.enterprise_id if visit is not None else None


@bp.route("/publish/open-days/<int:visit_id>/check-in", methods=["GET", "POST"])
@role_required(owner=visit_owner)
def visit(visit_id: int):
    """Check a visitor in by their ticket; list the visit's attendees."""
    session = db.session()
    found = session.get(OpenDay, visit_id)
    if found is None:
        abort(404)
    form = CheckInForm()
    arrived, status = None, 200
    if request.method == "POST":
        status = 400
        if form.validate():
            try:
                arrived = check_in(found, form.ticket.data or "")
                status = 200
                form = CheckInForm(formdata=None)  # an empty field for the next ticket
            except BookingError as error:
                form.ticket.errors = [MESSAGES.get(error.code, MESSAGES["unknown"])]
    people = bookings.attendees(session, found.id)
    body = render_template(
        "checkin/visit.html", visit=found, form=form, arrived=arrived, attendees=people,
        arrived_count=sum(b.party for b in people if b.status == "checked_in"),
        expected_count=sum(b.party for b in people),
        party=party_text)
    return private(current_app.make_response((body, status)))


def check_in(visit: OpenDay, typed: str) -> Booking:
    """Check in the booking on a ticket for ``visit``, with an audit entry; BookingError if not."""
    return bookings.check_in(db.session(), reference_from_ticket(typed), now=utcnow(),
                             visit_id=visit.id, user=signed_in_user())


def party_text(booking: Booking) -> str:
    """Describe a party: "3 people (2 adults, 1 child)"."""
    people = ngettext("%(num)d person", "%(num)d people", booking.party)
    adults = ngettext("%(num)d adult", "%(num)d adults", booking.adults)
    if not booking.children:
        return _("%(people)s (%(adults)s)", people=people, adults=adults)
    children = ngettext("%(num)d child", "%(num)d children", booking.children)
    return _("%(people)s (%(adults)s, %(children)s)", people=people, adults=adults,
             children=children)
