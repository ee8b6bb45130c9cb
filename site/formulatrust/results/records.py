"""A sampling result as published: every field of the results dataset, for the API, the
downloads and the complete data file."""

from __future__ import annotations

from typing import Any

from flask import url_for

from formulatrust.core.clock import rfc3339
from formulatrust.open_data.fields import RESULTS
from formulatrust.results.models import SamplingResult

# Fields read straight from the model; the rest are formatted in ``full_json``.
FORMATTED = {"announced_on", "updated_at", "failed_items", "permalink"}
PLAIN_FIELDS = [f.key for f in RESULTS.fields if "[" not in f.key and f.key not in FORMATTED]


def full_json(result: SamplingResult) -> dict[str, Any]:
    """Return every published field of a result (the fields of ``RESULTS``)."""
    body = {name: getattr(result, name) for name in PLAIN_FIELDS}
    body.update(
        announced_on=result.announced_on.isoformat() if result.announced_on else None,
        updated_at=rfc3339(result.updated_at) if result.updated_at else None,
        failed_items=[{"item": f.item, "item_raw": f.item_raw, "measured": f.measured,
                       "limit": f.limit,
                       "label_requirement": f.label_requirement}
                      for f in result.failed_items],
        permalink=url_for("results.detail", result_id=result.id, _external=True),
        source_url=result.source_url or None)
    return body
