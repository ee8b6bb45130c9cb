"""Appeals waiting for a regulator: decide each with its outcome and a reason."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import DataRequired

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.enterprises import appeals
from formulatrust.enterprises.models import Appeal
from formulatrust.publishing.accounts import private_page, role_required, signed_in_user
from formulatrust.publishing.decisions import record_decision

bp = Blueprint("appeals", __name__, url_prefix="/publish/appeals")
OUTCOME_NAMES = {"upheld": _l("Upheld: the original decision stands"),
                 "partly": _l("Partly upheld"),
                 "overturned": _l("Overturned: the original decision is set aside")}
TARGET_NAMES = {"result": _l("Sampling result"), "penalty": _l("Penalty"),
                "rating": _l("Rating")}


@bp.app_template_global()
def appeal_outcome_name(status: str) -> str:
    """Return an appeal's outcome in the reader's language."""
    return str(OUTCOME_NAMES.get(status, status))


@bp.app_template_global()
def appeal_target_name(target: str) -> str:
    """Return the kind of record an appeal is against, in the reader's language."""
    return str(TARGET_NAMES.get(target, target))


MESSAGES = {"decided": _l("This appeal was already decided."),
            "outcome": _l("Choose the outcome."),
            "reason": _l("Give the reason in Chinese, in at least 10 characters.")}


class DecisionForm(FlaskForm):
    """A regulator's decision on one appeal."""

    outcome = RadioField(_l("Outcome"), choices=[
        SelectChoice(code, label) for code, label in OUTCOME_NAMES.items()],
        validators=[DataRequired(_l("Choose the outcome."))])
    reason_zh = TextAreaField(_l("Reason (Chinese)"), render_kw={"rows": 3, "lang": "zh-Hans"})
    reason_en = TextAreaField(_l("Reason (English, optional)"),
                              render_kw={"rows": 3, "lang": "en"})


def page(status: int = 200, forms: dict | None = None):
    session = db.session()
    waiting = appeals.waiting(session)
    forms = forms or {}
    for appeal in waiting:
        forms.setdefault(appeal.id, DecisionForm(formdata=None, prefix=f"a{appeal.id}"))
    return private_page("publish/appeals.html", status, waiting=waiting, forms=forms,
                        may_decide=signed_in_user().role == "regulator")


@bp.get("")
@role_required()
def index():
    """List the appeals waiting for a decision."""
    return page()


@bp.post("/<int:appeal_id>")
@role_required()
def decide(appeal_id: int):
    """Record a regulator's decision on an appeal."""
    session = db.session()
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        abort(404)
    form = DecisionForm(request.form, prefix=f"a{appeal_id}")
    if record_decision(form, lambda: appeals.decide(
            session, signed_in_user(), appeal, form.outcome.data, form.reason_zh.data or "",
            form.reason_en.data or "", shanghai_now().date()),
            appeals.AppealError, MESSAGES, form.reason_zh):
        return redirect(url_for(".index"), 303)
    return page(400, {appeal_id: form})
