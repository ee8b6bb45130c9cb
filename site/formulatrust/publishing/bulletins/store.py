"""Bulletins: who sees what, saving with revisions, publishing, PDF files and the search index.

Functions take the session and the acting user; each change adds its audit entry in the same
transaction, and the caller commits. The search index is updated after the commit
(``update_index``), so a failed save never leaves a stray document behind.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.pages.search_documents import bulletin_document
from formulatrust.publishing import audit
from formulatrust.publishing.bulletins.models import CONTENT_FIELDS, Bulletin, BulletinAttachment
from formulatrust.publishing.bulletins.models import BulletinRevision as Revision
from formulatrust.publishing.models import User
from formulatrust.search import add_to_index, index_write, remove_from_index

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 80
PDF_MAGIC = b"%PDF-"
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
DEFAULT_MAX_ATTACHMENT = 5 * 1024 * 1024
MAX_ATTACHMENTS = 10
# Short fields whose old and new values go into the audit log; long ones are only named.
AUDITED_VALUES = ("organisation_zh", "organisation_en", "title_zh", "title_en")


class AttachmentError(ValueError):
    """A file that cannot be attached; ``code`` names the rule, the view chooses the words."""

    def __init__(self, code: str, limit: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit


def visible(now: datetime | None = None) -> ColumnElement[bool]:
    """Return the SQL condition for bulletins readers see: published and due."""
    return and_(Bulletin.status == "published", Bulletin.publish_at <= (now or utcnow()))


def visible_page(session: Session, page: int, per_page: int) -> tuple[list[Bulletin], int]:
    """Return one page of visible bulletins, newest first, and the number of them."""
    total = session.scalar(select(func.count(Bulletin.id)).where(visible())) or 0
    items = session.scalars(
        select(Bulletin).where(visible())
        .order_by(Bulletin.publish_at.desc(), Bulletin.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return list(items), total


def latest(session: Session, limit: int) -> list[Bulletin]:
    """Return the newest visible bulletins."""
    return visible_page(session, 1, limit)[0]


def visible_slugs(session: Session, slugs: Iterable[str]) -> set[str]:
    """Return which of ``slugs`` name bulletins readers may see now."""
    wanted = list(slugs)
    if not wanted:
        return set()
    return set(session.scalars(select(Bulletin.slug).where(Bulletin.slug.in_(wanted),
                                                           visible())))


def last_corrections(session: Session, ids: list[int]) -> dict[int, datetime]:
    """Return when each bulletin's text readers had seen was last replaced."""
    if not ids:
        return {}
    rows = session.execute(select(Revision.bulletin_id, func.max(Revision.replaced_at))
                           .where(Revision.bulletin_id.in_(ids), Revision.public)
                           .group_by(Revision.bulletin_id))
    return {bulletin_id: moment for bulletin_id, moment in rows}


def by_slug(session: Session, slug: str) -> Bulletin | None:
    """Return the bulletin with ``slug``, visible or not."""
    return session.scalar(select(Bulletin).where(Bulletin.slug == slug))


def may_edit(user: User | None, bulletin: Bulletin) -> bool:
    """Tell whether ``user`` may change ``bulletin``: administrators, and the editors of the
    organisation that publishes it (colleagues share their organisation's bulletins)."""
    if user is None:
        return False
    return user.role == "admin" or (
        user.role == "association" and user.organisation_id is not None
        and bulletin.organisation_id == user.organisation_id)


def editable(session: Session, user: User) -> list[Bulletin]:
    """Return the bulletins ``user`` may change, most recently changed first."""
    query = select(Bulletin).order_by(Bulletin.updated_at.desc(), Bulletin.id.desc())
    if user.role != "admin":
        query = query.where(Bulletin.organisation_id == user.organisation_id,
                            Bulletin.organisation_id.is_not(None))
    return list(session.scalars(query))


def speaking_for(user: User | None, bulletin: Bulletin | None) -> dict:
    """Return the organisation fields a bulletin is published under: the account's own
    organisation, never a typed name (an administrator editing keeps the bulletin's)."""
    if bulletin is not None and (user is None or user.role == "admin"):
        return {"organisation_id": bulletin.organisation_id,
                "organisation_zh": bulletin.organisation_zh,
                "organisation_en": bulletin.organisation_en}
    organisation = user.organisation if user is not None else None
    if organisation is None:  # views refuse to save for an account without an organisation
        return {"organisation_id": None, "organisation_zh": "", "organisation_en": ""}
    return {"organisation_id": organisation.id, "organisation_zh": organisation.name_zh,
            "organisation_en": organisation.name_en}


def public_revisions(bulletin: Bulletin, editor: bool) -> list[Revision]:
    """Return the earlier versions a reader may see (editors see drafts' versions too)."""
    return [revision for revision in bulletin.revisions if editor or revision.public]


def new_slug(session: Session, title_en: str, now: datetime | None = None) -> str:
    """Make a free slug from the English title, else from the date."""
    words = unicodedata.normalize("NFKD", title_en).encode("ascii", "ignore").decode().lower()
    base = "-".join(re.findall(r"[a-z0-9]+", words))[:60].strip("-")
    base = base or f"bulletin-{(now or utcnow()):%Y%m%d}"
    slug = base
    while session.scalar(select(Bulletin.id).where(Bulletin.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def slug_taken(session: Session, slug: str) -> bool:
    """Tell whether a bulletin already uses ``slug``."""
    return session.scalar(select(Bulletin.id).where(Bulletin.slug == slug)) is not None


def create(session: Session, user: User | None, slug: str, content: dict,
           is_demo: bool = False, organisation_id: int | None = None) -> Bulletin:
    """Add a draft bulletin with ``content`` (the fields in ``CONTENT_FIELDS``), published
    under ``organisation_id`` (by default the author's organisation)."""
    now = utcnow()
    if organisation_id is None and user is not None:
        organisation_id = user.organisation_id
    bulletin = Bulletin(slug=slug, author_id=user.id if user else None,
                        organisation_id=organisation_id,
                        edited_by_id=user.id if user else None, status="draft",
                        is_demo=is_demo, created_at=now, updated_at=now, **content)
    session.add(bulletin)
    session.flush()
    audit.record(session, user, "create", "bulletin", bulletin.id,
                 {"slug": slug, "title_zh": bulletin.title_zh})
    return bulletin


def save(session: Session, user: User | None, bulletin: Bulletin, content: dict) -> bool:
    """Change the text, keeping the version it replaces; return False when nothing changed."""
    before = bulletin.content()
    changed = [name for name in CONTENT_FIELDS if before[name] != content[name]]
    if not changed:
        return False
    number = (session.scalar(select(func.max(Revision.number))
                             .where(Revision.bulletin_id == bulletin.id)) or 0) + 1
    now = utcnow()
    session.add(Revision(bulletin_id=bulletin.id, number=number, **before,
                         edited_by_id=bulletin.edited_by_id, edited_at=bulletin.updated_at,
                         replaced_at=now, public=bulletin.is_visible(now)))
    for name in changed:
        setattr(bulletin, name, content[name])
    bulletin.edited_by_id = user.id if user else None
    bulletin.updated_at = now
    summary: dict = {"changed": changed, "revision": number}
    summary.update({name: [before[name], content[name]] for name in changed
                    if name in AUDITED_VALUES})
    audit.record(session, user, "change", "bulletin", bulletin.id, summary)
    return True


def publish(session: Session, user: User | None, bulletin: Bulletin,
            when: datetime | None = None) -> None:
    """Publish now, or at ``when`` (readers see it from then on)."""
    now = utcnow()
    bulletin.status = "published"
    bulletin.publish_at = when or now
    audit.record(session, user, "publish", "bulletin", bulletin.id,
                 {"publish_at": bulletin.publish_at,
                  "scheduled": bool(when and when > now)})


def unpublish(session: Session, user: User | None, bulletin: Bulletin) -> None:
    """Take the bulletin back to a draft that readers no longer see."""
    audit.record(session, user, "unpublish", "bulletin", bulletin.id,
                 {"publish_at": [bulletin.published_at, None]})
    bulletin.status = "draft"
    bulletin.publish_at = None


def delete(session: Session, user: User | None, bulletin: Bulletin) -> None:
    """Delete the bulletin with its versions and files; the audit log keeps what it was."""
    audit.record(session, user, "delete", "bulletin", bulletin.id,
                 {"slug": bulletin.slug, "title_zh": bulletin.title_zh,
                  "revisions": len(bulletin.revisions),
                  "attachments": [each.filename for each in bulletin.attachments]})
    session.delete(bulletin)


def plain_filename(name: str) -> str:
    """Return a file name without folders, quotes, control characters or doubled spaces."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"')
    return " ".join(name.split()).strip(" .")[:200]


def clean_filename(name: str) -> str:
    """Return a safe download name: a plain file name ending in .pdf."""
    name = plain_filename(name)
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem[:150].strip(" .") or "attachment"
    return f"{stem}.pdf"


def check_pdf(filename: str, declared_type: str, data: bytes, limit: int) -> None:
    """Refuse anything but a PDF within ``limit`` bytes, raising AttachmentError."""
    if not data:
        raise AttachmentError("empty")
    if len(data) > limit:
        raise AttachmentError("too_large", limit)
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in PDF_TYPES or not (filename or "").lower().endswith(".pdf"):
        raise AttachmentError("not_declared_pdf")
    if not data.startswith(PDF_MAGIC):
        raise AttachmentError("not_pdf")


def attach(session: Session, user: User | None, bulletin: Bulletin, filename: str,
           declared_type: str, data: bytes, limit: int) -> BulletinAttachment:
    """Check and attach a PDF to ``bulletin``."""
    check_pdf(filename, declared_type, data, limit)
    if len(bulletin.attachments) >= MAX_ATTACHMENTS:
        raise AttachmentError("too_many", MAX_ATTACHMENTS)
    attachment = BulletinAttachment(bulletin=bulletin, filename=clean_filename(filename),
                                    size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                    data=data, uploaded_by_id=user.id if user else None)
    session.add(attachment)
    session.flush()
    audit.record(session, user, "create", "bulletin_attachment", attachment.id,
                 {"bulletin": bulletin.slug, "filename": attachment.filename,
                  "size": attachment.size, "sha256": attachment.sha256})
    return attachment


def detach(session: Session, user: User | None, attachment: BulletinAttachment) -> None:
    """Remove a file from its bulletin."""
    audit.record(session, user, "delete", "bulletin_attachment", attachment.id,
                 {"bulletin": attachment.bulletin.slug, "filename": attachment.filename})
    session.delete(attachment)


def update_index(index_dir: str, bulletin: Bulletin | None, slug: str) -> None:
    """Put a published bulletin in this node's search index, or take it out.

    Scheduled bulletins are indexed at once and filtered from search results until they are
    due. A failure is logged, not raised: the change is saved, and ``search rebuild`` mends it.
    """
    with index_write(f"bulletin {slug}"):
        if bulletin is not None and bulletin.status == "published":
            add_to_index(index_dir, [bulletin_document(bulletin)])
        elif Path(index_dir).exists():
            remove_from_index(index_dir, "bulletin", slug)
