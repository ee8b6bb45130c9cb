"""Science editors write articles in the browser, see them as readers will (a preview made on
the server) with the advertising checker's findings, and reviewers approve others' versions.
Every save is a new version; readers see only the last approved one."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.core.content import render_markdown
from formulatrust.core.i18n import current_language
from formulatrust.domain.article_review import ReviewRefused, is_overdue
from formulatrust.learn import articles as store
from formulatrust.learn.forms import ArticleForm, sources_text
from formulatrust.publishing.accounts import current_user, private, role_required, signed_in_user

bp = Blueprint("learn_editor", __name__, url_prefix="/publish/articles")
TAKEN = _l("An article already has this address: choose another.")


def today():
    return shanghai_now().date()


def months() -> int:
    return int(current_app.config["ARTICLE_REVIEW_MONTHS"])


def page(template: str, status: int = 200, **context):
    return private(current_app.make_response((render_template(template, **context), status)))


@bp.get("")
@role_required()
def index():
    """Every article with its state; overdue reviews first."""
    session = db.session()
    return page("learn/editor_index.html", articles=store.every_article(session),
                overdue=store.overdue(session, today()), today=today(), is_overdue=is_overdue)


def preview(draft: store.Draft) -> dict:
    return {"zh": render_markdown(draft.body_zh), "en": render_markdown(draft.body_en),
            "draft": draft}


def edit_page(form: ArticleForm, slug: str | None, status: int = 200, **context):
    return page("learn/editor_form.html", status, form=form, slug=slug, **context)


def save_or_preview(form: ArticleForm, slug: str | None):
    """Check the form; show a preview, or save a new version and say what the checker found."""
    if not form.validate():
        return edit_page(form, slug, 400)
    session = db.session()
    slug = slug or (form.slug.data or "").strip()
    if form.new and store.find(session, slug) is not None:
        form.slug.errors = [str(TAKEN)]
        return edit_page(form, None, 400)
    draft = form.draft()
    found = store.findings(draft)
    if request.form.get("action") != "save":
        return edit_page(form, None if form.new else slug,
                         findings=found, preview=preview(draft))
    version = store.save(session, slug, draft, current_user())
    session.commit()
    return redirect(url_for("learn_editor.versions", slug=slug, saved=version.number), 303)


@bp.route("/new", methods=["GET", "POST"])
@role_required()
def new():
    """Write a new article."""
    form = ArticleForm(new=True)
    if request.method == "GET":
        return edit_page(form, None)
    return save_or_preview(form, None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required()
def edit(slug: str):
    """Change an article: the form starts from its latest version; saving adds a version."""
    article = store.find(db.session(), slug)
    if article is None:
        abort(404)
    if request.method == "POST":
        return save_or_preview(ArticleForm(), slug)
    latest = article.latest
    form = ArticleForm(formdata=None, data={
        "topic": latest.topic, "title_zh": latest.title_zh, "summary_zh": latest.summary_zh,
        "body_zh": latest.body_zh, "title_en": latest.title_en, "summary_en": latest.summary_en,
        "body_en": latest.body_en, "sources": sources_text(latest.sources)})
    return edit_page(form, slug)


@bp.get("/<slug>")
@role_required()
def versions(slug: str, refused: ReviewRefused | None = None, status: int = 200):
    """Every version of an article; one shown in full, with the reviewer's approve button."""
    article = store.find(db.session(), slug)
    if article is None:
        abort(404)
    number = request.args.get("version", "")
    shown = next((v for v in article.versions if str(v.number) == number), article.latest)
    draft = store.draft_of(shown)
    saved = request.args.get("saved", "")
    return page("learn/editor_versions.html", status, article=article, shown=shown,
                findings=store.findings(draft), preview=preview(draft), refused=refused,
                saved=saved if saved.isdecimal() else "", user=current_user(), today=today(),
                is_overdue=is_overdue, chinese=current_language() == "zh")


@bp.post("/<slug>/versions/<int:number>/approve")
@role_required()
def approve(slug: str, number: int):
    """A reviewer (never the version's author) approves a version: it is published."""
    session = db.session()
    article = store.find(session, slug)
    version = next((v for v in article.versions if v.number == number), None) if article else None
    if version is None:
        abort(404)
    try:
        store.approve(session, version, signed_in_user(), today(), months())
    except ReviewRefused as refused:
        session.rollback()
        return versions(slug, refused=refused, status=403)
    session.commit()
    return redirect(url_for("learn.article", slug=slug), 303)
