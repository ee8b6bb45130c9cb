"""Associations publish figures: one typed into the form, or many in a CSV file. Both go
through the same checks and the same service as ``flask --app wsgi industry-statistics
import``; a file with any problem writes nothing and names each row and column at fault."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.i18n import current_language
from formulatrust.domain.industry_figures import COLUMNS, Problem, check_file
from formulatrust.industry import services
from formulatrust.industry.forms import FigureForm, UploadForm
from formulatrust.publishing.accounts import current_user, private, role_required, signed_in_user

bp = Blueprint("industry_publish", __name__)
NO_ASSOCIATION = _l("Your account belongs to no association, so it cannot publish figures "
                    "under any name. Ask an administrator to set its organisation.")
NO_FILE = _l("Choose a CSV file of figures to upload.")
TOO_LARGE = _l("The file is larger than 2 MB. Split it into smaller files.")
NOTHING_WRITTEN = _l("Nothing was written: correct the file and upload it again.")
DONE = _l("Published: %(created)s new figures, %(corrected)s corrected, %(unchanged)s "
          "unchanged.")
MAX_BYTES = 2 * 1024 * 1024


def render(figure_form: FigureForm | None = None, upload_form: UploadForm | None = None,
           problems: list[str] | None = None, status: int = 200, problem: str = ""):
    organisation = signed_in_user().organisation
    body = render_template(
        "industry/publish.html", figure_form=figure_form or FigureForm(formdata=None),
        upload_form=upload_form or UploadForm(formdata=None), problems=problems or [],
        problem=problem, columns=COLUMNS, done=done_message(),
        organisation=organisation, language=current_language())
    return private(current_app.make_response((body, status)))


def problem_texts(problems: list[Problem]) -> list[str]:
    """Each problem in the reader's language, row and column first."""
    chinese = current_language() == "zh"
    return [p.text_zh() if chinese else p.text_en() for p in problems]


COUNTS = ("created", "corrected", "unchanged")


def done(summary: services.Summary):
    counts = (len(summary.created), len(summary.corrected), summary.unchanged)
    shown: dict[str, Any] = dict(zip(COUNTS, counts, strict=True))
    return redirect(url_for("industry_publish.index", **shown), 303)


def done_message() -> str:
    """Say what the last release did (the counts come back in the address, numbers only)."""
    counts = {name: request.args.get(name, "") for name in COUNTS}
    if not all(text.isdecimal() and len(text) < 7 for text in counts.values()):
        return ""
    return str(DONE) % {name: int(text) for name, text in counts.items()}


def organisation_or_none():
    try:
        return services.publishing_organisation(current_user())
    except services.NoOrganisation:
        return None


@bp.route("/publish/industry-statistics", methods=["GET", "POST"])
@role_required()
def index():
    """The publisher's page: one figure by form, or a CSV upload."""
    if request.method == "GET":
        return render()
    form = FigureForm()
    organisation = organisation_or_none()
    if organisation is None:
        return render(figure_form=form, problem=str(NO_ASSOCIATION), status=403)
    figure = form.checked() if form.validate() else None
    if figure is None:
        return render(figure_form=form, status=400)
    summary = services.release(db.session(), current_user(), organisation, [figure], "form")
    return done(summary)


@bp.post("/publish/industry-statistics/upload")
@role_required()
def upload():
    """Check a whole CSV file; publish it only if every row is right."""
    form = UploadForm()
    organisation = organisation_or_none()
    if organisation is None:
        return render(upload_form=form, problem=str(NO_ASSOCIATION), status=403)
    if not form.validate():
        return render(upload_form=form, status=400)
    file = form.file.data
    data = file.read(MAX_BYTES + 1) if file else b""
    if not data:
        return render(upload_form=form, problem=str(NO_FILE), status=400)
    if len(data) > MAX_BYTES:
        return render(upload_form=form, problem=str(TOO_LARGE), status=413)
    checked = check_file(data)
    if checked.problems:
        return render(upload_form=form, problems=problem_texts(checked.problems),
                      problem=str(NOTHING_WRITTEN), status=400)
    summary = services.release(db.session(), current_user(), organisation, checked.figures,
                               "upload", filename=file.filename or "")
    return done(summary)
