"""Problem reports about a can: their categories and statuses, shared by the public form, the
status page and the regulators' queue (``publishing/admin.py``)."""

from __future__ import annotations

import hmac
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3

from formulatrust.core import db
from formulatrust.scan.models import ProblemReport

CATEGORIES = [
    SelectChoice("counterfeit", _l("I think the can is not genuine")),
    SelectChoice("damaged", _l("The can or seal was damaged")),
    SelectChoice("quality", _l("The powder looks, smells or dissolves wrongly")),
    SelectChoice("health", _l("My baby became unwell after feeding")),
    SelectChoice("label", _l("The label is wrong or missing information")),
    SelectChoice("other", _l("Something else")),
]
STATUSES = {"new": _l("New"), "investigating": _l("Investigating"), "closed": _l("Closed")}
STATUS_MEANINGS = {
    "new": _l("Received; a regulator has not looked at it yet."),
    "investigating": _l("A regulator is looking into it."),
    "closed": _l("The regulator has finished with it."),
}
# Reports move forward only; nonsense and duplicates may be closed straight away.
TRANSITIONS = {"new": ("investigating", "closed"), "investigating": ("closed",), "closed": ()}
REFERENCE_LENGTH = 8


def normalise_reference(text: str) -> str:
    """Return a typed reference as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:16]


def find_for_status(session: Session, reference: str, last_four: str) -> ProblemReport | None:
    """Return the report ``reference`` if ``last_four`` are the last four characters of its
    contact (any text when the report has no contact, or it was deleted), else None."""
    report = session.scalar(select(ProblemReport).where(
        ProblemReport.reference == normalise_reference(reference)))
    if report is None:
        return None
    contact = report.contact.replace(" ", "")
    if contact and not hmac.compare_digest(contact[-4:].lower(),
                                           last_four.strip().replace(" ", "").lower()):
        return None
    return report


def file_report(gtin: str, lot: str, serial: str, category: str, description: str,
                contact: str) -> str:
    """Store a parent's report about a can for the regulators' queue; return its reference."""
    reference = secrets.token_hex(REFERENCE_LENGTH // 2).upper()
    with db.transaction() as session:
        session.add(ProblemReport(
            reference=reference, gtin=gtin, lot=lot[:20], serial=serial[:20], category=category,
            description=description.strip(), contact=contact))
    return reference


def report_exists(reference: str) -> bool:
    """Return whether a report with this reference was filed."""
    return db.session().scalar(select(ProblemReport.id).where(
        ProblemReport.reference == reference[:16])) is not None
