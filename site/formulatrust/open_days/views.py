"""Open days: upcoming factory visits, booking, tickets, and managing a booking."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import Email, Length, Optional, ValidationError

from formulatrust.core import db
from formulatrust.core.clock import SHANGHAI, utcnow
from formulatrust.core.extensions import csrf, limiter
from formulatrust.core.i18n import current_language, localized
from formulatrust.domain.booking import (
    MAX_PARTY,
    BookingError,
    booking_open,
    clean_name,
    format_reference,
    mask_phone,
    matches_last_four,
    month_key,
    normalise_phone,
    normalise_reference,
    parse_month,
    party_size,
)
from formulatrust.domain.calendar import CalendarEvent, ics_calendar
from formulatrust.domain.labels import qr_svg
from formulatrust.enterprises import lookup
from formulatrust.open_days import bookings, listing
from formulatrust.open_days.display import language_name, when
from formulatrust.open_days.models import Booking, OpenDay

bp = Blueprint("open_days", __name__, url_prefix="/open-days")
SESSION_KEY = "open_day_bookings"  # references this browser booked or looked up
REMEMBERED = 10
PRIVATE = {"Cache-Control": "private, no-store"}
MESSAGES = {
    "name_missing": _l("Enter your name."),
    "name_too_long": _l("Use at most 50 characters for your name."),
    "phone_missing": _l("Enter your mobile number."),
    "phone_invalid": _l("Enter a mainland China mobile number of 11 digits, like 138 0013 8000."),
    "not_a_number": _l("Enter a whole number, like 2."),
    "no_adult": _l("Book for at least one adult: children must come with an adult."),
    "party_too_small": _l("Book for at least one adult: children must come with an adult."),
    "party_too_large": _l("A booking is for at most 5 people, children included."),
    "full": _l("This visit and its waiting list are full. Choose another visit."),
    "past": _l("This visit has started or is over, so it can no longer be booked."),
    "cancelled": _l("The enterprise has cancelled this visit, so it can no longer be booked."),
    "unknown": _l("This visit is no longer on record."),
    "stale": _l("The form had expired. Check your details and send it again."),
    "reference_invalid": _l("Enter the 10-character booking reference, like ABCDE-12345."),
    "no_match": _l("No booking matches that reference and phone number. Check both and try "
                   "again."),
    "last_four": _l("Enter the last 4 digits of the mobile number you booked with."),
    "not_active": _l("This booking is already cancelled or used."),
}


@bp.context_processor
def helpers() -> dict:
    return {"when": when, "language_name": language_name,
            "format_reference": format_reference, "mask_phone": mask_phone,
            "booking_open": lambda visit: booking_open(visit.starts, utcnow())}


# --- the list, a visit, the feed ------------------------------------------------------------


@bp.get("")
def index():
    """List upcoming visits, filterable by month and enterprise."""
    session = db.session()
    upcoming = listing.upcoming(session, utcnow())
    months = sorted({month_key(v.starts.astimezone(SHANGHAI).date()) for v in upcoming})
    enterprises = listing.hosts(session, upcoming)
    month = request.args.get("month", "")
    slug = request.args.get("enterprise", "")
    problem = None
    visits = upcoming
    if month:
        try:
            parse_month(month)
            visits = [v for v in visits
                      if month_key(v.starts.astimezone(SHANGHAI).date()) == month]
        except BookingError:
            problem = _("Choose a month from the list.")
    if slug:
        chosen = next((e for e in enterprises if e.slug == slug), None)
        if chosen is None and lookup.by_slug(session, slug) is None:
            problem = _("Choose an enterprise from the list.")
        visits = [v for v in visits if chosen is not None and v.enterprise_id == chosen.id]
    status = 400 if problem else 200
    return render_template("open_days/index.html", visits=[] if problem else visits,
                           months=months, enterprises=enterprises, month=month, slug=slug,
                           problem=problem, any_upcoming=bool(upcoming)), status


def get_visit(visit_id: int) -> OpenDay:
    visit = db.session().get(OpenDay, visit_id)
    if visit is None:
        abort(404)
    return visit


@bp.get("/<int:visit_id>")
def visit(visit_id: int):
    """Show one visit with its seats left."""
    return render_template("open_days/visit.html", visit=get_visit(visit_id))


@bp.get("/feed.ics")
def feed():
    """Every visit from the last 30 days on, as an iCalendar feed."""
    since = utcnow() - timedelta(days=30)
    visits = listing.since(db.session(), since)
    events = [visit_event(v) for v in visits]
    return calendar_response(ics_calendar(events, _("Factory open days"), utcnow()), "open-days")


def visit_event(visit: OpenDay, summary: str | None = None, description: str = "",
                url: str | None = None, uid: str | None = None) -> CalendarEvent:
    """Return the visit as a calendar entry (the events calendar gives it the same UID)."""
    host = current_app.config["SITE_HOST"]
    return CalendarEvent(
        uid=uid or f"open-day-{visit.id}@{host}", starts_at=visit.starts, ends_at=visit.ends,
        status="CANCELLED" if visit.cancelled_at is not None else "CONFIRMED",
        summary=summary or _("Factory open day: %(name)s",
                             name=localized(visit.enterprise, "name")),
        location=localized(visit, "address"), description=description,
        url=url or f"https://{host}{url_for('open_days.visit', visit_id=visit.id)}")


def calendar_response(body: str, name: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{name}.ics"'})


# --- booking --------------------------------------------------------------------------------


class CleanedField(StringField):
    """A text field whose validator keeps the cleaned value beside the typed one."""

    clean: str


class NumberField(StringField):
    """A text field whose validator keeps the whole number it holds."""

    number: int


class BookingForm(FlaskForm):
    """Name, mobile number, party size, consent and, if wanted, an address for news of the
    waiting list: nothing else."""

    name = CleanedField(_l("Full name"), render_kw={"autocomplete": "name", "spellcheck": "false"})
    phone = CleanedField(_l("Mobile number"),
                         render_kw={"autocomplete": "tel", "inputmode": "tel", "type": "tel"})
    adults = NumberField(_l("Adults"), default="1", render_kw={"inputmode": "numeric"})
    children = NumberField(_l("Children"), default="0", render_kw={"inputmode": "numeric"})
    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[Optional(), Length(max=254, message=_l("Enter an e-mail address such as "
                                                           "name@example.cn.")),
                    Email(_l("Enter an e-mail address such as name@example.cn."),
                          check_deliverability=False)],
        render_kw={"autocomplete": "email"})
    consent = BooleanField(_l("I have read the privacy notice and agree to it"))

    # The cleaned values go beside the typed ones, so a form sent back shows what was typed.
    def validate_name(self, field) -> None:
        field.clean = checked(clean_name, field.data)

    def validate_phone(self, field) -> None:
        field.clean = checked(normalise_phone, field.data)

    def validate_adults(self, field) -> None:
        field.number = whole_number(field.data)

    def validate_children(self, field) -> None:
        field.number = whole_number(field.data or "0")
        adults = getattr(self.adults, "number", None)
        if adults is not None:
            checked(party_size, adults, field.number)

    def validate_consent(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Confirm that you have read the privacy notice."))


def checked(rule, *args):
    """Apply a domain rule; turn its BookingError into the field's message."""
    try:
        return rule(*args)
    except BookingError as error:
        raise ValidationError(MESSAGES[error.code]) from error


def whole_number(text: str) -> int:
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 2:
        raise ValidationError(MESSAGES["not_a_number"])
    return int(text)


def remember(reference: str) -> None:
    """Let this browser see the booking without typing the phone digits again."""
    known = [r for r in cookie.get(SESSION_KEY, []) if r != reference]
    cookie[SESSION_KEY] = [*known, reference][-REMEMBERED:]


@csrf.exempt  # checked in the view, so a stale form comes back with its input kept
@bp.route("/<int:visit_id>/book", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["BOOKING_RATE_LIMIT"], methods=["POST"])
def book(visit_id: int):
    """Take a booking (or a place on the waiting list) for a visit."""
    visit = get_visit(visit_id)
    form = BookingForm()
    problem = None
    if request.method == "POST":
        try:
            csrf.protect()
        except CSRFError:
            problem = "stale"
        if problem is None and form.validate():
            wanted = bookings.Request(form.name.clean, form.phone.clean,
                                        form.adults.number, form.children.number,
                                        (form.email.data or "").strip(), current_language())
            try:
                booking = bookings.book(db.session(), visit.id, wanted)
            except BookingError as error:
                problem = error.code
            else:
                remember(booking.reference)
                return redirect(url_for("open_days.booking", reference=booking.reference), 303)
        db.session().refresh(visit)
    status = 400 if request.method == "POST" else 200
    return render_template("open_days/book.html", visit=visit, form=form, max_party=MAX_PARTY,
                           problem=MESSAGES.get(problem) if problem else None,
                           retention_days=current_app.config["BOOKING_RETENTION_DAYS"]
                           ), status, PRIVATE


def owned_booking(reference: str) -> Booking | None:
    """Return the booking if this browser booked or unlocked it, else None."""
    if reference not in cookie.get(SESSION_KEY, []):
        return None
    return bookings.find(db.session(), reference)


@bp.get("/bookings/<reference>")
def booking(reference: str):
    """Confirmation and management page of a booking: reference, QR ticket, calendar, cancel."""
    found = owned_booking(reference)
    if found is None:
        return redirect(url_for("open_days.manage", reference=reference[:12]), 303)
    ticket_url = f"https://{current_app.config['SITE_HOST']}" + url_for(
        "open_days.manage", reference=found.reference)
    qr = Markup(qr_svg(ticket_url, 40, title=_("Ticket QR code for booking %(reference)s",
                                               reference=format_reference(found.reference))))
    return render_template("open_days/booking.html", booking=found, visit=found.visit, qr=qr,
                           cancelled=request.args.get("cancelled") == "1",
                           retention_days=current_app.config["BOOKING_RETENTION_DAYS"]
                           ), 200, PRIVATE


@bp.get("/bookings/<reference>/ticket.ics")
def ticket(reference: str):
    """The booking as a calendar entry."""
    found = owned_booking(reference)
    if found is None or found.status == "cancelled":
        abort(404)
    visit = found.visit
    description = ngettext("Booking reference %(reference)s, %(num)d person. Show the QR ticket "
                           "at the entrance.",
                           "Booking reference %(reference)s, %(num)d people. Show the QR ticket "
                           "at the entrance.", found.party,
                           reference=format_reference(found.reference))
    host = current_app.config["SITE_HOST"]
    url = f"https://{host}" + url_for("open_days.booking", reference=found.reference)
    # Its own UID: a calendar that also subscribes to the visit keeps both entries.
    event = visit_event(visit, description=description, url=url,
                        uid=f"open-day-{visit.id}-booking-{found.id}@{host}",
                        summary=_("Factory visit: %(name)s",
                                  name=localized(visit.enterprise, "name")))
    return calendar_response(ics_calendar([event], _("Factory open days"), utcnow()),
                             f"open-day-{found.reference}")


@bp.post("/bookings/<reference>/cancel")
@limiter.limit(lambda: current_app.config["BOOKING_LOOKUP_RATE_LIMIT"])
def cancel(reference: str):
    """Cancel a booking this browser owns; its seats go to the waiting list."""
    found = owned_booking(reference)
    if found is None:
        abort(404)
    try:
        bookings.cancel(db.session(), found.id)
    except BookingError as error:
        return render_error_page(MESSAGES.get(error.code, MESSAGES["not_active"]))
    return redirect(url_for("open_days.booking", reference=reference, cancelled=1), 303)


def render_error_page(message: str):
    from formulatrust.core.errors import render_error

    return render_error(400, str(message))


# --- manage a booking -----------------------------------------------------------------------


class ManageForm(FlaskForm):
    """Booking reference and the phone's last four digits."""

    reference = CleanedField(_l("Booking reference"),
                             render_kw={"autocomplete": "off", "spellcheck": "false",
                                        "autocapitalize": "characters"})
    last_four = StringField(_l("Last 4 digits of your mobile number"),
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})

    def validate_reference(self, field) -> None:
        field.clean = checked(normalise_reference, field.data)

    def validate_last_four(self, field) -> None:
        digits = "".join((field.data or "").split())
        if len(digits) != 4 or not digits.isdigit():
            raise ValidationError(MESSAGES["last_four"])


@bp.route("/manage", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["BOOKING_LOOKUP_RATE_LIMIT"], methods=["POST"])
def manage():
    """Find a booking by its reference and the last four digits of the phone."""
    form = ManageForm(request.form if request.method == "POST" else request.args)
    problem = None
    if request.method == "POST":
        if form.validate():
            found = bookings.find(db.session(), form.reference.clean)
            if found is not None and matches_last_four(found.phone, form.last_four.data or ""):
                remember(found.reference)
                return redirect(url_for("open_days.booking", reference=found.reference), 303)
            problem = MESSAGES["no_match"]
    status = 400 if request.method == "POST" else 200
    return render_template("open_days/manage.html", form=form, problem=problem), status, PRIVATE
