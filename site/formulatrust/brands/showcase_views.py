"""Brand showcases in the browser: the enterprise's editor and the regulators' waivers.

Enterprise editors change their own enterprise's brands only (administrators any brand).
Drafts may be saved with findings of the advertising-compliance checker; publishing is
refused while any finding has no regulator's waiver, and the page lists each one. Regulators
see the blocked showcases and waive one finding (rule and phrase) at a time, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from formulatrust.brands import showcases as service
from formulatrust.brands.forms import ShowcaseForm, WaiverForm, form_data
from formulatrust.brands.models import Showcase
from formulatrust.core import db
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import current_language
from formulatrust.domain.compliance import Finding, RuleSet
from formulatrust.enterprises.models import Brand
from formulatrust.images import pictures as picture_service
from formulatrust.images import store as image_store
from formulatrust.images.models import StoredImage
from formulatrust.publishing.accounts import private, role_required, signed_in_user
from formulatrust.publishing.accounts import private_page as page

bp = Blueprint("showcases", __name__, url_prefix="/publish")

DONE = {"saved": _l("Saved as a draft. Readers still see the published version, if any."),
        "published": _l("Published: readers can see it now."),
        "unpublished": _l("Unpublished: readers no longer see it."),
        "waived": _l("The waiver is recorded. The editor can now publish with this phrase."),
        "uploaded": _l("The photo is uploaded and put in the first free photo slot below. "
                       "Save or publish the showcase to use it."),
        "reviewed": _l("Your decision on the photo is recorded.")}
PLACES = {"title_zh": _l("Title (Chinese)"), "summary_zh": _l("Summary (Chinese)"),
          "body_zh": _l("Brand story (Chinese, Markdown)"), "title_en": _l("Title (English)"),
          "summary_en": _l("Summary (English)"),
          "body_en": _l("Brand story (English, Markdown)")}
SAVED_MEANWHILE = _l("Someone saved this showcase at the same moment, so your changes were not "
                     "saved. Go back, reload the showcase and make your changes again.")
REJECT_REASON = _l("Say why the photo is rejected (at most 500 characters).")
OWNER_KIND = "brand"
WAIVER_PROBLEMS = {
    "reason": _l("Write the reason in %(min)d to %(max)d characters."),
    "no_finding": _l("The newest version no longer contains this phrase for this rule, or it "
                     "is already waived. Nothing was recorded."),
}


@dataclass(frozen=True)
class ShownFinding:
    """A finding in the reader's language: where, which rule, its legal source, the phrase."""

    place: str
    line: int
    rule_id: str
    rule: str
    source: str
    message: str
    phrase: str


def rules() -> RuleSet:
    return current_app.extensions["formulatrust.content"].rules


def place_label(place: str) -> str:
    """Name the part of the showcase a finding is in, in the reader's language."""
    if place in PLACES:
        return str(PLACES[place])
    if place.startswith("photo"):
        return _("Photo %(number)s", number=place.removeprefix("photo"))
    if place.startswith("event"):
        number, _dot, key = place.removeprefix("event").partition(".")
        names = {"title_zh": _("title (Chinese)"), "title_en": _("title (English)"),
                 "description_zh": _("description (Chinese)"),
                 "description_en": _("description (English)")}
        return _("Event %(number)s, %(field)s", number=number, field=names.get(key, key))
    return place


def shown(findings: list[Finding]) -> list[ShownFinding]:
    lang = current_language()
    ruleset = rules()
    result = []
    for finding in findings:
        rule = ruleset.rule(finding.rule)
        result.append(ShownFinding(
            place=place_label(finding.place), line=finding.line, rule_id=finding.rule,
            rule=(rule.name_en if lang == "en" else rule.name_zh) if rule else finding.rule,
            source=rule.citation(lang) if rule else finding.source,
            message=finding.message_en if lang == "en" else finding.message_zh,
            phrase=finding.phrase))
    return result


def brand_owner(slug: str) -> int | None:
    """Return the enterprise owning brand ``slug`` (None when there is no such brand)."""
    return service.owner_of(db.session(), slug)


def search_index() -> service.SearchIndex:
    return service.SearchIndex(current_app.config["SEARCH_INDEX_DIR"],
                               current_app.extensions["formulatrust.content"])


def get_brand(slug: str) -> Brand:
    brand = service.brand_by_slug(db.session(), slug)
    if brand is None:
        abort(404)
    return brand


def done_message() -> str | None:
    message = DONE.get(request.args.get("done", ""))
    return str(message) if message else None


def brand_images(brand: Brand) -> list[StoredImage]:
    """Return the photos uploaded for the brand, newest first."""
    return image_store.for_owner(db.session(), OWNER_KIND, brand.slug)


def editor_form(brand: Brand, formdata: bool = True, **data) -> ShowcaseForm:
    """The showcase form, knowing which uploaded photos its slots may use."""
    form = ShowcaseForm(**data) if formdata else ShowcaseForm(formdata=None, **data)
    form.image_keys = frozenset(image.key for image in brand_images(brand) if image.shown)
    return form


def render_editor(form: ShowcaseForm, brand: Brand, showcase: Showcase | None, status: int = 200,
                  preview: bool = False, refused: list[Finding] | None = None,
                  upload: picture_service.Upload | None = None):
    """The editor page: the form, the checker's findings for the newest version, versions,
    the brand's uploaded photos and the upload form."""
    content = form.content() if preview else None
    pictures = picture_service.pictures(service.image_keys(content)) if content else {}
    previews = [service.present(content, lang, pictures)[0] for lang in ("zh", "en")
                if lang == "zh" or content["title_en"]] if content else []
    preview_findings = service.blocking(showcase, content, brand, rules()) if content else []
    latest = showcase.draft if showcase else None
    draft_findings = (refused if refused is not None else
                      service.blocking(showcase, latest.content(), brand, rules())
                      if latest else [])
    return page("showcases/edit.html", status, form=form, brand=brand, showcase=showcase,
                previews=previews, preview_findings=shown(preview_findings),
                findings=shown(draft_findings), refused=refused is not None,
                problems=form.error_links(), done=done_message(),
                revisions=list(reversed(showcase.revisions)) if showcase else [],
                images=[(image, picture_service.picture(image))
                        for image in brand_images(brand)],
                upload=upload or picture_service.Upload(),
                image_limits=picture_service.limits_text())


@bp.route("/brands/<slug>/showcase", methods=["GET", "POST"])
@role_required(owner=brand_owner)
def edit(slug: str):
    """Write, preview, save or publish the brand's showcase."""
    brand = get_brand(slug)
    session = db.session()
    showcase = service.for_brand(session, brand)
    if request.method == "GET":
        data = form_data(showcase.draft if showcase else None)
        added = image_store.by_key(session, request.args.get("add", ""))
        if added is not None and added.owner_ref == brand.slug and added.shown:
            data = with_photo(data, added)
        return render_editor(editor_form(brand, data=data), brand, showcase)
    form = editor_form(brand)
    action = request.form.get("action", "")
    if action not in ("preview", "save", "publish"):
        action = "save"
    if not form.validate_all():
        return render_editor(form, brand, showcase, 400)
    if action == "preview":
        return render_editor(form, brand, showcase, preview=True)
    user = signed_in_user()
    blocked: list[Finding] = []
    try:
        if action == "publish":
            showcase, blocked = service.save_and_publish(session, user, brand, form.content(),
                                                         rules(), search_index())
        else:
            showcase = service.save_draft(session, user, brand, form.content())
    except IntegrityError:  # the same version number saved a moment earlier
        return private(render_error(409, str(SAVED_MEANWHILE)))
    if blocked:  # the draft is saved; nothing is published
        return render_editor(form, brand, showcase, 400, refused=blocked)
    done = "published" if action == "publish" else "saved"
    return redirect(url_for("showcases.edit", slug=brand.slug, done=done), 303)


def with_photo(data: dict, image: StoredImage) -> dict:
    """Put a just-uploaded photo in the first free photo slot (unless it is already in one)."""
    photos = list(data["photos"])
    if any((photo or {}).get("src") == image.address for photo in photos):
        return data
    free = next((number for number, photo in enumerate(photos)
                 if not (photo or {}).get("src")), None)
    if free is not None:
        photos[free] = {"src": image.address, "alt_zh": image.alt_zh, "alt_en": image.alt_en}
    return {**data, "photos": photos}


@bp.post("/brands/<slug>/showcase/images")
@role_required(owner=brand_owner)
def upload_image(slug: str):
    """Upload a photo for the brand: checked, re-encoded without metadata, stored."""
    brand = get_brand(slug)
    upload = picture_service.receive(OWNER_KIND, brand.slug, brand.enterprise_id)
    if upload.image is None:
        showcase = service.for_brand(db.session(), brand)
        form = editor_form(brand, formdata=False,
                           data=form_data(showcase.draft if showcase else None))
        return render_editor(form, brand, showcase, upload.status, upload=upload)
    return redirect(url_for("showcases.edit", slug=brand.slug, add=upload.image.key,
                            done="uploaded", _anchor="photos-heading"), 303)


@bp.post("/brands/<slug>/showcase/unpublish")
@role_required(owner=brand_owner)
def unpublish(slug: str):
    """Take the brand's showcase off its public page."""
    brand = get_brand(slug)
    service.take_down(db.session(), signed_in_user(), brand, search_index())
    return redirect(url_for("showcases.edit", slug=brand.slug, done="unpublished"), 303)


# Regulators' review ----------------------------------------------------------------------------

def render_review(status: int = 200, failed: tuple[int, str, str, WaiverForm] | None = None,
                  problem: str | None = None):
    reviews = service.to_review(db.session(), rules())
    items = []
    for review in reviews:
        forms = []
        for finding in review.findings:
            key = (review.showcase.id, finding.rule, finding.phrase)
            if failed is not None and failed[:3] == key:
                form = failed[3]
            else:
                form = WaiverForm(formdata=None, data={"rule": finding.rule,
                                                       "phrase": finding.phrase})
            forms.append(form)
        items.append((review, list(zip(shown(review.findings), forms, strict=True))))
    brands = []
    if signed_in_user().role == "admin":
        brands = service.all_brands(db.session())
    images = [(image, picture_service.picture(image), brand_of(image))
              for image in image_store.to_review(db.session())]
    return page("showcases/review.html", status, items=items, done=done_message(),
                problem=problem, brands=brands, has_error=status >= 400, images=images)


def brand_of(image: StoredImage) -> Brand | None:
    if image.owner_kind != OWNER_KIND:
        return None
    return service.brand_by_slug(db.session(), image.owner_ref)


@bp.post("/showcases/images/<int:image_id>/review")
@role_required()
def review_image(image_id: int):
    """Approve an uploaded photo, or reject it (with a reason): it leaves every page."""
    session = db.session()
    image = session.get(StoredImage, image_id)
    if image is None:
        abort(404)
    decision = request.form.get("decision", "")
    reason = " ".join(request.form.get("reason", "").split())
    if decision not in ("approve", "reject"):
        return render_review(400, problem=_("Choose whether to approve or reject the photo."))
    if decision == "reject" and not 0 < len(reason) <= image_store.REASON_MAX:
        return render_review(400, problem=str(REJECT_REASON))
    image_store.review(session, signed_in_user(), image, decision == "approve", reason)
    return redirect(url_for("showcases.review", done="reviewed"), 303)


@bp.get("/showcases/review")
@role_required()
def review():
    """Showcases that the checker blocks, each finding with a form to waive it."""
    return render_review()


@bp.post("/showcases/<int:showcase_id>/waive")
@role_required()
def waive(showcase_id: int):
    """Waive one finding (rule and phrase as written) of one showcase, with a reason."""
    session = db.session()
    showcase = session.get(Showcase, showcase_id)
    if showcase is None:
        abort(404)
    form = WaiverForm()
    rule, phrase = form.rule.data or "", form.phrase.data or ""
    if not form.validate():
        errors = [str(error) for error in form.reason.errors] or [_("There is a problem")]
        return render_review(400, (showcase.id, rule, phrase, form), problem=" ".join(errors))
    brand = get_brand(showcase.brand.slug)
    try:
        service.record_waiver(session, signed_in_user(), showcase, brand, rule, phrase,
                              form.reason.data or "", rules())
    except service.WaiverError as error:
        message = str(WAIVER_PROBLEMS[error.code]) % {"min": service.REASON_MIN,
                                                      "max": service.REASON_MAX}
        return render_review(400, problem=message)
    except IntegrityError:  # the same waiver recorded a moment earlier
        return render_review(400, problem=str(WAIVER_PROBLEMS["no_finding"]))
    return redirect(url_for("showcases.review", done="waived"), 303)
