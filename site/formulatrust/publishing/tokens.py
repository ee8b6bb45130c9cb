"""API tokens: enterprise editors (their own enterprise) and administrators list, create, revoke.

The whole token is shown once, on the page that answers its creation; only a hash is stored.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import DataRequired, Length

from formulatrust.core import db
from formulatrust.core.i18n import current_language
from formulatrust.domain.authz import ADMIN
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import api_tokens, token_service
from formulatrust.publishing.accounts import private, role_required, signed_in_user
from formulatrust.publishing.models import ApiToken

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")

NEVER = "never"
EXPIRY_CHOICES = [SelectChoice("90", _l("In 90 days")), SelectChoice("30", _l("In 30 days")),
                  SelectChoice("365", _l("In a year")),
                  SelectChoice(NEVER, _l("Never (revoke it when no longer needed)"))]
STATES = {"active": _l("Active"), "expired": _l("Expired"), "revoked": _l("Revoked")}


@bp.app_context_processor
def helpers() -> dict:
    return {"token_state": lambda token: STATES[api_tokens.state(token)],
            "token_state_code": api_tokens.state}


class TokenForm(FlaskForm):
    """A name for the token, when it expires and, for administrators, its enterprise."""

    name = StringField(_l("Name of the system that will use it"),
                       validators=[DataRequired(_l("Enter a name, like “warehouse system”.")),
                                   Length(max=api_tokens.MAX_NAME,
                                          message=_l("Use at most 100 characters."))],
                       render_kw={"autocomplete": "off"})
    expires = SelectField(_l("Expires"), choices=EXPIRY_CHOICES, default="90")
    enterprise = SelectField(_l("Enterprise"), choices=[])


def token_form(formdata=None) -> TokenForm:
    """Build the form; administrators choose the enterprise, editors always get their own."""
    form = TokenForm(formdata=formdata)
    if signed_in_user().role == ADMIN:
        enterprises = token_service.enterprise_choices()
        zh = current_language() == "zh"
        form.enterprise.choices = [SelectChoice("", _l("Choose an enterprise"))] + [
            SelectChoice(row.slug, row.name_zh if zh else row.name_en) for row in enterprises]
        form.enterprise.validators = [DataRequired(_l("Choose the enterprise the token is "
                                                      "for."))]
    else:
        del form.enterprise
    return form


def visible_tokens() -> list[ApiToken]:
    """Return the tokens the current user may see: their enterprise's, or every one."""
    user = signed_in_user()
    return token_service.tokens_seen_by(user, every=user.role == ADMIN)


def render_index(form: TokenForm, status: int = 200, revoked: ApiToken | None = None):
    body = render_template("tokens/index.html", form=form, tokens=visible_tokens(),
                           revoked=revoked, show_enterprise=signed_in_user().role == ADMIN,
                           push_url=url_for("api_push.trace", _external=True))
    return private(current_app.make_response((body, status)))


@bp.get("")
@role_required()
def index():
    """List the tokens, with the form for a new one."""
    revoked = None
    if request.args.get("revoked", "").isdigit():
        revoked = db.session().get(ApiToken, int(request.args["revoked"]))
        if revoked is not None and not allowed_token(revoked):
            revoked = None
    return render_index(token_form(), revoked=revoked)


def allowed_token(token: ApiToken) -> bool:
    user = signed_in_user()
    return user.role == ADMIN or token.enterprise_id == user.enterprise_id


@bp.post("")
@role_required()
def create():
    """Create a token and show it, once."""
    form = token_form(request.form)
    if not form.validate():
        return render_index(form, 400)
    session = db.session()
    user = signed_in_user()
    if user.role == ADMIN:
        enterprise = session.scalar(select(Enterprise)
                                    .where(Enterprise.slug == form.enterprise.data))
        if enterprise is None:  # removed since the form was shown
            abort(400)
    else:
        enterprise = session.get_one(Enterprise, user.enterprise_id)
    days = None if form.expires.data == NEVER else int(form.expires.data)
    token, text = token_service.create_token(enterprise, form.name.data or "", user,
                                             expires_in_days=days)
    body = render_template("tokens/created.html", token=token, text=text, enterprise=enterprise,
                           push_url=url_for("api_push.trace", _external=True))
    return private(current_app.make_response((body, 201)))


def token_owner(token_id: int) -> int | None:
    token = db.session().get(ApiToken, token_id)
    return token.enterprise_id if token is not None else None


@bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@role_required(owner=token_owner)
def revoke(token_id: int):
    """Ask to confirm, then revoke a token: systems using it are refused from then on."""
    session = db.session()
    token = session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if request.method == "POST":
        token_service.revoke_token(token, signed_in_user())
        return redirect(url_for("tokens.index", revoked=token.id), 303)
    body = render_template("tokens/revoke.html", token=token)
    return private(current_app.make_response(body))
