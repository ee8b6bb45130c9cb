"""The audit log: who created, changed, published or deleted what, and when.

Entries are added in the same transaction as the change they describe, so a change is never
saved without its entry. They are never updated or deleted (the model refuses it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from formulatrust.publishing.models import AuditEntry, User

ACTIONS = ("create", "change", "publish", "delete", "sign_in", "sign_out_everywhere", "lock",
           "disable", "reset", "purge")


def record(session: Session, user: User | None, action: str, object_type: str,
           object_id: object, summary: dict[str, Any] | None = None) -> AuditEntry:
    """Add an audit entry to ``session``; the caller's commit saves it with the change.

    ``user`` is None for operator commands run on the server. Keep personal data (contacts,
    passwords, secrets) out of ``summary``: say that it changed, not what it was.
    """
    entry = AuditEntry(user_id=user.id if user is not None else None, action=action,
                       object_type=object_type,
                       object_id="" if object_id is None else str(object_id)[:64],
                       summary=_plain(summary or {}))
    session.add(entry)
    return entry


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for the fields whose value differs."""
    return {name: [before.get(name), value] for name, value in after.items()
            if before.get(name) != value}


def _plain(value: Any) -> Any:
    """Make ``value`` JSON-safe: dates as ISO text, tuples as lists."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
