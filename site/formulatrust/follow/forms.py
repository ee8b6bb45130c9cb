"""The sign-up form: which batch or product, the address and the language of the messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectChoice, SelectField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import AnyOf, DataRequired, Email, Length

from formulatrust.core.i18n import HTML_LANG, LANGUAGES


class FollowForm(FlaskForm):
    gtin = HiddenField()
    lot = HiddenField()
    email = EmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")),
                    Length(max=254, message=_l("Enter an e-mail address such as name@example.cn.")),
                    Email(_l("Enter an e-mail address such as name@example.cn."),
                          check_deliverability=False)])
    language = SelectField(_l("Language of the messages"),
                           choices=[SelectChoice(code, name, render_kw={"lang": HTML_LANG[code]})
                                    for code, name in LANGUAGES.items()],
                           validate_choice=False,  # AnyOf says it, without a bare "required"
                           validators=[AnyOf(list(LANGUAGES), _l("Choose a language."))])
