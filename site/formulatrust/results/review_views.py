"""The regulators' review queue in the browser: confirm or decline what the site proposes."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import DataRequired

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.enterprises import assessment
from formulatrust.publishing.accounts import private_page, role_required, signed_in_user
from formulatrust.publishing.decisions import record_decision
from formulatrust.results import review
from formulatrust.results.models import ReviewProposal

bp = Blueprint("review", __name__, url_prefix="/publish/review")
RECENT = 20
MESSAGES = {"decided": _l("This proposal was already decided."),
            "reason": _l("Give the reason in at least %(min)d characters.",
                         min=review.MIN_REASON)}


class DecisionForm(FlaskForm):
    """Confirm or decline one proposal, with the reason kept on record."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("confirm", _l("Confirm: list the product")),
        SelectChoice("decline", _l("Decline"))],
        validators=[DataRequired(_l("Choose confirm or decline."))])
    reason = TextAreaField(_l("Reason (kept on record and shown with the listing)"),
                           render_kw={"rows": 3})


class ReassessmentForm(DecisionForm):
    """Confirm (re-assess the rating now, by the published rules) or decline, with a reason."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("confirm", _l("Confirm: re-assess the rating now")),
        SelectChoice("decline", _l("Decline"))],
        validators=[DataRequired(_l("Choose confirm or decline."))])


def decision_form(proposal: ReviewProposal, formdata=None) -> DecisionForm:
    kind = ReassessmentForm if proposal.kind == review.REASSESSMENT else DecisionForm
    return kind(formdata=formdata, prefix=f"p{proposal.id}")


def page(status: int = 200, forms: dict | None = None):
    session = db.session()
    waiting = review.pending(session)
    decided = review.recently_decided(session, RECENT)
    forms = forms or {}
    for proposal in waiting:
        forms.setdefault(proposal.id, decision_form(proposal))
    today = shanghai_now().date()
    previews = {proposal.id: assessment.preview(session, proposal.enterprise, today)
                for proposal in waiting if proposal.kind == review.REASSESSMENT}
    return private_page("publish/review.html", status, waiting=waiting, decided=decided,
                        forms=forms, previews=previews,
                        may_decide=signed_in_user().role == "regulator")


@bp.get("")
@role_required()
def index():
    """List the proposals waiting for a regulator, and recent decisions."""
    return page()


@bp.post("/<int:proposal_id>")
@role_required()
def decide(proposal_id: int):
    """Record a regulator's decision on one proposal."""
    session = db.session()
    proposal = session.get(ReviewProposal, proposal_id)
    if proposal is None:
        abort(404)
    form = decision_form(proposal, request.form)
    if record_decision(form, lambda: review.decide(
            session, signed_in_user(), proposal, form.decision.data == "confirm",
            form.reason.data or "", shanghai_now().date()),
            review.ReviewError, MESSAGES, form.reason):
        return redirect(url_for(".index"), 303)
    return page(400, {proposal_id: form})
