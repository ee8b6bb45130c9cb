"""Scan a can: typed codes redirect to the canonical page; problem reports for regulators."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import DataRequired, Length, Optional

from formulatrust.core import db, signing
from formulatrust.core.extensions import limiter
from formulatrust.core.i18n import current_language
from formulatrust.domain.batch_history import differences
from formulatrust.domain.gs1 import DigitalLink, Gs1Error, is_valid_gtin, parse_scan
from formulatrust.domain.shortcode import ShortCodeError, normalise
from formulatrust.enterprises.models import Product
from formulatrust.scan import trace_import
from formulatrust.scan.gs1_messages import (
    SHORT_CODE_MESSAGES,
    gs1_message,
    malformed_qualifiers,
)
from formulatrust.scan.models import Batch, ProblemReport
from formulatrust.scan.reports import CATEGORIES, STATUS_MEANINGS, STATUSES, find_for_status

bp = Blueprint("scan", __name__, url_prefix="/scan")
MAX_CODE_LENGTH = 200
SHORT_CODE_CHARS = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U")


class CodeError(ValueError):
    """A typed code that cannot be used, with the message to show."""


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


def resolve_typed(text: str) -> str:
    """Return the canonical path for what a person typed or pasted."""
    text = text.strip()
    if not text:
        raise CodeError(_l("Enter the code printed on the can."))
    if len(text) > MAX_CODE_LENGTH:
        raise CodeError(_l("That is too long to be a code from a can."))
    compact = normalise(text)
    if looks_like_short_code(compact):
        return short_code_path(compact)
    try:
        return parse_scan(compact if compact.isdigit() else text).path()
    except Gs1Error as error:
        raise CodeError(gs1_message(error.code, error.part)) from error


def looks_like_short_code(compact: str) -> bool:
    """Tell a short code (letters and digits, 12–16 long, not a GTIN) from other codes."""
    return (12 <= len(compact) <= 16 and set(compact) <= SHORT_CODE_CHARS
            and not (compact.isdigit() and is_valid_gtin(compact)))


def short_code_path(compact: str) -> str:
    """Return the can page a short code names, or raise CodeError saying what is wrong."""
    try:
        can = signing.short_codes().read(compact)
    except ShortCodeError as error:
        raise CodeError(SHORT_CODE_MESSAGES[error.code]) from error
    batch = db.session().get(Batch, can.batch_id)
    if batch is None or can.counter >= batch.issued_count:
        raise CodeError(SHORT_CODE_MESSAGES["forged"])
    product = db.session().get_one(Product, batch.product_id)
    serial = signing.signer().issue(product.gtin, batch.lot, can.counter)
    return DigitalLink(product.gtin, lot=batch.lot, serial=serial).path()




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


def product_with_gtin(gtin: str) -> Product | None:
    if not is_valid_gtin(gtin):
        return None
    return db.session().scalar(select(Product).where(Product.gtin == gtin))


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
        reference = secrets.token_hex(4).upper()
        with db.transaction() as session:
            session.add(ProblemReport(
                reference=reference, gtin=product.gtin, lot=(form.lot.data or "")[:20],
                serial=(form.serial.data or "")[:20], category=form.category.data,
                description=(form.description.data or "").strip(), contact=form.contact.data or ""))
        return redirect(url_for("scan.report_received", reference=reference), 303)
    status = 400 if request.method == "POST" else 200
    response = render_template("scan/report.html", form=form, product=product)
    return response, status, {"Cache-Control": "private, no-store"}


@bp.get("/report/<reference>")
def report_received(reference: str):
    """Confirm a report without showing anything the reporter sent."""
    found = db.session().scalar(select(ProblemReport.id).where(
        ProblemReport.reference == reference[:16]))
    if found is None:
        abort(404)
    return render_template("scan/report_received.html", reference=reference)


@bp.get("/history/01/<gtin>/10/<path:lot>")
def batch_history(gtin: str, lot: str):
    """Show every version of a batch's trace record and what each correction changed."""
    if (refusal := malformed_qualifiers(lot=lot)) is not None:
        return refusal
    if not is_valid_gtin(gtin):
        abort(404)
    batch = db.session().scalar(
        select(Batch).join(Product).where(Product.gtin == gtin, Batch.lot == lot)
        .options(selectinload(Batch.revisions), selectinload(Batch.factory)))
    if batch is None:
        abort(404)
    versions: list[tuple[int, dict, datetime | None]] = [
        (revision.version, revision.data, revision.replaced_at)
                for revision in sorted(batch.revisions, key=lambda r: r.version)]
    versions.append((batch.version, trace_import.snapshot(batch), None))
    changes = [(newer, differences(older[1], newer[1], current_language()))
               for older, newer in zip(versions, versions[1:], strict=False)]
    return render_template("scan/history.html", batch=batch, product=batch.product,
                           versions=list(reversed(versions)), changes=list(reversed(changes)))


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
