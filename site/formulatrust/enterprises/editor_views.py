"""An enterprise's own replies, written in the browser by its editors.

Replies are the enterprise's own dated words beside its ratings, penalties and sampling results,
with the appeal status as the enterprise states it. Only the enterprise's editors write, change
or withdraw them; regulators record the official outcome of an appeal on the penalty itself
(its status), never inside the enterprise's reply. The text is plain and shown escaped.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import ValidationError

from formulatrust.core import db
from formulatrust.core.clock import today_in_shanghai
from formulatrust.enterprises import appeals
from formulatrust.enterprises import replies as replies_service
from formulatrust.enterprises.lookup import enterprise_id_of, get_enterprise
from formulatrust.enterprises.models import Enterprise, Reply
from formulatrust.publishing.accounts import private_page as page
from formulatrust.publishing.accounts import role_required, signed_in_user

bp = Blueprint("enterprise_admin", __name__, url_prefix="/publish/enterprises/<slug>")
REPLY_MAX = 4000
APPEAL_STATUSES = {"none": _l("No appeal"), "filed": _l("Appeal filed"),
                   "upheld": _l("Appeal decided: decision upheld"),
                   "overturned": _l("Appeal decided: decision overturned")}
# An enterprise says that it appealed; only a regulator records what the appeal decided.
ENTERPRISE_STATUSES = ("none", "filed")
OUTCOMES = ("upheld", "overturned")


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


def words(form: ReplyForm) -> dict[str, str]:
    """The reply as the form holds it, checked."""
    return {"body_zh": form.body_zh.data or "", "body_en": form.body_en.data or "",
            "appeal_status": form.appeal_status.data}


def get_target(enterprise: Enterprise, target: str, target_id: int):
    record = appeals.target_of(db.session(), enterprise, target, target_id)
    if record is None:
        abort(404)
    return record


def get_reply(enterprise: Enterprise, reply_id: int) -> Reply:
    reply = replies_service.reply_of(db.session(), enterprise, reply_id)
    if reply is None:
        abort(404)
    return reply


def public_url(enterprise: Enterprise, target: str, target_id: int) -> str:
    """Return where readers see the record and its replies."""
    if target == "result":
        return url_for("results.detail", result_id=target_id)
    anchor = "#rating-heading" if target == "rating" else "#record-heading"
    return url_for("enterprises.detail", slug=enterprise.slug) + anchor


@bp.get("/replies")
@role_required(owner=enterprise_id_of)
def replies(slug: str):
    """List the records the enterprise may answer, each with its replies."""
    enterprise = get_enterprise(slug)
    found = replies_service.answerable(db.session(), enterprise.id)
    return page(
        "enterprise_admin/replies.html", enterprise=enterprise, replies=found.replies,
        ratings=found.ratings, penalties=found.penalties, results=found.results,
        shown=replies_service.RESULTS_LISTED)


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
            appeals.file(db.session(), signed_in_user(), enterprise, target, target_id,
                         form.grounds_zh.data or "", form.grounds_en.data or "",
                         today_in_shanghai())
        except appeals.AppealError as error:
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
    replies_service.write(db.session(), signed_in_user(), enterprise, target, target_id,
                          words(form), today_in_shanghai())
    return redirect(context["public"], 303)


@bp.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def edit_reply(slug: str, reply_id: int):
    """Change a reply; it is dated again, and the audit log keeps the earlier words."""
    enterprise = get_enterprise(slug)
    reply = get_reply(enterprise, reply_id)
    form = reply_form(reply)
    public = public_url(enterprise, reply.target, reply.target_id)
    context = {"enterprise": enterprise, "target": reply.target, "reply": reply,
               "record": appeals.target_of(db.session(), enterprise, reply.target,
                                           reply.target_id),
               "public": public}
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return page("enterprise_admin/reply_form.html", status, form=form, **context)
    replies_service.change(db.session(), signed_in_user(), reply, words(form),
                           today_in_shanghai())
    return redirect(public, 303)


@bp.post("/replies/<int:reply_id>/withdraw")
@role_required(owner=enterprise_id_of)
def withdraw_reply(slug: str, reply_id: int):
    """Withdraw a reply: it leaves the public pages; the audit log keeps what it said."""
    enterprise = get_enterprise(slug)
    reply = get_reply(enterprise, reply_id)
    form = FlaskForm()
    if not form.validate():
        abort(400)
    replies_service.withdraw(db.session(), signed_in_user(), enterprise, reply)
    return redirect(url_for(".replies", slug=slug, withdrawn=1), 303)
