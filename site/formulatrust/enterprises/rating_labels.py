"""The reader-facing names of rating criteria, grade caps and penalty or appeal statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CRITERIA = {
    "sampling": _l("Sampling record"), "penalties": _l("Administrative penalties"),
    "inspections": _l("Inspections and rectification"),
    "self_inspection": _l("Self-inspection reports"),
    "certifications": _l("Certifications"), "complaints": _l("Complaints handled"),
}
CAPS = {"serious_failure_12_months": _l("A serious sampling failure in the last 12 months "
                                        "limits the grade to C."),
        "production_suspended": _l("A penalty that suspended production limits the grade to C.")}
STATUSES = {"in_force": _l("in force"), "appealed": _l("under appeal"),
            "corrected": _l("corrected"), "overturned": _l("overturned on appeal"),
            "none": _l("no appeal"), "filed": _l("filed"), "upheld": _l("decision upheld"),
            "granted": _l("granted"), "changed": _l("changed"),
            "renewed": _l("renewed")}


def criterion_label(name: str) -> str:
    """Return the reader-facing name of a rating criterion."""
    return str(CRITERIA.get(name, name))


def cap_label(name: str) -> str:
    """Explain a grade cap."""
    return str(CAPS.get(name, name))


def status_label(name: str) -> str:
    """Return the reader-facing name of a penalty or appeal status."""
    return str(STATUSES.get(name, name))
