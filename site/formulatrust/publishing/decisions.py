"""Recording a regulator's decision from a queue page (review proposals, appeals)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_wtf import FlaskForm
from wtforms import Field


def record_decision(form: FlaskForm, decide: Callable[[], object], refused: type[Exception],
                    messages: Mapping[str, str], field: Field) -> bool:
    """Validate ``form`` and run ``decide`` (a service that commits); return True when recorded.

    A decision the service refuses (``refused``, with a ``code``) puts its message under
    ``field``; the service wrote nothing.
    """
    if not form.validate():
        return False
    try:
        decide()
    except refused as error:
        field.errors = [messages[error.code]]  # type: ignore[attr-defined]
        return False
    return True
