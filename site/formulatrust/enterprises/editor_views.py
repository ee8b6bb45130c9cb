"""An enterprise's own replies, written in the browser by its editors.

Replies are the enterprise's own dated words beside its ratings, penalties and sampling results,
with the appeal status as the enterprise states it. Only the enterprise's editors write, change
or withdraw them; regulators record the official outcome of an appeal on the penalty itself
(its status), never inside the enterprise's reply. The text is plain and shown escaped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import SelectField, TextAreaField
from wtforms.validators import ValidationError

from formulatrust.core import db
from formulatrust.enterprises import appeals
from formulatrust.enterprises.lookup import enterprise_id_of, get_enterprise
from formulatrust.enterprises.models import Enterprise, Penalty, Rating, Reply
from formulatrust.publishing import audit
from formulatrust.publishing.accounts import current_user, private, role_required, signed_in_user
from formulatrust.results.models import SamplingResult

bp = Blueprint("enterprise_admin", __name__, url_prefix="/publish/enterprises/<slug>")
SHANGHAI = ZoneInfo("Asia/Shanghai")
RESULTS_LISTED = 100
REPLY_MAX = 4000
APPEAL_STATUSES = {"none": _l("No appeal"), "filed": _l("Appeal filed"),
                   "upheld": _l("Appeal decided: decision upheld"),
                   "overturned": _l("Appeal decided: decision overturned")}
# An enterprise says that it appealed; only a regulator records what the appeal decided.
ENTERPRISE_STATUSES = ("none", "filed")
OUTCOMES = ("upheld", "overturned")
TARGETS: dict[str, type[Any]] = {"rating": Rating, "penalty": Penalty, "result": SamplingResult}


def page(template: str, status: int = 200, **context):
    return private(current_app.make_response((render_template(template, **context), status)))


@bp.context_processor
def helpers() -> dict:
    return {"appeal_name": lambda code: APPEAL_STATUSES.get(code, code)}


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
        if field.data not in ENTERPRISE_STATUSES:
            raise ValidationError(_l("Choose one of the appeal statuses."))


def reply_form(reply: Reply | None = None) -> ReplyForm:
    if request.method == "POST":
        if request.form.get("appeal_status") in OUTCOMES:
            abort(403)  # the outcome of an appeal is the regulator's to record
        form = ReplyForm()
    elif reply is not None:
        form = ReplyForm(formdata=None, obj=reply)
    else:
        form = ReplyForm(formdata=None)
    form.appeal_status.choices = [(code, str(APPEAL_STATUSES[code]))
                                  for code in ENTERPRISE_STATUSES]
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


class AppealForm(FlaskForm):
    """The grounds of an appeal: Chinese required, English optional."""

    grounds_zh = TextAreaField(_l("Grounds of the appeal (Chinese)"),
                               render_kw={"rows": 6, "lang": "zh-Hans"})
    grounds_en = TextAreaField(_l("Grounds of the appeal (English, optional)"),
                               render_kw={"rows": 6, "lang": "en"})


APPEAL_MESSAGES = {
    "grounds": _l("Give the grounds of the appeal in Chinese, in at least 10 characters."),
    "pending": _l("An appeal against this record is already waiting for the regulator."),
    "target": _l("This record is not your enterprise's."),
}


@bp.route("/appeals/<target>/<int:target_id>/new", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def file_appeal(slug: str, target: str, target_id: int):
    """File an appeal against one of the enterprise's results, penalties or ratings; only a
    regulator decides it."""
    enterprise = get_enterprise(slug)
    record = appeals.target_of(db.session(), enterprise, target, target_id)
    if record is None:
        abort(404)
    form = AppealForm()
    context = {"enterprise": enterprise, "target": target, "record": record,
               "public": public_url(enterprise, target, target_id)}
    if request.method == "POST" and form.validate():
        try:
            with db.transaction() as session:
                appeals.file(session, signed_in_user(), enterprise, target, target_id,
                             form.grounds_zh.data or "", form.grounds_en.data or "",
                             today_in_shanghai())
        except appeals.AppealError as error:
            db.session().rollback()
            form.grounds_zh.errors = [*form.grounds_zh.errors, APPEAL_MESSAGES[error.code]]
        else:
            return redirect(url_for(".replies", slug=slug, saved="appeal"), 303)
    status = 400 if request.method == "POST" else 200
    return page("enterprise_admin/appeal_form.html", status, form=form, **context)


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
    context: dict[str, Any] = {
        "enterprise": enterprise, "target": reply.target, "reply": reply,
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
