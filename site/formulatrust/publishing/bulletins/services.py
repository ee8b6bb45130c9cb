"""The bulletin editor's writes: each committed with its audit entry in one transaction (the
change feed announces it to every worker), then mirrored in this node's search index.

Shared by the editor pages; the rules of each step live in :mod:`.store`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from formulatrust.core import db
from formulatrust.publishing.bulletins import store
from formulatrust.publishing.bulletins.models import Bulletin, BulletinAttachment
from formulatrust.publishing.models import User

AttachmentError = store.AttachmentError


def _index(bulletin: Bulletin | None, slug: str) -> None:
    store.update_index(current_app.config["SEARCH_INDEX_DIR"], bulletin, slug)


def save_bulletin(user: User | None, bulletin: Bulletin | None, content: dict[str, Any], *,
                  slug: str | None = None, organisation_id: int | None = None,
                  publish: bool = False, publish_at: datetime | None = None) -> Bulletin:
    """Create (with ``slug``) or change a bulletin, and with ``publish`` publish it now or at
    ``publish_at``; raises ``IntegrityError`` when the same slug or version was saved a moment
    earlier (nothing written)."""
    with db.transaction() as session:
        if bulletin is None:
            bulletin = store.create(session, user, slug or "", content,
                                    organisation_id=organisation_id)
        else:
            store.save(session, user, bulletin, content)
        if publish:
            store.publish(session, user, bulletin, publish_at)
    _index(bulletin, bulletin.slug)
    return bulletin


def unpublish_bulletin(user: User | None, bulletin: Bulletin) -> None:
    """Take a published or scheduled bulletin back to a draft readers no longer see."""
    with db.transaction() as session:
        store.unpublish(session, user, bulletin)
    _index(None, bulletin.slug)


def delete_bulletin(user: User | None, bulletin: Bulletin) -> None:
    """Delete a bulletin with its versions and files."""
    slug = bulletin.slug
    with db.transaction() as session:
        store.delete(session, user, bulletin)
    _index(None, slug)


def attach_file(user: User | None, bulletin: Bulletin, filename: str, declared_type: str,
                data: bytes, limit: int) -> BulletinAttachment:
    """Check and attach a PDF; raises ``AttachmentError`` (nothing written) for a bad one."""
    with db.transaction() as session:
        return store.attach(session, user, bulletin, filename, declared_type, data, limit)


def detach_file(user: User | None, attachment: BulletinAttachment) -> None:
    """Remove a file from its bulletin."""
    with db.transaction() as session:
        store.detach(session, user, attachment)
