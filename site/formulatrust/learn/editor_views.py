"""Science editors write articles in the browser, see them as readers will (a preview made on
the server) with the advertising checker's findings, and reviewers approve others' versions.
Every save is a new version; readers see only the last approved one. Editors upload photos
and place them in the text, compare any two versions, and (with administrators) withdraw a
published article."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.core.content import render_markdown
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import current_language
from formulatrust.domain.article_review import ReviewRefused, is_overdue
from formulatrust.images import pictures as picture_service
from formulatrust.learn import article_images, editing
from formulatrust.learn import articles as store
from formulatrust.learn.forms import ArticleForm, sources_text
from formulatrust.learn.models import Article, ArticleVersion
from formulatrust.learn.version_compare import compare_versions
from formulatrust.publishing.accounts import private, role_required, signed_in_user
from formulatrust.publishing.accounts import private_page as page

bp = Blueprint("learn_editor", __name__, url_prefix="/publish/articles")
TAKEN = _l("An article already has this address: choose another.")
DONE = {"uploaded": _l("The photo is uploaded and placed at the end of each text below. Move "
                       "its line to where it belongs, then save a new version."),
        "withdrawn": _l("The article is withdrawn: its address now tells readers why."),
        "waived": _l("The waiver is recorded.")}
WITHDRAW_PROBLEMS = {
    "reason": _l("Say why the article is withdrawn, in %(min)d to %(max)d characters: readers "
                 "are shown it."),
    "not_published": _l("This article is not published, so there is nothing to withdraw."),
    "not_allowed": _l("Only science editors and administrators may withdraw an article."),
}
TWO_VERSIONS = _l("Choose two versions of this article to compare.")


def today():
    return shanghai_now().date()


def months() -> int:
    return int(current_app.config["ARTICLE_REVIEW_MONTHS"])


def file_waivers():
    return current_app.extensions["formulatrust.content"].waivers


def get_article(slug: str) -> Article:
    article = store.find(db.session(), slug)
    if article is None:
        abort(404)
    return article


def done_message() -> str | None:
    message = DONE.get(request.args.get("done", ""))
    return str(message) if message else None


@bp.get("")
@role_required()
def index():
    """Every article with its state; overdue reviews first."""
    session = db.session()
    return page("learn/editor_index.html", articles=store.every_article(session),
                overdue=store.overdue(session, today()), today=today(), is_overdue=is_overdue)


def preview(draft: store.Draft) -> dict:
    pictures = picture_service.pictures(article_images.image_keys(draft.body_zh, draft.body_en))
    return {"zh": article_images.place(render_markdown(draft.body_zh), pictures),
            "en": article_images.place(render_markdown(draft.body_en), pictures),
            "draft": draft}


def article_photos(slug: str | None) -> list:
    """The photos uploaded for the article, each with its picture and Markdown lines."""
    if not slug:
        return []
    return [(image, picture_service.picture(image), article_images.markdown_line(image, "zh"),
             article_images.markdown_line(image, "en"))
            for image in article_images.for_article(db.session(), slug)]


def edit_page(form: ArticleForm, slug: str | None, status: int = 200,
              upload: picture_service.Upload | None = None, **context):
    return page("learn/editor_form.html", status, form=form, slug=slug,
                photos=article_photos(slug), upload=upload or picture_service.Upload(),
                image_limits=picture_service.limits_text(), done=done_message(), **context)


def article_form(slug: str | None, **kwargs) -> ArticleForm:
    keys = article_images.placeable_keys(db.session(), slug)
    return ArticleForm(image_keys=frozenset(keys), **kwargs)


def save_or_preview(form: ArticleForm, slug: str | None):
    """Check the form; show a preview, or save a new version and say what the checker found."""
    if not form.validate():
        return edit_page(form, slug, 400)
    slug = slug or (form.slug.data or "").strip()
    if form.new and store.find(db.session(), slug) is not None:
        form.slug.errors = [str(TAKEN)]
        return edit_page(form, None, 400)
    draft = form.draft()
    if request.form.get("action") != "save":
        article = store.find(db.session(), slug)
        found = store.blocking(slug, draft, store.waivers_of(article, file_waivers()))
        return edit_page(form, None if form.new else slug,
                         findings=found, preview=preview(draft))
    number = editing.keep_version(slug, draft, signed_in_user(), file_waivers())
    return redirect(url_for("learn_editor.versions", slug=slug, saved=number), 303)


@bp.route("/new", methods=["GET", "POST"])
@role_required()
def new():
    """Write a new article."""
    form = article_form(None, new=True)
    if request.method == "GET":
        return edit_page(form, None)
    return save_or_preview(form, None)


def latest_form(article: Article) -> ArticleForm:
    """The form filled with the newest version, and a just-uploaded photo placed at the end."""
    latest = article.latest
    data = {"topic": latest.topic, "title_zh": latest.title_zh,
            "summary_zh": latest.summary_zh, "body_zh": latest.body_zh,
            "title_en": latest.title_en, "summary_en": latest.summary_en,
            "body_en": latest.body_en, "sources": sources_text(latest.sources)}
    added = request.args.get("add", "")
    photo = next((image for image in article_images.for_article(db.session(), article.slug)
                  if image.key == added and image.shown), None)
    if photo is not None:
        for lang in ("zh", "en"):
            body = data[f"body_{lang}"]
            if body.strip() and photo.address not in body:
                data[f"body_{lang}"] = (body.rstrip() + "\n\n"
                                        + article_images.markdown_line(photo, lang))
    return article_form(article.slug, formdata=None, data=data)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required()
def edit(slug: str):
    """Change an article: the form starts from its latest version; saving adds a version."""
    article = get_article(slug)
    if request.method == "POST":
        return save_or_preview(article_form(slug), slug)
    return edit_page(latest_form(article), slug)


@bp.post("/<slug>/images")
@role_required()
def upload_image(slug: str):
    """Upload a photo for the article: checked, re-encoded without metadata, stored."""
    article = get_article(slug)
    upload = editing.upload_image(article.slug)
    if upload.image is None:
        return edit_page(latest_form(article), slug, upload.status, upload=upload)
    return redirect(url_for("learn_editor.edit", slug=slug, add=upload.image.key,
                            done="uploaded"), 303)


def version_of(article: Article, number: object) -> ArticleVersion | None:
    return next((v for v in article.versions if str(v.number) == str(number)), None)


@bp.get("/<slug>")
@role_required()
def versions(slug: str, refused: ReviewRefused | None = None, status: int = 200,
             withdraw_problem: str | None = None):
    """Every version of an article; one shown in full, with the reviewer's approve button."""
    article = get_article(slug)
    shown = version_of(article, request.args.get("version", "")) or article.latest
    draft = store.draft_of(shown)
    saved = request.args.get("saved", "")
    return page("learn/editor_versions.html", status, article=article, shown=shown,
                findings=store.blocking(slug, draft, store.waivers_of(article, file_waivers())),
                preview=preview(draft), refused=refused, withdraw_problem=withdraw_problem,
                saved=saved if saved.isdecimal() else "", user=signed_in_user(), today=today(),
                is_overdue=is_overdue, chinese=current_language() == "zh",
                done=done_message(), may_withdraw=store.may_withdraw(signed_in_user()))


@bp.post("/<slug>/versions/<int:number>/approve")
@role_required()
def approve(slug: str, number: int):
    """A reviewer (never the version's author) approves a version: it is published."""
    article = get_article(slug)
    version = version_of(article, number)
    if version is None:
        abort(404)
    try:
        editing.approve(version, signed_in_user(), today(), months(), file_waivers())
    except ReviewRefused as refused:
        return versions(slug, refused=refused, status=403)
    return redirect(url_for("learn.article", slug=slug), 303)


@bp.post("/<slug>/unpublish")
@role_required()
def unpublish(slug: str):
    """Withdraw the published article, with the reason readers will be shown."""
    article = get_article(slug)
    try:
        editing.withdraw(article, signed_in_user(), request.form.get("reason", "")[:2000])
    except store.WithdrawRefused as refused:
        problem = str(WITHDRAW_PROBLEMS[refused.code]) % {"min": store.REASON_MIN,
                                                            "max": store.REASON_MAX}
        status = 403 if refused.code == "not_allowed" else 400
        return versions(slug, status=status, withdraw_problem=problem)
    return redirect(url_for("learn_editor.versions", slug=slug, done="withdrawn"), 303)


@bp.get("/<slug>/compare")
@role_required()
def compare(slug: str):
    """What changed between two versions (``?from=`` and ``?to=``; the last two by default)."""
    article = get_article(slug)
    numbers = [v.number for v in article.versions]
    default_old = numbers[-2] if len(numbers) > 1 else numbers[-1]
    old = version_of(article, request.args.get("from", default_old))
    new = version_of(article, request.args.get("to", numbers[-1]))
    if old is None or new is None:
        return private(render_error(400, TWO_VERSIONS))
    return page("learn/editor_compare.html", article=article, old=old, new=new,
                parts=compare_versions(old, new))
