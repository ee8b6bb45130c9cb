"""Plain-language, translatable explanations of why a code could not be read."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formulatrust.core.errors import render_error
from formulatrust.domain.gs1 import Gs1Error, check_qualifier, known_ai

PARTS = {
    "gtin": _l("the product number (GTIN, after /01/)"),
    "10": _l("the batch/lot number (after /10/)"),
    "21": _l("the serial number (after /21/)"),
    "22": _l("the variant code (after /22/)"),
    "17": _l("the expiry date (17)"),
    "15": _l("the best-before date (15)"),
    "11": _l("the production date (11)"),
    "query": _l("the part after the question mark"),
}

GS1_MESSAGES = {
    "not_gs1": _l("This is not a product code we can read."),
    "gtin_length": _l("The product number must have 8, 12, 13 or 14 digits."),
    "gtin_check_digit": _l("The product number's last digit (check digit) is wrong; "
                           "a digit was probably mistyped."),
    "bad_charset": _l("%(part)s contains a character that is not allowed in product codes."),
    "empty_value": _l("%(part)s is empty."),
    "too_long": _l("%(part)s is longer than 20 characters."),
    "bad_date": _l("%(part)s is not a valid date (YYMMDD)."),
    "unknown_ai": _l("The code contains an element this site does not know (%(ai)s)."),
    "qualifier_order": _l("The parts are in the wrong order: the batch (10) must come before "
                          "the serial (21)."),
    "duplicate_ai": _l("%(part)s appears twice."),
    "lot_in_query": _l("The batch number must be in the path (/10/…), not after the "
                       "question mark."),
    "serial_in_query": _l("The serial number must be in the path (/21/…), not after the "
                          "question mark."),
    "cpv_in_query": _l("The variant code must be in the path (/22/…), not after the "
                       "question mark."),
    "trailing_data": _l("There is something extra at the end of the code."),
    "bad_escape": _l("%(part)s contains a broken %%-escape."),
    "not_qualifier": _l("%(part)s cannot appear in the path; it belongs after the question mark."),
    "bad_attribute": _l("%(part)s does not have the format GS1 defines for it (%(ai)s)."),
    "not_attribute": _l("%(part)s is another kind of key, not information about this product "
                        "(%(ai)s)."),
}

SHORT_CODE_MESSAGES = {
    "length": _l("A short code has 14 characters (letters and digits, in groups of four)."),
    "bad_char": _l("The short code contains a character that is never printed in short codes."),
    "check": _l("The short code does not add up: a character was probably mistyped. "
                "Check each character against the can."),
    "forged": _l("This short code was not issued by this site. Check it against the can; "
                 "if it is right, the can may not be genuine."),
}


def gs1_message(code: str, part: str) -> str:
    """Return the message for a GS1 error code about ``part``."""
    label = PARTS.get(part) or (_("element (%(ai)s)", ai=part) if part.isdigit() else _("the code"))
    known = known_ai(part) if part.isdigit() and part not in PARTS else None
    if known is not None:
        label = _("the %(title)s element (%(ai)s)", title=known.data_title, ai=part)
    text = GS1_MESSAGES.get(code, GS1_MESSAGES["not_gs1"])
    return str(text) % {"part": str(label)[:1].upper() + str(label)[1:], "ai": part}


def malformed_qualifiers(lot: str | None = None, serial: str | None = None) -> Response | None:
    """The bilingual 400 for a lot or serial taken from an address that no can could carry;
    None when each one given (not empty) is well-formed."""
    try:
        for ai, value in (("10", lot), ("21", serial)):
            if value:
                check_qualifier(ai, value)
    except Gs1Error as error:
        return render_error(400, gs1_message(error.code, error.part))
    return None
