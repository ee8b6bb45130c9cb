"""Every version of a batch's trace record, oldest first, for the public history page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from formulatrust.core import db
from formulatrust.domain.batch_history import differences
from formulatrust.enterprises.models import Product
from formulatrust.scan import trace_import
from formulatrust.scan.models import Batch

Version = tuple[int, dict[str, Any], datetime | None]


@dataclass(frozen=True)
class BatchHistory:
    batch: Batch
    versions: list[Version]  # newest first; the current one has no "replaced at"
    changes: list[tuple[Version, Any]]  # each version with what it changed, newest first


def batch_history(gtin: str, lot: str, language: str) -> BatchHistory | None:
    """Return the versions of batch ``lot`` of product ``gtin``, or None if there is none."""
    batch = db.session().scalar(
        select(Batch).join(Product).where(Product.gtin == gtin, Batch.lot == lot)
        .options(selectinload(Batch.revisions), selectinload(Batch.factory)))
    if batch is None:
        return None
    versions: list[Version] = [(revision.version, revision.data, revision.replaced_at)
                               for revision in sorted(batch.revisions, key=lambda r: r.version)]
    versions.append((batch.version, trace_import.snapshot(batch), None))
    changes = [(newer, differences(older[1], newer[1], language))
               for older, newer in zip(versions, versions[1:], strict=False)]
    return BatchHistory(batch, list(reversed(versions)), list(reversed(changes)))
