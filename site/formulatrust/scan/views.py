"""Scan a can: typed codes redirect to the canonical page; problem reports for regulators."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import DataRequired, Length, Optional

from formulatrust.core import db
from formulatrust.core.extensions import limiter
from formulatrust.core.i18n import current_language
from formulatrust.domain.gs1 import is_valid_gtin
from formulatrust.scan import batch_versions
from formulatrust.scan.gs1_messages import (
    malformed_qualifiers,
)
from formulatrust.scan.reports import (
    CATEGORIES,
    STATUS_MEANINGS,
    STATUSES,
    file_report,
    find_for_status,
    report_exists,
)
from formulatrust.scan.typed_codes import (
    MAX_CODE_LENGTH,
    CodeError,
    product_with_gtin,
    resolve_typed,
)

bp = Blueprint("scan", __name__, url_prefix="/scan")


@bp.get("")
def index():
    """Show the code form, or send a typed code to its page (303)."""
    code = request.args.get("code", "")
    if "code" not in request.args:
        return render_template("scan/index.html", code="", error=None)
    try:
        return redirect(resolve_typed(code), 303)
    except CodeError as error:
        return render_template("scan/index.html", code=code[:MAX_CODE_LENGTH],
                               error=str(error)), 400


class ReportForm(FlaskForm):
    """What happened, and an optional way to reach the reporter."""

    gtin = HiddenField()
    lot = HiddenField()
    serial = HiddenField()
    category = SelectField(_l("What is the problem?"),
                           choices=[SelectChoice("", _l("Choose one"))] + CATEGORIES,
                           validators=[DataRequired(_l("Choose what the problem is."))])
    description = TextAreaField(
        _l("What happened?"),
        validators=[DataRequired(_l("Describe what happened.")),
                    Length(min=10, max=2000,
                           message=_l("Write between 10 and 2,000 characters."))],
    )
    contact = StringField(
        _l("Phone or email (optional)"),
        validators=[Optional(), Length(max=100, message=_l("Use at most 100 characters."))],
    )


@bp.route("/report", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REPORT_RATE_LIMIT"], methods=["POST"])
def report():
    """Take a problem report about a can; regulators triage it."""
    form = ReportForm(request.form if request.method == "POST" else request.args)
    product = product_with_gtin(form.gtin.data or "")
    if product is None:
        abort(404)
    if (refusal := malformed_qualifiers(form.lot.data, form.serial.data)) is not None:
        return refusal
    if request.method == "POST" and form.validate():
        reference = file_report(product.gtin, form.lot.data or "", form.serial.data or "",
                                form.category.data, form.description.data or "",
                                form.contact.data or "")
        return redirect(url_for("scan.report_received", reference=reference), 303)
    status = 400 if request.method == "POST" else 200
    response = render_template("scan/report.html", form=form, product=product)
    return response, status, {"Cache-Control": "private, no-store"}


@bp.get("/report/<reference>")
def report_received(reference: str):
    """Confirm a report without showing anything the reporter sent."""
    if not report_exists(reference):
        abort(404)
    return render_template("scan/report_received.html", reference=reference)


@bp.get("/history/01/<gtin>/10/<path:lot>")
def batch_history(gtin: str, lot: str):
    """Show every version of a batch's trace record and what each correction changed."""
    if (refusal := malformed_qualifiers(lot=lot)) is not None:
        return refusal
    if not is_valid_gtin(gtin):
        abort(404)
    history = batch_versions.batch_history(gtin, lot, current_language())
    if history is None:
        abort(404)
    return render_template("scan/history.html", batch=history.batch,
                           product=history.batch.product, versions=history.versions,
                           changes=history.changes)


class ReportStatusForm(FlaskForm):
    """The reference of a report and the last four characters of the contact given with it."""

    reference = StringField(_l("Reference"), validators=[
        DataRequired(_l("Enter the reference you were given, like 3FA9C2D1."))],
        render_kw={"autocomplete": "off", "spellcheck": "false"})
    last_four = StringField(_l("Last four characters of the phone or email you gave"),
                            validators=[Length(max=4, message=_l("Enter at most 4 characters."))],
                            render_kw={"autocomplete": "off", "spellcheck": "false"})


@bp.route("/report/status", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REPORT_STATUS_RATE_LIMIT"], methods=["POST"])
def report_status():
    """Tell a reporter where their report stands (its status only, nothing it said)."""
    form = ReportStatusForm()
    found, status = None, 200
    if request.method == "POST":
        if form.validate():
            found = find_for_status(db.session(), form.reference.data or "",
                                    form.last_four.data or "")
            if found is None:
                form.reference.errors = [*form.reference.errors, _(
                    "No report matches this reference and these four characters.")]
        if found is None:
            status = 400
    page = render_template("scan/report_status.html", form=form, report=found,
                           statuses=STATUSES, meanings=STATUS_MEANINGS)
    return page, status, {"Cache-Control": "private, no-store"}
