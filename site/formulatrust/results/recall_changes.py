"""Changing a published recall: its level, status and quantities, each version kept public.

Used by the regulators' form and by ``flask --app wsgi recalls status``; every change keeps the
version it replaces, is audited, and a withdrawal needs its reason.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.results.models import RECALL_LEVELS, RECALL_STATUSES, Recall, RecallRevision

LIFECYCLE = ("level", "status", "status_reason", "quantity_affected", "quantity_recovered")
MIN_REASON = 10
STATUS_NAMES = {"ongoing": _l("Ongoing"), "completed": _l("Completed: cans stay recalled"),
                "withdrawn": _l("Withdrawn by the regulator")}
LEVEL_NAMES = {1: _l("Level 1 (most serious)"), 2: _l("Level 2"), 3: _l("Level 3")}
FIELD_NAMES = {"level": _l("Level"), "status": _l("Status"), "status_reason": _l("Why"),
               "quantity_affected": _l("Cans affected"),
               "quantity_recovered": _l("Cans recovered")}


def status_name(status: str) -> str:
    """Return a recall status in the reader's language."""
    return str(STATUS_NAMES.get(status, status))


def level_name(level: int | None) -> str:
    """Return a recall level in the reader's language ("" when not stated)."""
    return str(LEVEL_NAMES.get(level, "")) if level else ""


def field_name(name: str) -> str:
    """Return the name of a recall's lifecycle field in the reader's language."""
    return str(FIELD_NAMES.get(name, name))


class RecallChangeError(ValueError):
    """A change that cannot be made; ``code`` says why (views and commands word it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def snapshot(recall: Recall) -> dict:
    """Return the recall's published fields as JSON, to keep when it changes."""
    values = {name: getattr(recall, name) for name in (
        "lots", "reason_zh", "reason_en", "action_zh", "action_en", "source_url",
        *LIFECYCLE)}
    values["announced_on"] = recall.announced_on.isoformat()
    values["version"] = recall.version
    return values


def change(session: Session, user: User | None, recall: Recall, values: dict) -> bool:
    """Apply lifecycle ``values``; keep the replaced version; return False if nothing changed."""
    values = {name: values[name] for name in LIFECYCLE if name in values}
    values["status_reason"] = (values.get("status_reason") or "").strip()
    if values.get("status", recall.status) not in RECALL_STATUSES:
        raise RecallChangeError("status")
    if values.get("level") not in (None, *RECALL_LEVELS):
        raise RecallChangeError("level")
    if values.get("status") == "withdrawn" and len(values["status_reason"]) < MIN_REASON:
        raise RecallChangeError("reason")
    for name in ("quantity_affected", "quantity_recovered"):
        if values.get(name) is not None and values[name] < 0:
            raise RecallChangeError("quantity")
    before = {name: getattr(recall, name) for name in values}
    if before == values:
        return False
    session.add(RecallRevision(recall_id=recall.id, version=recall.version,
                               data=snapshot(recall), replaced_by_id=user.id if user else None))
    for name, value in values.items():
        setattr(recall, name, value)
    recall.version += 1
    audit.record(session, user, "change", "recall", recall.id, audit.changes(before, values))
    return True


def history(recall: Recall) -> list[tuple[int, dict, date | None]]:
    """Return (version, what changed from the version before, when) newest first."""
    versions: list[tuple[int, dict, datetime | None]] = [
        (r.version, r.data, r.replaced_at) for r in recall.revisions]
    versions.append((recall.version, snapshot(recall), None))
    shown = []
    for (_v, older, _when), (number, newer, _) in zip(versions, versions[1:], strict=False):
        changed = {name: (older.get(name), newer.get(name)) for name in LIFECYCLE
                   if older.get(name) != newer.get(name)}
        shown.append((number, changed, _when))
    return list(reversed(shown))
