"""Publishing from the browser: uploads, code issuance, recalls and penalties.

Uploads go through the same checks and all-or-nothing writes as the command-line imports
(``results import``, ``enterprises import``, ``trace import``, ``codes issue``); a bad file
writes nothing and the page lists every problem with its row or record and column or field.
Every change is saved together with its audit entry.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    request,
    send_file,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from formulatrust.core import db
from formulatrust.core.i18n import current_language
from formulatrust.domain import uploads
from formulatrust.domain.results_import import ImportFileError, parse_bytes
from formulatrust.domain.trace_format import parse_file
from formulatrust.enterprises import integrity_import
from formulatrust.enterprises.lookup import get_enterprise
from formulatrust.enterprises.models import Enterprise, Product
from formulatrust.publishing import code_issues, imports
from formulatrust.publishing.accounts import allowed, private, role_required, signed_in_user
from formulatrust.publishing.accounts import private_page as page
from formulatrust.publishing.forms import (
    MAX_CODES,
    CodesForm,
    UploadForm,
)
from formulatrust.scan.trace_import import TraceImportError

bp = Blueprint("publish", __name__, url_prefix="/publish")

PROBLEMS_SHOWN = 200
LOTS_LISTED = 200


@dataclass(frozen=True)
class Upload:
    """What one upload page accepts and how it names the places of problems."""

    endpoint: str
    title: object
    intro: object
    extensions: tuple[str, ...]
    where_heading: object
    field_heading: object


UPLOADS = {
    "results": Upload("publish.results", _l("Upload sampling results"),
                      _l("A results table as the regulator publishes it (.xlsx or .csv). The "
                         "header row decides the layout. Re-uploading a corrected table "
                         "updates the results and keeps the earlier versions."),
                      ("xlsx", "xlsm", "csv"), _l("Row"), _l("Column")),
    "records": Upload("publish.records", _l("Upload enterprise records"),
                      _l("Licences, certifications, penalties, inspections, standards, "
                         "ratings and replies for one or more enterprises, as a JSON file."),
                      ("json",), _l("Record"), _l("Field")),
    "trace": Upload("publish.trace", _l("Upload trace data"),
                    _l("Factories, products, batches, milk sources, release inspections and "
                       "serials as a JSON file. Every record must belong to this enterprise."),
                    ("json",), _l("Record"), _l("Field")),
    "serials": Upload("publish.serials", _l("Register serials"),
                      _l("A CSV list with the header gtin,lot,serial, one serial printed on a "
                         "can a row. Every batch must be this enterprise's and already on "
                         "record."),
                      ("csv",), _l("Row"), _l("Column")),
}


SECTION_NAMES = {"licences": _l("Licence events"), "certifications": _l("Certifications"),
                 "penalties": _l("Penalties"), "inspections": _l("Inspections"),
                 "standards": _l("Enterprise standards"), "ratings": _l("Ratings"),
                 "replies": _l("Replies")}
LAYOUT_NAMES = {"compliant": _l("table of compliant results"),
                "noncompliant": _l("table of non-compliant results"),
                "workbook": _l("workbook with one row per failed item")}
# The fields whose terms an import lists when they name no vocabulary entry.
TERM_FIELDS = {"failed_item": _l("Failed items"), "category": _l("Category"),
               "subcategory": _l("Subcategory"), "province": _l("Province")}


@dataclass(frozen=True)
class ProblemRow:
    """One line of the problem table: where, which column or field, and what is wrong."""

    where: str
    field: str
    message: str


@dataclass(frozen=True)
class _Whole:
    """A problem with the file as a whole (row 0), shaped like a results-table problem."""

    row: int
    column: str
    message_zh: str
    message_en: str


def _whole(error: ImportFileError) -> _Whole:
    return _Whole(0, "", error.message_zh, error.message_en)


TOO_DEEP = _Whole(0, "", "文件结构嵌套过深，无法读取", "the file is nested too deeply to read")


def problem_rows(problems) -> list[ProblemRow]:
    """Turn import problems (results, trace or records) into table rows in the page language."""
    zh = current_language() == "zh"
    rows = []
    for problem in problems:
        message = problem.message_zh if zh else problem.message_en
        if hasattr(problem, "row"):
            where = str(problem.row) if problem.row else _("whole file")
            rows.append(ProblemRow(where, problem.column or "—", message))
        else:
            rows.append(ProblemRow(problem.record, problem.field or "—", message))
    return rows


def enterprise_id_of(slug: str) -> int | None:
    """Return the id of the enterprise ``slug`` (the owner of an enterprise-scoped page)."""
    return db.session().scalar(select(Enterprise.id).where(Enterprise.slug == slug))


# --- the dashboard ---------------------------------------------------------------------------


@bp.get("")
@role_required()
def index():
    """List what the signed-in publisher may do here, and nothing else."""
    user = signed_in_user()
    enterprises: Sequence[Enterprise] = []
    if allowed("publish.trace") or allowed("publish.serials"):  # roles allowed everywhere
        enterprises = db.session().scalars(select(Enterprise).order_by(Enterprise.slug)).all()
    own = user.enterprise if user.role == "enterprise" else None
    return page("publish/index.html", user=user, own=own, enterprises=enterprises)


# --- uploads ---------------------------------------------------------------------------------


def receive(kind: str, enterprise: Enterprise | None = None) -> tuple[UploadForm, str, bytes]:
    """Return the valid upload form, the file's clean name and its content.

    An empty form, or a file whose name or content is not what this page takes, stops the
    request with the form page (400) naming the problem.
    """
    form = UploadForm()
    if not form.validate_on_submit():
        abort(upload_page(kind, form, 400, enterprise))
    storage = form.file.data
    name = uploads.clean_name(storage.filename)
    data = storage.read()
    refused = uploads.check(name, data, UPLOADS[kind].extensions)
    if refused is not None:
        abort(refused_page(kind, form, name, problem_rows([_Whole(
            0, "", refused.message_zh, refused.message_en)]), enterprise))
    return form, name, data


def upload_page(kind: str, form: UploadForm, status: int = 200, enterprise=None, **context):
    upload = UPLOADS[kind]
    form.file.render_kw = {"accept": ",".join(f".{ext}" for ext in upload.extensions)}
    max_mb = f"{current_app.config['MAX_CONTENT_LENGTH'] / 2**20:g}"
    return page("publish/upload.html", status, upload=upload, kind=kind, form=form,
                enterprise=enterprise, shown=PROBLEMS_SHOWN, max_mb=max_mb,
                section_names=SECTION_NAMES, layout_names=LAYOUT_NAMES,
                term_fields=TERM_FIELDS, **context)


def refused_page(kind: str, form, name: str, rows: list[ProblemRow], enterprise=None):
    return upload_page(kind, form, 400, enterprise, file_name=name, problems=rows)


def finish_import(kind: str, form, name: str, summary: dict, enterprise=None):
    """Show what the import did (or would have done, on a dry run)."""
    return upload_page(kind, UploadForm(formdata=None), enterprise=enterprise, file_name=name,
                       summary=summary, dry_run=form.dry_run.data)


@bp.route("/results", methods=["GET", "POST"])
@role_required()
def results():
    """Regulators upload a sampling-results table: checked whole, written all or nothing."""
    if request.method == "GET":
        return upload_page("results", UploadForm())
    form, name, data = receive("results")
    try:
        parsed = parse_bytes(name, data)
    except ImportFileError as error:
        return refused_page("results", form, name, problem_rows([_whole(error)]))
    if parsed.problems:
        return refused_page("results", form, name, problem_rows(parsed.problems))
    summary = imports.import_results(imports.Source(signed_in_user(), name), parsed,
                                     dry_run=form.dry_run.data)
    return finish_import("results", form, name, summary)


@bp.route("/records", methods=["GET", "POST"])
@role_required()
def records():
    """Regulators upload enterprise records (JSON), checked whole and written all or nothing."""
    if request.method == "GET":
        return upload_page("records", UploadForm())
    form, name, data = receive("records")
    try:
        counts = imports.import_records(imports.Source(signed_in_user(), name), decode_json(data),
                                        dry_run=form.dry_run.data)
    except (integrity_import.RecordsImportError, UploadRefused) as error:
        return refused_page("records", form, name, problem_rows(error.problems))
    except RecursionError:
        return refused_page("records", form, name, problem_rows([TOO_DEEP]))
    return finish_import("records", form, name, counts)


def decode_json(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRefused("文件不是 UTF-8 编码", "the file is not UTF-8") from error


class UploadRefused(ValueError):
    """A file that cannot be read at all; the message is in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.problems = [_Whole(0, "", zh, en)]


def trace_upload(kind: str, slug: str):
    """Trace data (JSON) or serials (CSV) for one enterprise, all of it that enterprise's."""
    enterprise = get_enterprise(slug)
    if request.method == "GET":
        return upload_page(kind, UploadForm(), enterprise=enterprise)
    form, name, data = receive(kind, enterprise)
    try:
        document = parse_file(name, data)
        summary = imports.import_trace(imports.Source(signed_in_user(), name), document,
                                       enterprise, dry_run=form.dry_run.data)
        return finish_import(kind, form, name, {"enterprise": enterprise.slug,
                                                **imports.trace_counts(summary)}, enterprise)
    except TraceImportError as error:
        return refused_page(kind, form, name, problem_rows(error.problems), enterprise)
    except RecursionError:
        return refused_page(kind, form, name, problem_rows([TOO_DEEP]), enterprise)
    except IntegrityError:  # another import created the same product or batch meanwhile
        return upload_page(kind, form, 409, enterprise, file_name=name, problems=[ProblemRow(
            _("whole file"), "—", _("Another import changed the same records at the same "
                                    "time. Nothing was written: upload the file again."))])


@bp.route("/enterprises/<slug>/trace", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def trace(slug: str):
    """Upload an enterprise's trace data (JSON)."""
    return trace_upload("trace", slug)


@bp.route("/enterprises/<slug>/serials", methods=["GET", "POST"])
@role_required(owner=enterprise_id_of)
def serials(slug: str):
    """Register the serials an enterprise printed on its cans (CSV)."""
    return trace_upload("serials", slug)


# --- code issuance -----------------------------------------------------------------------------


def codes_form(enterprise: Enterprise, formdata=None) -> tuple[CodesForm, dict[str, Product]]:
    products = code_issues.products_of(enterprise)
    form = CodesForm(formdata=formdata)
    name = "name_zh" if current_language() == "zh" else "name_en"
    form.gtin.choices = [(gtin, f"{getattr(p, name)} · {gtin}") for gtin, p in products.items()]
    form.fmt.choices = [("pdf", _("PDF (one file)")),
                        ("svg", _("SVG (one file per A4 page)"))]
    form.lang.choices = [("zh", _("Chinese")), ("en", _("English"))]
    if formdata is None:
        form.lang.data = current_language()
    return form, products


@bp.route("/enterprises/<slug>/codes", methods=["GET", "POST"], endpoint="codes")
@role_required(owner=enterprise_id_of)
def issue_codes(slug: str):
    """Issue signed codes for one of the enterprise's batches; download a ZIP of the labels."""
    enterprise = get_enterprise(slug)
    form, products = codes_form(enterprise, request.form if request.method == "POST" else None)
    lots = code_issues.recent_lots(enterprise, LOTS_LISTED)
    if request.method == "GET" or not form.validate():
        status = 400 if request.method == "POST" else 200
        return page("publish/codes.html", status, form=form, enterprise=enterprise,
                    lots=lots, max_codes=MAX_CODES)
    product = products[form.gtin.data]
    lot, count = form.lot.data or "", int(form.count.data or 0)  # validated: text, a number
    if not code_issues.lot_on_record(product, lot):
        form.lot.errors = [_("There is no lot “%(lot)s” of this product on record. Upload its "
                             "trace data first.", lot=form.lot.data)]
        return page("publish/codes.html", 400, form=form, enterprise=enterprise, lots=lots,
                    max_codes=MAX_CODES)
    try:
        issued = code_issues.issue_codes(signed_in_user(), enterprise, product, lot, count,
                                         form.fmt.data, form.lang.data)
    except code_issues.IssueError:
        form.count.errors = [_("This batch has too few serial numbers left for that many "
                               "codes.")]
        return page("publish/codes.html", 400, form=form, enterprise=enterprise, lots=lots,
                    max_codes=MAX_CODES)
    safe_lot = re.sub(r"[^A-Za-z0-9_-]", "_", issued.batch.lot)
    response = send_file(
        io.BytesIO(issued.archive), mimetype="application/zip", as_attachment=True,
        download_name=f"codes-{product.gtin}-{safe_lot}-{len(issued.labels)}.zip")
    return private(response)
