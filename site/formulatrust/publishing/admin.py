"""The regulators' report queue and the administrators' audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired

from formulatrust.core import db
from formulatrust.core.errors import render_error
from formulatrust.core.paging import Page, page_count
from formulatrust.domain.booking import mask_phone
from formulatrust.publishing import report_queue
from formulatrust.publishing.accounts import private, role_required, signed_in_user
from formulatrust.scan.models import ProblemReport
from formulatrust.scan.reports import CATEGORIES, STATUSES, TRANSITIONS

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
CLOSED_MESSAGE = _l("This report is closed; its status can no longer change.")
CATEGORY_NAMES = {choice.value: choice.label for choice in CATEGORIES}


def mask_contact(contact: str) -> str:
    """Hide most of a contact: ``a***@example.com``, ``138****1234``."""
    contact = contact.strip()
    if "@" in contact:
        local, _, domain = contact.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(contact)


@bp.app_template_filter("admin_time")
def admin_time(moment) -> str:
    """Show a stored UTC time in Shanghai time, in the reader's language."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm") if moment else ""


@bp.app_template_filter("audit_json")
def audit_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True)


@bp.app_context_processor
def helpers() -> dict:
    return {"status_name": lambda status: STATUSES.get(status, status),
            "category_name": lambda value: CATEGORY_NAMES.get(value, value)}


@dataclass(frozen=True)
class Filters:
    """The report queue's filters, as they appear in the URL."""

    status: str = ""
    page: int = 1

    def as_args(self, **changes) -> dict:
        values = {"status": self.status, "page": self.page, **changes}
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


def paginate(query, count_query, page: int) -> Page:
    total = db.session().scalar(count_query) or 0
    pages = page_count(total, PER_PAGE)
    page = min(page, pages)
    items = list(db.session().scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return Page(items=items, total=total, page=page, pages=pages)


def page_number() -> int:
    text = request.args.get("page", "1")
    if not text.isdigit() or not 1 <= int(text) <= 100000:
        abort(400)
    return int(text)


@bp.get("/reports")
@role_required()
def reports():
    """List problem reports, newest first, filtered by status."""
    filters = Filters(status=request.args.get("status", ""), page=page_number())
    if filters.status and filters.status not in STATUSES:
        abort(400)
    query, count = report_queue.reports_query(filters.status)
    counts = report_queue.counts_by_status()
    return private(current_app.make_response(render_template(
        "admin/reports.html", page=paginate(query, count, filters.page), filters=filters,
        counts=counts, statuses=STATUSES)))


class StatusForm(FlaskForm):
    """Move a report on in the queue."""

    status = SelectField(_l("New status"), choices=[],
                         validators=[DataRequired(_l("Choose the new status."))])


def status_form(report: ProblemReport, formdata=None) -> StatusForm:
    form = StatusForm(formdata=formdata)
    form.status.choices = [(value, STATUSES[value]) for value in TRANSITIONS[report.status]]
    return form


def get_report(report_id: int) -> ProblemReport:
    report = db.session().get(ProblemReport, report_id)
    if report is None:
        abort(404)
    return report


def render_report(report: ProblemReport, form: StatusForm, status: int = 200):
    show_contact = signed_in_user().role == "regulator"
    history = report_queue.history(report)
    contact = report.contact if show_contact else mask_contact(report.contact)
    body = render_template("admin/report.html", report=report, form=form, contact=contact,
                           contact_masked=not show_contact, history=history)
    return private(current_app.make_response((body, status)))


@bp.get("/reports/<int:report_id>")
@role_required()
def report(report_id: int):
    """Show one report; the reporter's contact only to regulators."""
    found = get_report(report_id)
    return render_report(found, status_form(found))


@bp.post("/reports/<int:report_id>/status")
@role_required()
def report_status(report_id: int):
    """Move a report to its next status, recording who did it."""
    found = get_report(report_id)
    old = found.status
    if not TRANSITIONS.get(old):
        return private(render_error(400, str(CLOSED_MESSAGE)))
    form = status_form(found, request.form)
    if not form.validate():
        return render_report(found, form, 400)
    if not report_queue.move_report(signed_in_user(), found, old, form.status.data):
        form = status_form(found)
        form.status.errors = [_l("Someone else changed this report's status. Check it again.")]
        return render_report(found, form, 409)
    return redirect(url_for("admin.report", report_id=found.id), 303)


@bp.get("/audit", endpoint="audit")
@role_required()
def audit_log():
    """The audit log, newest first; read-only."""
    page = paginate(*report_queue.audit_log_query(), page_number())
    return private(current_app.make_response(render_template(
        "admin/audit.html", page=page, filters=Filters(page=page.page))))
