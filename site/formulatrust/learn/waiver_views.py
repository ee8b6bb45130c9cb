"""Regulators waive a finding of the advertising checker in an article kept in the database
(one rule and one phrase as written, with a reason), as ``content waive`` does for files."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.learn import article_waivers, editing
from formulatrust.learn import articles as store
from formulatrust.publishing.accounts import private, role_required, signed_in_user

bp = Blueprint("learn_waivers", __name__, url_prefix="/publish/article-waivers")
PROBLEMS = {
    "reason": _l("Write the reason in %(min)d to %(max)d characters: it stays on record."),
    "no_finding": _l("The newest version no longer contains this phrase for this rule, or it "
                     "is already waived. Nothing was recorded."),
    "not_regulator": _l("Only a regulator may waive a finding."),
}
DONE = _l("The waiver is recorded. A reviewer can now approve the article with this phrase.")


def file_waivers():
    return current_app.extensions["formulatrust.content"].waivers


def review_page(status: int = 200, problem: str | None = None, failed: tuple = ()):
    blocked = article_waivers.blocked(db.session(), file_waivers())
    done = str(DONE) if request.args.get("done") == "waived" else None
    return private(current_app.make_response((render_template(
        "learn/waivers.html", blocked=blocked, problem=problem, failed=failed, done=done,
        reason=request.form.get("reason", "")), status)))


@bp.get("")
@role_required()
def review():
    """Articles the checker blocks, each finding with a form to waive it."""
    return review_page()


@bp.post("/<slug>")
@role_required()
def waive(slug: str):
    """Waive one finding (rule and phrase as written) of one article, with a reason."""
    article = store.find(db.session(), slug)
    if article is None:
        abort(404)
    rule, phrase = request.form.get("rule", "")[:64], request.form.get("phrase", "")[:200]
    try:
        editing.waive(article, signed_in_user(), rule, phrase,
                      request.form.get("reason", "")[:2000], file_waivers())
    except article_waivers.WaiverRefused as refused:
        problem = str(PROBLEMS[refused.code]) % {"min": article_waivers.REASON_MIN,
                                                 "max": article_waivers.REASON_MAX}
        return review_page(403 if refused.code == "not_regulator" else 400, problem,
                           (slug, rule, phrase))
    return redirect(url_for("learn_waivers.review", done="waived"), 303)
