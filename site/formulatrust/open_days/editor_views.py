"""An enterprise's own open days, edited in the browser by its editors.

List, create and edit visits and download the attendee list (masked as in the
``open-days attendees`` command); the rules are ``formulatrust.open_days.editing``, shared with
the CLI. Administrators may do the same for any enterprise. There is no "cancel a visit": the
model has no state for a cancelled visit, and deleting one would drop its bookings unannounced.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from formulatrust.core import db
from formulatrust.core.clock import SHANGHAI, utcnow
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import current_language
from formulatrust.domain.booking import BookingError
from formulatrust.enterprises.lookup import enterprise_id_of, get_enterprise
from formulatrust.enterprises.models import Enterprise
from formulatrust.open_data.downloads import csv_response
from formulatrust.open_days import bookings, editing, listing
from formulatrust.open_days.display import LANGUAGE_NAMES, language_name, when
from formulatrust.open_days.editing import VisitProblems, shanghai_text
from formulatrust.open_days.models import OpenDay
from formulatrust.publishing.accounts import current_user, private, role_required
from formulatrust.publishing.accounts import private_page as page

bp = Blueprint("open_days_editor", __name__, url_prefix="/publish/enterprises/<slug>")
VISIT_MESSAGES = {
    "start_missing": _l("Enter the date and time the visit starts."),
    "start_format": _l("Enter the start as YYYY-MM-DD HH:MM, like 2027-03-05 09:30 "
                       "(Shanghai time)."),
    "start_past": _l("The start must be in the future (Shanghai time)."),
    "not_a_number": _l("Enter a whole number, like 30."),
    "out_of_range": _l("Enter a whole number from %(low)d to %(high)d."),
    "address_zh_missing": _l("Enter the address in Chinese."),
    "too_long": _l("Use at most %(max)d characters."),
    "map_url": _l("Enter a web address starting with https:// or http://."),
    "language": _l("Choose the language of the visit."),
    "factory": _l("Choose one of your own factories, or none."),
    "capacity_below_taken": _l("Seats already booked: %(taken)d. The capacity cannot be lower "
                               "than that; visitors keep the seats they booked."),
    "waitlist_below_taken": _l("People already on the waiting list: %(taken)d. The waiting "
                               "list cannot be shorter than that."),
}


@bp.context_processor
def helpers() -> dict:
    return {"when": when, "language_name": language_name}


class VisitForm(FlaskForm):
    """A visit as typed; ``editing.clean`` checks it (the same rules as the CLI)."""

    starts = StringField(_l("Starts (Shanghai time)"),
                         render_kw={"type": "datetime-local", "autocomplete": "off"})
    duration = StringField(_l("Duration in minutes"), default="90",
                           render_kw={"inputmode": "numeric"})
    capacity = StringField(_l("Seats"), render_kw={"inputmode": "numeric"})
    waitlist = StringField(_l("Places on the waiting list"), default="20",
                           render_kw={"inputmode": "numeric"})
    factory_id = SelectField(_l("Factory"), choices=[], validate_choice=False)
    address_zh = TextAreaField(_l("Address (Chinese)"), render_kw={"rows": 2, "lang": "zh-Hans"})
    address_en = TextAreaField(_l("Address (English)"), render_kw={"rows": 2, "lang": "en"})
    map_url = StringField(_l("Map link"), render_kw={"type": "url", "spellcheck": "false"})
    language = SelectField(_l("Language of the visit"), choices=[], validate_choice=False,
                           default="zh")
    min_age = StringField(_l("Minimum age of visitors (years)"),
                          render_kw={"inputmode": "numeric"})
    accessibility_zh = TextAreaField(_l("Accessibility (Chinese)"),
                                     render_kw={"rows": 3, "lang": "zh-Hans"})
    accessibility_en = TextAreaField(_l("Accessibility (English)"),
                                     render_kw={"rows": 3, "lang": "en"})

    VALUES = ("starts", "duration", "capacity", "waitlist", "factory_id", "address_zh",
              "address_en", "map_url", "language", "min_age", "accessibility_zh",
              "accessibility_en")

    def values(self) -> dict:
        return {name: self[name].data for name in self.VALUES}

    def show(self, error: VisitProblems) -> None:
        """Put each problem under its field, in the page's language."""
        for problem in error.problems:
            message = VISIT_MESSAGES[problem.code] % problem.params if problem.params else \
                str(VISIT_MESSAGES[problem.code])
            self[problem.field].errors = [*self[problem.field].errors, message]


def visit_form(enterprise: Enterprise, visit: OpenDay | None = None) -> VisitForm:
    if request.method == "POST":
        form = VisitForm()
    elif visit is not None:
        form = VisitForm(formdata=None, data={
            **{name: getattr(visit, column) for name, column in editing.COLUMNS.items()},
            "starts": shanghai_text(visit.starts).replace(" ", "T"),
            "factory_id": str(visit.factory_id or ""),
            "min_age": "" if visit.min_age is None else str(visit.min_age)})
    else:
        form = VisitForm(formdata=None)
    name = "name_zh" if current_language() == "zh" else "name_en"
    form.factory_id.choices = [("", _("No particular factory"))] + [
        (str(f.id), getattr(f, name)) for f in editing.factories(db.session(),
                                                                         enterprise.id)]
    form.language.choices = [(code, str(label)) for code, label in LANGUAGE_NAMES.items()]
    return form


def get_visit(enterprise: Enterprise, visit_id: int) -> OpenDay:
    visit = db.session().get(OpenDay, visit_id)
    if visit is None or visit.enterprise_id != enterprise.id:
        abort(404)
    return visit


@bp.get("/open-days")
@role_required(owner=enterprise_id_of)
def open_days(slug: str):
    """List the enterprise's visits, upcoming first, with seats and waiting list."""
    enterprise = get_enterprise(slug)
    visits = listing.of_enterprise(db.session(), enterprise.id)
    now = utcnow()
    upcoming = [v for v in visits if v.starts > now]
    past = sorted((v for v in visits if v.starts <= now), key=lambda v: v.starts, reverse=True)
    saved = request.args.get("saved", "")
    saved_visit = next((v for v in visits if str(v.id) == saved), None)
    return page("enterprise_admin/open_days.html", enterprise=enterprise, upcoming=upcoming,
                past=past, saved=saved_visit)


@bp.route("/open-days/new", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def new_visit(slug: str):
    """Schedule a visit to one of the enterprise's factories."""
    enterprise = get_enterprise(slug)
    form = visit_form(enterprise)
    if request.method == "GET":
        return page("enterprise_admin/visit_form.html", form=form, enterprise=enterprise)
    if form.validate():
        try:
            visit = editing.create_visit(db.session(), enterprise.id, form.values(),
                                                 user=current_user())
        except VisitProblems as error:
            form.show(error)
        else:
            return redirect(url_for(".open_days", slug=slug, saved=visit.id), 303)
    return page("enterprise_admin/visit_form.html", 400, form=form, enterprise=enterprise)


@bp.route("/open-days/<int:visit_id>/edit", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def edit_visit(slug: str, visit_id: int):
    """Change a visit; a larger capacity moves waiting visitors up at once."""
    enterprise = get_enterprise(slug)
    visit = get_visit(enterprise, visit_id)
    form = visit_form(enterprise, visit)
    if request.method == "GET":
        return page("enterprise_admin/visit_form.html", form=form, enterprise=enterprise,
                    visit=visit)
    if form.validate():
        try:
            editing.edit_visit(db.session(), visit, form.values(), user=current_user())
        except VisitProblems as error:
            visit = get_visit(enterprise, visit_id)
            form.show(error)
        else:
            return redirect(url_for(".open_days", slug=slug, saved=visit_id), 303)
    return page("enterprise_admin/visit_form.html", 400, form=form, enterprise=enterprise,
                visit=visit)


CANCEL_REASON_MIN = 10
CANCEL_REASON_NEEDED = _l("Write why the visit is cancelled, in at least 10 characters: every "
                          "booker sees it. Nothing was changed.")
ALREADY_CANCELLED = _l("This visit is already cancelled. Nothing was changed.")


@bp.post("/open-days/<int:visit_id>/cancel")
@role_required(owner=enterprise_id_of)
def cancel_visit(slug: str, visit_id: int):
    """Cancel a whole visit with a reason every booker sees."""
    enterprise = get_enterprise(slug)
    visit = get_visit(enterprise, visit_id)
    reason = " ".join(request.form.get("reason", "").split())[:500]
    if len(reason) < CANCEL_REASON_MIN:
        return render_error(400, CANCEL_REASON_NEEDED)
    try:
        bookings.cancel_visit(db.session(), visit.id, reason, user=current_user())
    except BookingError:
        return render_error(409, ALREADY_CANCELLED)
    return redirect(url_for(".open_days", slug=slug, saved=visit_id), 303)


@bp.get("/open-days/<int:visit_id>/attendees.csv")
@role_required(owner=enterprise_id_of)
def attendees_csv(slug: str, visit_id: int):
    """Download the visit's bookings; phone numbers show only their last four digits."""
    enterprise = get_enterprise(slug)
    visit = get_visit(enterprise, visit_id)
    header, rows = editing.attendee_table(db.session(), visit.id)
    day = visit.starts.astimezone(SHANGHAI).strftime("%Y%m%d")
    response = csv_response(header, rows, f"attendees-{enterprise.slug}-{visit.id}-{day}.csv")
    for name in ("Access-Control-Allow-Origin", "Link"):  # personal data, not open data
        response.headers.pop(name, None)
    return private(response)
