"""A regulator's "assess" action on an enterprise: the rules of ``ratings assess`` in the
browser, shown first as what they would give today, recorded only once confirmed."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.enterprises import assessment
from formulatrust.enterprises.lookup import get_enterprise
from formulatrust.enterprises.models import Rating
from formulatrust.publishing.accounts import current_user, private, role_required, signed_in_user

bp = Blueprint("assess", __name__, url_prefix="/publish/enterprises/<slug>")


class AssessForm(FlaskForm):
    """Who assesses, as the rating will show it (the command's ``--assessor``)."""

    assessor = StringField(
        _l("Assessed by (shown with the rating)"),
        validators=[DataRequired(_l("Say who assesses, such as your organisation.")),
                    Length(max=200, message=_l("Use at most 200 characters."))])
    assessor_en = StringField(
        _l("Assessed by, in English (optional)"),
        validators=[Length(max=200, message=_l("Use at most 200 characters."))])


@bp.route("/assess", methods=["GET", "POST"])
@role_required()
def enterprise(slug: str):
    """Show what the methodology gives today and, once confirmed, keep it as the new rating."""
    found = get_enterprise(slug)
    session = db.session()
    today = shanghai_now().date()
    form = AssessForm(data=assessment.assessor_names(signed_in_user())
                      if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        made = assessment.assess(session, current_user(), [found], today,
                                 (form.assessor.data or "").strip(),
                                 (form.assessor_en.data or "").strip())[found.slug]
        return redirect(url_for(".enterprise", slug=slug, done=made.id), 303)
    done = request.args.get("done", type=int)
    recorded = session.get(Rating, done) if done else None
    if recorded is not None and recorded.enterprise_id != found.id:
        recorded = None
    body = render_template("assess/enterprise.html", enterprise=found, form=form,
                           current=assessment.newest_rating(session, found.id), recorded=recorded,
                           preview=assessment.preview(session, found, today), today=today)
    status = 400 if request.method == "POST" else 200
    return private(current_app.make_response((body, status)))
