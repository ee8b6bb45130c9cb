"""Forms of the publishing area: uploads, code issuance, recalls and penalties.

Every message is the site's own (bilingual through the catalogues); values are cleaned here
and handed to the views ready to store.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from formulatrust.core.clock import shanghai_now
from formulatrust.domain.gs1 import is_cset82
from formulatrust.domain.labels import FORMATS
from formulatrust.domain.web_address import is_web_address

MAX_CODES = 2000  # codes per request: labels take ~10 ms each to draw
MAX_CODES_SHOWN = f"{MAX_CODES:,}"
MAX_LOTS = 50
PENALTY_STATUSES = ("in_force", "appealed", "corrected", "overturned")
_LOT_SEPARATORS = re.compile(r"[\s,，、;；]+")
DATE = {"type": "date", "autocomplete": "off"}


def _text(field, label_max: int, required: bool, missing) -> None:
    """Strip a text field and check its length; ``missing`` is the message when it is empty."""
    field.data = (field.data or "").strip()
    if required and not field.data:
        raise ValidationError(missing)
    if len(field.data) > label_max:
        raise ValidationError(_l("Use at most %(max)d characters.", max=label_max))


def _date(field) -> None:
    text = (field.data or "").strip()
    if not text:
        raise ValidationError(_l("Enter a date."))
    try:
        field.data = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_l("Enter a real date as YYYY-MM-DD, like 2026-05-01.")) from None


def _confirmation(field, needed: bool, message) -> None:
    """Refuse until ``field``, a box shown only once it is ``needed``, is ticked: a nudge that
    never blocks, since ticking it publishes at once."""
    if needed and not field.data:
        raise ValidationError(message)


def lot_list(text: str | None) -> list[str]:
    """Split the lots box into lots, in order and once each; full-width characters typed with
    a Chinese keyboard become half-width. Case is kept: GS1 lots are case-sensitive."""
    folded = unicodedata.normalize("NFKC", text or "")
    return list(dict.fromkeys(lot for lot in _LOT_SEPARATORS.split(folded) if lot))


def _source_url(field) -> None:
    field.data = (field.data or "").strip()
    if field.data and not is_web_address(field.data):
        raise ValidationError(_l("Enter a web address starting with https:// or http://."))


def _choice(field, message) -> None:
    """Accept only one of the offered values (never the empty "choose …" option)."""
    if not field.data or field.data not in {value for value, _label in field.choices}:
        raise ValidationError(message)


class UploadForm(FlaskForm):
    """One file to import, optionally only checked."""

    file = FileField(_l("File"))
    dry_run = BooleanField(_l("Only check the file: write nothing"))

    def validate_file(self, field) -> None:
        if not isinstance(field.data, FileStorage) or not field.data.filename:
            raise ValidationError(_l("Choose a file to upload."))


class CodesForm(FlaskForm):
    """Issue signed codes for one of the enterprise's batches."""

    gtin = SelectField(_l("Product"), choices=[], validate_choice=False)
    lot = StringField(_l("Lot"), render_kw={"autocomplete": "off", "spellcheck": "false",
                                             "list": "lots"})
    count = StringField(_l("Number of codes"), render_kw={"inputmode": "numeric"})
    fmt = SelectField(_l("Label sheets"), choices=[], validate_choice=False, default="pdf")
    lang = SelectField(_l("Product name on the labels"), choices=[], validate_choice=False)

    def validate_gtin(self, field) -> None:
        _choice(field, _l("Choose one of your products."))

    def validate_lot(self, field) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Enter the lot."))

    def validate_count(self, field) -> None:
        text = (field.data or "").strip().replace(",", "")
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_CODES:
            raise ValidationError(_l("Enter a whole number from 1 to %(max)s.",
                                     max=MAX_CODES_SHOWN))
        field.data = int(text)

    def validate_fmt(self, field) -> None:
        if field.data not in FORMATS:
            raise ValidationError(_l("Choose SVG or PDF."))

    def validate_lang(self, field) -> None:
        _choice(field, _l("Choose Chinese or English."))


MISSING_ENGLISH = _l(
    "The English reason or advice is empty: English readers would see the Chinese, with the "
    "site's general advice on what to do. Add the English, or tick “Publish without English” "
    "to publish now.")


def unknown_lots_message(lots: list[str]):
    """The nudge shown when the site has no record of some recalled lots for the product."""
    return _l(
        "No batch or sampling result of this product has these lots: %(lots)s. Parents scanning "
        "a can see the recall only if its lot matches exactly. Check the lots, or tick “These "
        "lots are correct” to publish now.", lots=", ".join(lots))

# Returns which of the lots the site knows for a product (a batch or a sampling result).
LotLookup = Callable[[int, Iterable[str]], set[str]]


class RecallForm(FlaskForm):
    """A recall: product, lots (none: every lot), date, reason and advice in both languages.

    ``known_lots`` tells which lots the site has heard of for a product; lots it has not are
    nudged for, like the English, never refused: a regulator may recall any lot."""

    lot_list: list[str]
    unknown_lots: list[str]
    known_lots: LotLookup | None = None

    product = SelectField(_l("Product"), choices=[], validate_choice=False)
    lots = TextAreaField(_l("Lots"), render_kw={"rows": 2, "spellcheck": "false"})
    announced_on = StringField(_l("Announced on"), render_kw=DATE)
    reason_zh = TextAreaField(_l("Reason (Chinese)"), render_kw={"rows": 3, "lang": "zh-Hans"})
    reason_en = TextAreaField(_l("Reason (English)"), render_kw={"rows": 3, "lang": "en"})
    action_zh = TextAreaField(_l("What parents should do (Chinese)"),
                              render_kw={"rows": 3, "lang": "zh-Hans"})
    action_en = TextAreaField(_l("What parents should do (English)"),
                              render_kw={"rows": 3, "lang": "en"})
    source_url = StringField(_l("Source (web address of the announcement)"),
                             render_kw={"type": "url", "spellcheck": "false"})
    # Asked for only once the English turns out to be missing: English is nudged for, never
    # required, so that no recall waits for a translation.
    publish_without_english = BooleanField(_l("Publish without English"))
    # Asked for only once a lot turns out to be unknown for the product: likely a typo, which
    # would leave parents scanning the real lot without the recall.
    lots_confirmed = BooleanField(_l("These lots are correct"))

    def validate_product(self, field) -> None:
        _choice(field, _l("Choose the recalled product."))

    def validate_lots(self, field) -> None:
        lots = lot_list(field.data)
        for lot in lots:
            if len(lot) > 20 or not is_cset82(lot):
                raise ValidationError(_l(
                    "“%(lot)s” is not a lot number: use up to 20 letters, digits and the "
                    "punctuation allowed in GS1 codes.", lot=lot[:40]))
        if len(lots) > MAX_LOTS:
            raise ValidationError(_l("List at most %(max)d lots, or leave the box empty to "
                                     "recall every lot.", max=MAX_LOTS))
        self.lot_list = lots  # the box keeps what was typed

    def validate_announced_on(self, field) -> None:
        _date(field)
        today = shanghai_now().date()
        if field.data > today:
            raise ValidationError(_l(
                "“Announced on” cannot be after today, %(today)s (Shanghai time).",
                today=today.isoformat()))

    def validate_reason_zh(self, field) -> None:
        _text(field, 2000, True, _l("Enter the reason in Chinese."))

    def validate_reason_en(self, field) -> None:
        _text(field, 2000, False, None)

    def validate_action_zh(self, field) -> None:
        _text(field, 2000, True, _l("Enter what parents should do, in Chinese."))

    def validate_action_en(self, field) -> None:
        _text(field, 2000, False, None)

    def validate_source_url(self, field) -> None:
        _source_url(field)

    @property
    def english_missing(self) -> bool:
        """Tell whether the English reason or advice is empty."""
        return not ((self.reason_en.data or "").strip() and (self.action_en.data or "").strip())

    def validate_publish_without_english(self, field) -> None:
        _confirmation(field, self.english_missing, MISSING_ENGLISH)

    def validate_lots_confirmed(self, field) -> None:
        self.unknown_lots = self._unknown_lots()
        _confirmation(field, bool(self.unknown_lots),
                      unknown_lots_message(self.unknown_lots))

    def _unknown_lots(self) -> list[str]:
        """The valid lots the site has no record of for the chosen product, in typed order."""
        lots = getattr(self, "lot_list", [])
        if self.known_lots is None or not lots or self.product.errors:
            return []
        known = self.known_lots(int(self.product.data), lots)
        return [lot for lot in lots if lot not in known]


class PenaltyForm(FlaskForm):
    """An administrative penalty decision, with the fields of the enterprise records format."""

    amount: float

    enterprise = SelectField(_l("Enterprise"), choices=[], validate_choice=False)
    decision_no = StringField(_l("Decision number"), render_kw={"spellcheck": "false"})
    decided_on = StringField(_l("Decided on"), render_kw=DATE)
    facts_zh = TextAreaField(_l("Facts (Chinese)"), render_kw={"rows": 4, "lang": "zh-Hans"})
    facts_en = TextAreaField(_l("Facts (English)"), render_kw={"rows": 4, "lang": "en"})
    legal_basis = StringField(_l("Legal basis"))
    amount_yuan = StringField(_l("Fine in yuan"), default="0",
                              render_kw={"inputmode": "decimal"})
    suspended_production = BooleanField(_l("Production was suspended"))
    status = SelectField(_l("Status"), choices=[], validate_choice=False, default="in_force")
    publish_until = StringField(_l("Public until"), render_kw=DATE)
    source_url = StringField(_l("Source (web address of the decision)"),
                             render_kw={"type": "url", "spellcheck": "false"})

    def validate_enterprise(self, field) -> None:
        _choice(field, _l("Choose the enterprise."))

    def validate_decision_no(self, field) -> None:
        _text(field, 100, True, _l("Enter the decision number."))

    def validate_decided_on(self, field) -> None:
        _date(field)

    def validate_facts_zh(self, field) -> None:
        _text(field, 2000, True, _l("Enter the facts in Chinese."))

    def validate_facts_en(self, field) -> None:
        _text(field, 2000, False, None)

    def validate_legal_basis(self, field) -> None:
        _text(field, 300, True, _l("Enter the legal basis."))

    def validate_amount_yuan(self, field) -> None:
        text = (field.data or "").strip().replace(",", "").replace("，", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or not 0 <= amount < 10**12:
            raise ValidationError(_l("Enter the fine as a number of yuan, like 20000 (0 for "
                                     "none)."))
        self.amount = float(amount)  # the box keeps what was typed

    def validate_status(self, field) -> None:
        _choice(field, _l("Choose a status."))

    def validate_publish_until(self, field) -> None:
        _date(field)
        decided = self.decided_on.data
        if isinstance(decided, date) and field.data < decided:
            raise ValidationError(_l("The publication period cannot end before the decision."))

    def validate_source_url(self, field) -> None:
        _source_url(field)


class RecallLifecycleForm(FlaskForm):
    """A recall's level, status (a withdrawal with its reason) and quantities."""

    level = SelectField(_l("Level"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    status_reason = TextAreaField(_l("Why (required to withdraw the recall)"),
                                  render_kw={"rows": 3})
    quantity_affected = StringField(_l("Cans affected (where known)"),
                                    render_kw={"inputmode": "numeric"})
    quantity_recovered = StringField(_l("Cans recovered so far (where known)"),
                                     render_kw={"inputmode": "numeric"})

    def quantity(self, field) -> int | None:
        """Return a whole number, or None for an empty box (the validators checked it)."""
        text = (field.data or "").strip().replace(",", "")
        return int(text) if text else None

    def validate_quantity_affected(self, field) -> None:
        _whole_number(field)

    def validate_quantity_recovered(self, field) -> None:
        _whole_number(field)


def _whole_number(field) -> None:
    text = (field.data or "").strip().replace(",", "")
    if text and (not text.isdigit() or len(text) > 9):
        raise ValidationError(_l("Enter a whole number, like 1200, or leave it empty."))
