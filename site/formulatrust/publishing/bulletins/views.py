"""Quality bulletins: the public list, pages, versions, files and feed, and the editor.

Readers see a bulletin once it is published and its publication time has passed; the editor
who wrote it and administrators also see drafts and scheduled ones (never cached).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import cast
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from formulatrust.core import db
from formulatrust.core.bilingual import Pair
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import atom_feed
from formulatrust.core.paging import Page, page_count, requested_page
from formulatrust.domain.feed_times import entry_times
from formulatrust.open_data import downloads
from formulatrust.publishing.accounts import current_user, private, role_required, signed_in_user
from formulatrust.publishing.bulletins import services
from formulatrust.publishing.bulletins import store as service
from formulatrust.publishing.bulletins.forms import AttachmentForm, BulletinForm, form_data
from formulatrust.publishing.bulletins.models import Bulletin, BulletinAttachment
from formulatrust.publishing.bulletins.presenting import headline, present
from formulatrust.results import feeds

bp = Blueprint("bulletins", __name__)

PER_PAGE = 20
DONE = {"saved": _l("Saved."), "published": _l("Published: readers can see it now."),
        "scheduled": _l("Scheduled: readers will see it from the publication time."),
        "unpublished": _l("Unpublished: readers no longer see it."),
        "attached": _l("The file is attached."), "detached": _l("The file is removed."),
        "deleted": _l("The bulletin is deleted.")}
SAVED_MEANWHILE = _l("Someone saved this bulletin at the same moment, so your changes were not "
                     "saved. Go back, reload the bulletin and make your changes again.")
ATTACHMENT_PROBLEMS = {
    "empty": _l("Choose a PDF file to attach."),
    "too_large": _l("“%(name)s” is larger than %(limit)s. Attach a PDF of at most %(limit)s."),
    "not_declared_pdf": _l("“%(name)s” is not a PDF file. Attach a PDF file (its name ends in "
                           ".pdf)."),
    "not_pdf": _l("“%(name)s” is not really a PDF: its content is not a PDF document. Attach "
                  "the PDF itself."),
    "too_many": _l("A bulletin can have at most %(limit)s files. Remove one first."),
}


def readable(slug: str) -> tuple[Bulletin, bool]:
    """Return the bulletin a reader may see, and whether it is only shown to its editors."""
    bulletin = service.by_slug(db.session(), slug)
    if bulletin is None:
        abort(404)
    if bulletin.is_visible():
        return bulletin, False
    if not service.may_edit(current_user(), bulletin):
        abort(404)
    return bulletin, True


@dataclass(frozen=True)
class Filters:
    page: int = 1

    def as_args(self, **changes) -> dict:
        page = changes.get("page", self.page)
        return {} if page == 1 else {"page": page}


# Public pages ------------------------------------------------------------------------------

@bp.get("/bulletins")
def index():
    """List visible bulletins, newest first."""
    number = requested_page(request.args)
    items, total = service.visible_page(db.session(), number, PER_PAGE)
    pages = page_count(total, PER_PAGE)
    if number > pages:  # past the last: show the last
        number = pages
        items, total = service.visible_page(db.session(), number, PER_PAGE)
    shown = [(bulletin, headline(bulletin)) for bulletin in items]
    return render_template("bulletins/index.html", shown=shown,
                           page=Page(items, total, number, pages), filters=Filters(number))


@bp.get("/bulletins/feed.atom")
@atom_feed
def feed():
    """Atom feed of visible bulletins."""
    items = service.latest(db.session(), 50)
    corrected = service.last_corrections(db.session(), [b.id for b in items])
    # Visible bulletins are published, so each has its publication time.
    context = feeds.feed([feeds.Entry(b, *entry_times(cast(datetime, b.published_at),
                                                      (corrected.get(b.id),)))
                          for b in items])
    xml = render_template("bulletins/feed.atom", headlines={b.id: headline(b) for b in items},
                          **context)
    return downloads.open_response(Response(xml, mimetype="application/atom+xml"))


def editor_only(response):
    return private(current_app.make_response(response))


@bp.get("/bulletins/<slug>")
def detail(slug: str):
    """Show one bulletin with its tables, charts and files."""
    bulletin, unpublished = readable(slug)
    body = render_template("bulletins/detail.html", bulletin=bulletin, shown=present(bulletin),
                           unpublished=unpublished,
                           revisions=service.public_revisions(bulletin, unpublished))
    return editor_only(body) if unpublished else body


@bp.get("/bulletins/<slug>/revisions")
def revisions(slug: str):
    """List the earlier versions of a bulletin."""
    bulletin, unpublished = readable(slug)
    editor = unpublished or service.may_edit(current_user(), bulletin)
    shown = service.public_revisions(bulletin, editor)
    body = render_template("bulletins/revisions.html", bulletin=bulletin,
                           shown=headline(bulletin), revisions=list(reversed(shown)))
    return editor_only(body) if editor else body


@bp.get("/bulletins/<slug>/revisions/<int:number>")
def revision(slug: str, number: int):
    """Show one earlier version as it was."""
    bulletin, unpublished = readable(slug)
    editor = unpublished or service.may_edit(current_user(), bulletin)
    found = next((each for each in service.public_revisions(bulletin, editor)
                  if each.number == number), None)
    if found is None:
        abort(404)
    body = render_template("bulletins/revision.html", bulletin=bulletin, revision=found,
                           shown=present(found, chart_prefix=f"r{number}"))
    return editor_only(body) if editor else body


@bp.get("/bulletins/<slug>/files/<int:attachment_id>")
def attachment(slug: str, attachment_id: int):
    """Download an attached PDF under its cleaned file name."""
    bulletin, unpublished = readable(slug)
    found = db.session().get(BulletinAttachment, attachment_id)
    if found is None or found.bulletin_id != bulletin.id:
        abort(404)
    response = send_file(io.BytesIO(found.data), mimetype="application/pdf",
                         etag=found.sha256, conditional=True)
    # The stored name is already clean; old clients get an ASCII name, others the real one.
    fallback = found.filename if found.filename.isascii() else f"{slug}-{found.id}.pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(found.filename, safe="")}')
    return private(response) if unpublished else response


# The editor -------------------------------------------------------------------------------

def done_message() -> str | None:
    message = DONE.get(request.args.get("done", ""))
    return str(message) if message else None


def owned(bulletin_id: int) -> Bulletin:
    """Return the bulletin the current user may change: 404 if missing, 403 if not theirs."""
    bulletin = db.session().get(Bulletin, bulletin_id)
    if bulletin is None:
        abort(404)
    if not service.may_edit(current_user(), bulletin):
        abort(403)
    return bulletin


@bp.get("/publish/bulletins")
@role_required()
def mine():
    """The editor's bulletins: drafts, scheduled and published (administrators: all)."""
    items = service.editable(db.session(), signed_in_user())
    return editor_only(render_template("bulletins/mine.html", items=items,
                                       done=done_message()))


NO_ORGANISATION = _l("Your account belongs to no organisation, so it cannot publish under any "
                     "name. Ask an administrator to set its organisation.")


def render_editor(form: BulletinForm, bulletin: Bulletin | None, status: int = 200,
                  preview: bool = False, attachment_form: AttachmentForm | None = None):
    previews = []
    names = service.speaking_for(current_user(), bulletin)
    if preview:
        draft = Bulletin(**form.content(), **names)
        previews = [present(draft, lang, "preview") for lang in ("zh", "en")
                    if lang == "zh" or draft.has_english]
    attachment_form = attachment_form or AttachmentForm()
    problems = form.error_links() + [(attachment_form.file.id, error)
                                     for error in attachment_form.file.errors]
    speaks_for = Pair(names["organisation_zh"], names["organisation_en"])
    body = render_template("bulletins/edit.html", form=form, bulletin=bulletin,
                           speaks_for=speaks_for, current=bulletin and headline(bulletin),
                           previews=previews, done=done_message(), problems=problems,
                           attachment_form=attachment_form,
                           max_size=size_text(max_attachment()))
    return editor_only((body, status))


@bp.route("/publish/bulletins/new", methods=["GET", "POST"])
@role_required()
def new():
    """Write a new bulletin; it is a draft until published."""
    if request.method == "GET":
        return render_editor(BulletinForm(formdata=None), None)
    form = BulletinForm()
    return submit(form, None)


@bp.route("/publish/bulletins/<int:bulletin_id>/edit", methods=["GET", "POST"])
@role_required()
def edit(bulletin_id: int):
    """Change, preview, save, publish or schedule a bulletin."""
    bulletin = owned(bulletin_id)
    if request.method == "GET":
        return render_editor(BulletinForm(data=form_data(bulletin)), bulletin)
    return submit(BulletinForm(), bulletin)


def submit(form: BulletinForm, bulletin: Bulletin | None):
    """Handle the editor's buttons: preview, save, publish now, schedule."""
    action = request.form.get("action", "")
    if action not in ("preview", "save", "publish", "schedule") or (
            action == "publish" and bulletin is not None and bulletin.is_visible()):
        action = "save"  # publishing again must not move the publication date
    session = db.session()
    valid = form.validate_all()
    if action == "schedule":
        valid = form.require_future() and valid
    slug = ""
    if bulletin is None and valid:
        slug = (form.slug.data or "").strip() or service.new_slug(session, form.title_en.data
                                                                  or "")
        if service.slug_taken(session, slug):
            form.slug.errors = [*form.slug.errors,
                                _("Another bulletin already uses this web address name.")]
            valid = False
    if not valid:
        return render_editor(form, bulletin, 400, preview=action == "preview")
    if action == "preview":
        return render_editor(form, bulletin, preview=True)
    user = signed_in_user()
    names = service.speaking_for(user, bulletin)
    organisation_id = names.pop("organisation_id")
    if bulletin is None and organisation_id is None:
        return editor_only(render_error(403, NO_ORGANISATION))
    content = {**form.content(), **names}
    try:
        bulletin = services.save_bulletin(
            user, bulletin, content, slug=slug, organisation_id=organisation_id,
            publish=action in ("publish", "schedule"),
            publish_at=form.moment if action == "schedule" else None)
    except IntegrityError:  # the same slug or version number saved a moment earlier
        return editor_only(render_error(409, SAVED_MEANWHILE))
    done = {"save": "saved", "publish": "published", "schedule": "scheduled"}[action]
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, done=done), 303)


@bp.post("/publish/bulletins/<int:bulletin_id>/unpublish")
@role_required()
def unpublish(bulletin_id: int):
    """Take a published or scheduled bulletin back to a draft."""
    bulletin = owned(bulletin_id)
    if bulletin.status == "published":
        services.unpublish_bulletin(current_user(), bulletin)
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, done="unpublished"), 303)


@bp.route("/publish/bulletins/<int:bulletin_id>/delete", methods=["GET", "POST"])
@role_required()
def delete(bulletin_id: int):
    """Ask, then delete a bulletin with its versions and files."""
    bulletin = owned(bulletin_id)
    if request.method == "GET":
        return editor_only(render_template("bulletins/delete.html", bulletin=bulletin,
                                           shown=headline(bulletin)))
    services.delete_bulletin(current_user(), bulletin)
    return redirect(url_for("bulletins.mine", done="deleted"), 303)


def max_attachment() -> int:
    return int(current_app.config.get("BULLETIN_ATTACHMENT_MAX_BYTES",
                                      service.DEFAULT_MAX_ATTACHMENT))


def size_text(size: int) -> str:
    """Say how big a file is, in the reader's language."""
    if size >= 1024 * 1024:
        return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))
    return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    return size_text(size)


@bp.post("/publish/bulletins/<int:bulletin_id>/files")
@role_required()
def attach(bulletin_id: int):
    """Attach a PDF (checked for its type, its first bytes and its size)."""
    bulletin = owned(bulletin_id)
    form = AttachmentForm()
    if not form.validate():  # only the CSRF token can fail here, and CSRFError comes first
        return render_error(400)
    upload = request.files.get("file")
    limit = max_attachment()
    name = (upload.filename or "") if upload is not None else ""
    data = upload.stream.read(limit + 1) if upload is not None and name else b""
    try:
        services.attach_file(current_user(), bulletin, name,
                             upload.mimetype if upload is not None else "", data, limit)
    except services.AttachmentError as error:
        message = str(ATTACHMENT_PROBLEMS[error.code]) % {
            "name": service.plain_filename(name)[:100], "limit": size_text(limit)
            if error.code == "too_large" else error.limit}
        form.file.errors = [message]
        return render_editor(BulletinForm(formdata=None, data=form_data(bulletin)), bulletin,
                             400, attachment_form=form)
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, done="attached",
                            _anchor="files"), 303)


@bp.post("/publish/bulletins/<int:bulletin_id>/files/<int:attachment_id>/delete")
@role_required()
def detach(bulletin_id: int, attachment_id: int):
    """Remove a file from a bulletin."""
    bulletin = owned(bulletin_id)
    found = db.session().get(BulletinAttachment, attachment_id)
    if found is None or found.bulletin_id != bulletin.id:
        abort(404)
    services.detach_file(current_user(), found)
    return redirect(url_for("bulletins.edit", bulletin_id=bulletin.id, done="detached",
                            _anchor="files"), 303)
