"""An enterprise's own open days and replies, edited in the browser by its editors.

Open days: list, create and edit visits and download the attendee list (masked as in the
``open-days attendees`` command); the rules are ``formulatrust.open_days_admin``, shared with
the CLI. Administrators may do the same for any enterprise. There is no "cancel a visit": the
model has no state for a cancelled visit, and deleting one would drop its bookings unannounced.

Replies: the enterprise's own dated words beside its ratings, penalties and sampling results,
with the appeal status as the enterprise states it. Only the enterprise's editors write, change
or withdraw them; regulators record the official outcome of an appeal on the penalty itself
(its status), never inside the enterprise's reply. The text is plain and shown escaped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from formulatrust import audit, db, open_days_admin
from formulatrust.accounts import current_user, private, role_required
from formulatrust.i18n import current_language
from formulatrust.models import Enterprise, Rating, SamplingResult
from formulatrust.models_integrity import Penalty, Reply
from formulatrust.models_open_days import OpenDay
from formulatrust.open_days_admin import VisitProblems, shanghai_text
from formulatrust.views.downloads import csv_response
from formulatrust.views.open_days import LANGUAGE_NAMES, when

bp = Blueprint("enterprise_admin", __name__, url_prefix="/publish/enterprises/<slug>")
SHANGHAI = ZoneInfo("Asia/Shanghai")
RESULTS_LISTED = 100
REPLY_MAX = 4000
APPEAL_STATUSES = {"none": _l("No appeal"), "filed": _l("Appeal filed"),
                   "upheld": _l("Appeal decided: decision upheld"),
                   "overturned": _l("Appeal decided: decision overturned")}
TARGETS = {"rating": Rating, "penalty": Penalty, "result": SamplingResult}
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


def enterprise_id_of(slug: str, **_ignored) -> int | None:
    """Return the id of the enterprise ``slug`` (the owner of every page here)."""
    return db.session().scalar(select(Enterprise.id).where(Enterprise.slug == slug))


def get_enterprise(slug: str) -> Enterprise:
    enterprise = db.session().scalar(select(Enterprise).where(Enterprise.slug == slug))
    if enterprise is None:
        abort(404)
    return enterprise


def page(template: str, status: int = 200, **context):
    return private(current_app.make_response((render_template(template, **context), status)))


@bp.context_processor
def helpers() -> dict:
    return {"when": when, "language_name": lambda code: LANGUAGE_NAMES.get(code, code),
            "appeal_name": lambda code: APPEAL_STATUSES.get(code, code)}


# --- open days -------------------------------------------------------------------------------


class VisitForm(FlaskForm):
    """A visit as typed; ``open_days_admin.clean`` checks it (the same rules as the CLI)."""

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
            **{name: getattr(visit, column) for name, column in open_days_admin.COLUMNS.items()},
            "starts": shanghai_text(visit.starts).replace(" ", "T"),
            "factory_id": str(visit.factory_id or ""),
            "min_age": "" if visit.min_age is None else str(visit.min_age)})
    else:
        form = VisitForm(formdata=None)
    name = "name_zh" if current_language() == "zh" else "name_en"
    form.factory_id.choices = [("", _("No particular factory"))] + [
        (str(f.id), getattr(f, name)) for f in open_days_admin.factories(db.session(),
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
    visits = db.session().scalars(select(OpenDay).where(OpenDay.enterprise_id == enterprise.id)
                                  .order_by(OpenDay.starts_at, OpenDay.id)).all()
    now = datetime.now(UTC)
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
            visit = open_days_admin.create_visit(db.session(), enterprise.id, form.values(),
                                                 user=current_user())
        except VisitProblems as error:
            db.session().rollback()
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
            open_days_admin.edit_visit(db.session(), visit, form.values(), user=current_user())
        except VisitProblems as error:
            db.session().rollback()
            visit = get_visit(enterprise, visit_id)
            form.show(error)
        else:
            return redirect(url_for(".open_days", slug=slug, saved=visit_id), 303)
    return page("enterprise_admin/visit_form.html", 400, form=form, enterprise=enterprise,
                visit=visit)


@bp.get("/open-days/<int:visit_id>/attendees.csv")
@role_required(owner=enterprise_id_of)
def attendees_csv(slug: str, visit_id: int):
    """Download the visit's bookings; phone numbers show only their last four digits."""
    enterprise = get_enterprise(slug)
    visit = get_visit(enterprise, visit_id)
    header, rows = open_days_admin.attendee_table(db.session(), visit.id)
    day = visit.starts.astimezone(SHANGHAI).strftime("%Y%m%d")
    response = csv_response(header, rows, f"attendees-{enterprise.slug}-{visit.id}-{day}.csv")
    for name in ("Access-Control-Allow-Origin", "Link"):  # personal data, not open data
        response.headers.pop(name, None)
    return private(response)


# --- replies ---------------------------------------------------------------------------------


class ReplyForm(FlaskForm):
    """The enterprise's reply: Chinese required, English optional, and its appeal status."""

    body_zh = TextAreaField(_l("Reply (Chinese)"), render_kw={"rows": 6, "lang": "zh-Hans"})
    body_en = TextAreaField(_l("Reply (English)"), render_kw={"rows": 6, "lang": "en"})
    appeal_status = SelectField(_l("Appeal status"), choices=[], validate_choice=False,
                                default="none")

    def validate_body_zh(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Enter the reply in Chinese."))
        if len(field.data) > REPLY_MAX:
            raise ValidationError(_l("Use at most %(max)d characters.", max=REPLY_MAX))

    def validate_body_en(self, field) -> None:
        field.data = (field.data or "").strip()
        if len(field.data) > REPLY_MAX:
            raise ValidationError(_l("Use at most %(max)d characters.", max=REPLY_MAX))

    def validate_appeal_status(self, field) -> None:
        if field.data not in APPEAL_STATUSES:
            raise ValidationError(_l("Choose one of the appeal statuses."))


def reply_form(reply: Reply | None = None) -> ReplyForm:
    if request.method == "POST":
        form = ReplyForm()
    elif reply is not None:
        form = ReplyForm(formdata=None, obj=reply)
    else:
        form = ReplyForm(formdata=None)
    form.appeal_status.choices = [(code, str(label)) for code, label in APPEAL_STATUSES.items()]
    return form


def get_target(enterprise: Enterprise, target: str, target_id: int):
    model = TARGETS.get(target)
    record = db.session().get(model, target_id) if model is not None else None
    if record is None or record.enterprise_id != enterprise.id:
        abort(404)
    return record


def get_reply(enterprise: Enterprise, reply_id: int) -> Reply:
    reply = db.session().get(Reply, reply_id)
    if reply is None or reply.enterprise_id != enterprise.id:
        abort(404)
    return reply


def public_url(enterprise: Enterprise, target: str, target_id: int) -> str:
    """Return where readers see the record and its replies."""
    if target == "result":
        return url_for("results.detail", result_id=target_id)
    anchor = "#rating-heading" if target == "rating" else "#record-heading"
    return url_for("enterprises.detail", slug=enterprise.slug) + anchor


def today_in_shanghai():
    return datetime.now(SHANGHAI).date()


@bp.get("/replies")
@role_required(owner=enterprise_id_of)
def replies(slug: str):
    """List the records the enterprise may answer, each with its replies."""
    enterprise = get_enterprise(slug)
    session = db.session()
    eid = enterprise.id
    by_target: dict[tuple[str, int], list[Reply]] = {}
    for reply in session.scalars(select(Reply).where(Reply.enterprise_id == eid)
                                 .order_by(Reply.replied_on.desc(), Reply.id.desc())):
        by_target.setdefault((reply.target, reply.target_id), []).append(reply)
    answered = [target_id for target, target_id in by_target if target == "result"]
    results = session.scalars(
        select(SamplingResult).where(SamplingResult.enterprise_id == eid, or_(
            SamplingResult.compliant.is_(False), SamplingResult.id.in_(answered or [-1])))
        .order_by(SamplingResult.announced_on.desc(), SamplingResult.id.desc())
        .limit(RESULTS_LISTED)).all()
    return page(
        "enterprise_admin/replies.html", enterprise=enterprise, replies=by_target,
        ratings=session.scalars(select(Rating).where(Rating.enterprise_id == eid)
                                .order_by(Rating.assessed_on.desc())).all(),
        penalties=session.scalars(select(Penalty).where(Penalty.enterprise_id == eid)
                                  .order_by(Penalty.decided_on.desc())).all(),
        results=results, shown=RESULTS_LISTED)


@bp.route("/replies/<target>/<int:target_id>/new", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def new_reply(slug: str, target: str, target_id: int):
    """Write a dated reply to one of the enterprise's ratings, penalties or results."""
    enterprise = get_enterprise(slug)
    record = get_target(enterprise, target, target_id)
    form = reply_form()
    context = {"enterprise": enterprise, "target": target, "record": record,
               "public": public_url(enterprise, target, target_id)}
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return page("enterprise_admin/reply_form.html", status, form=form, **context)
    session = db.session()
    reply = Reply(enterprise_id=enterprise.id, target=target, target_id=target_id,
                  body_zh=form.body_zh.data, body_en=form.body_en.data,
                  appeal_status=form.appeal_status.data, replied_on=today_in_shanghai())
    session.add(reply)
    session.flush()
    audit.record(session, current_user(), "create", "reply", reply.id, {
        "enterprise": enterprise.slug, "target": target, "target_id": target_id,
        "body_zh": reply.body_zh, "body_en": reply.body_en,
        "appeal_status": reply.appeal_status, "replied_on": reply.replied_on})
    session.commit()
    return redirect(context["public"], 303)


@bp.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def edit_reply(slug: str, reply_id: int):
    """Change a reply; it is dated again, and the audit log keeps the earlier words."""
    enterprise = get_enterprise(slug)
    reply = get_reply(enterprise, reply_id)
    form = reply_form(reply)
    context = {"enterprise": enterprise, "target": reply.target, "reply": reply,
               "record": db.session().get(TARGETS[reply.target], reply.target_id),
               "public": public_url(enterprise, reply.target, reply.target_id)}
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return page("enterprise_admin/reply_form.html", status, form=form, **context)
    session = db.session()
    fields = ("body_zh", "body_en", "appeal_status", "replied_on")
    before = {name: getattr(reply, name) for name in fields}
    after = {"body_zh": form.body_zh.data, "body_en": form.body_en.data,
             "appeal_status": form.appeal_status.data, "replied_on": today_in_shanghai()}
    for name, value in after.items():
        setattr(reply, name, value)
    changed = audit.changes(before, after)
    if changed:
        audit.record(session, current_user(), "change", "reply", reply.id, changed)
    session.commit()
    return redirect(context["public"], 303)


@bp.post("/replies/<int:reply_id>/withdraw")
@role_required(owner=enterprise_id_of)
def withdraw_reply(slug: str, reply_id: int):
    """Withdraw a reply: it leaves the public pages; the audit log keeps what it said."""
    enterprise = get_enterprise(slug)
    reply = get_reply(enterprise, reply_id)
    form = FlaskForm()
    if not form.validate():
        abort(400)
    session = db.session()
    audit.record(session, current_user(), "delete", "reply", reply.id, {
        "enterprise": enterprise.slug, "target": reply.target, "target_id": reply.target_id,
        "body_zh": reply.body_zh, "body_en": reply.body_en,
        "appeal_status": reply.appeal_status, "replied_on": reply.replied_on})
    session.delete(reply)
    session.commit()
    return redirect(url_for(".replies", slug=slug, withdrawn=1), 303)
