"""Publishing recalls and penalties from the browser: regulators publish a recall or a
penalty, and change a recall's lifecycle. Routes of the ``publish`` blueprint."""

from __future__ import annotations

from flask import (
    abort,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.i18n import current_language
from formulatrust.enterprises.rating_labels import STATUSES
from formulatrust.publishing import penalties, recall_service
from formulatrust.publishing.accounts import role_required, signed_in_user
from formulatrust.publishing.forms import (
    PENALTY_STATUSES,
    PenaltyForm,
    RecallForm,
    RecallLifecycleForm,
)
from formulatrust.publishing.views import bp, get_enterprise, page
from formulatrust.results import recall_changes
from formulatrust.results.models import RECALL_LEVELS, RECALL_STATUSES, Recall

# --- recalls and penalties ---------------------------------------------------------------------


def recall_form(formdata=None) -> RecallForm:
    form = recall_service.checked_against_records(RecallForm(formdata=formdata))
    products = recall_service.products_to_recall()
    name = "name_zh" if current_language() == "zh" else "name_en"
    form.product.choices = [("", _("Choose a product"))] + [
        (str(p.id), f"{getattr(p, name)} · {p.gtin}") for p in products]
    return form


@bp.route("/recalls/new", methods=["GET", "POST"], endpoint="recall")
@role_required()
def new_recall():
    """Publish a recall; provenance pages of the affected batches show it at once."""
    form = recall_form(request.form if request.method == "POST" else None)
    if request.method == "GET" or not form.validate():
        return page("publish/recall.html", 400 if request.method == "POST" else 200, form=form)
    recall = recall_service.publish_recall(signed_in_user(), form)
    return redirect(url_for("recalls.detail", recall_id=recall.id), 303)


RECALL_CHANGE_MESSAGES = {
    "reason": _l("Say why the recall is withdrawn, in at least 10 characters."),
    "status": _l("Choose a status."), "level": _l("Choose a level."),
    "quantity": _l("Enter a whole number, like 1200, or leave it empty."),
}


@bp.route("/recalls/<int:recall_id>/edit", methods=["GET", "POST"])
@role_required()
def edit_recall(recall_id: int):
    """Change a recall's level, status and quantities; every version stays public."""
    recall = db.session().get(Recall, recall_id)
    if recall is None:
        abort(404)
    form = RecallLifecycleForm(request.form if request.method == "POST" else None, data={
        "level": str(recall.level or ""), "status": recall.status,
        "status_reason": recall.status_reason,
        "quantity_affected": "" if recall.quantity_affected is None
        else str(recall.quantity_affected),
        "quantity_recovered": "" if recall.quantity_recovered is None
        else str(recall.quantity_recovered)})
    form.level.choices = [("", _("Not stated"))] + [
        (str(level), recall_changes.level_name(level)) for level in RECALL_LEVELS]
    form.status.choices = [(status, recall_changes.status_name(status))
                           for status in RECALL_STATUSES]
    if request.method == "POST" and form.validate():
        values = {"level": int(form.level.data) if form.level.data in ("1", "2", "3") else None,
                  "status": form.status.data, "status_reason": form.status_reason.data,
                  "quantity_affected": form.quantity(form.quantity_affected),
                  "quantity_recovered": form.quantity(form.quantity_recovered)}
        try:
            recall_service.change_recall(signed_in_user(), recall, values)
        except recall_service.RecallChangeError as error:
            field = "status_reason" if error.code == "reason" else (
                "quantity_affected" if error.code == "quantity" else error.code)
            form[field].errors = [*form[field].errors, RECALL_CHANGE_MESSAGES[error.code]]
        else:
            return redirect(url_for("recalls.detail", recall_id=recall.id), 303)
    status = 400 if request.method == "POST" else 200
    return page("publish/recall_edit.html", status, form=form, recall=recall)


def penalty_form(formdata=None) -> PenaltyForm:
    form = PenaltyForm(formdata=formdata)
    enterprises = penalties.enterprises_to_penalise()
    name = "name_zh" if current_language() == "zh" else "name_en"
    form.enterprise.choices = [("", _("Choose an enterprise"))] + [
        (e.slug, getattr(e, name)) for e in enterprises]
    form.status.choices = [(status, STATUSES[status]) for status in PENALTY_STATUSES]
    return form


@bp.route("/penalties/new", methods=["GET", "POST"], endpoint="penalty")
@role_required()
def new_penalty():
    """Publish an administrative penalty on an enterprise's integrity file."""
    form = penalty_form(request.form if request.method == "POST" else None)
    if request.method == "GET" or not form.validate():
        return page("publish/penalty.html", 400 if request.method == "POST" else 200, form=form)
    enterprise = get_enterprise(form.enterprise.data)
    values = {name: getattr(form, name).data for name in (
        "decision_no", "decided_on", "facts_zh", "facts_en", "legal_basis",
        "suspended_production", "status", "publish_until", "source_url")}
    values["amount_yuan"] = form.amount
    penalties.publish_penalty(signed_in_user(), enterprise, values)
    return redirect(url_for("enterprises.detail", slug=enterprise.slug) + "#record-heading",
                    303)
