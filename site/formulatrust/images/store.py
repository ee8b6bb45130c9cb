"""Storing, finding, reviewing and purging uploaded images.

Functions take the session and the acting user; each change adds its audit entry in the same
transaction; ``upload``, ``review`` and ``purge`` commit it, the building blocks under them leave
it to their caller. Whoever uses images (showcases today, articles later)
registers a function returning the keys it refers to, so ``images purge`` never deletes an
image still in a saved version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.core.clock import utcnow
from formulatrust.core.db import committing
from formulatrust.images.models import ImageVariant, StoredImage
from formulatrust.images.processing import ImageProblem, Limits, Prepared, prepare
from formulatrust.publishing import audit
from formulatrust.publishing.models import User

ALT_MAX = 200
REASON_MAX = 500
ADDRESS = re.compile(r"/images/([0-9a-f]{32})")
KeyUsers = Callable[[Session], set[str]]
_users: list[KeyUsers] = []


def limits_from(config: dict) -> Limits:
    """Read the upload limits from the application's settings."""
    default = Limits()
    return Limits(max_bytes=int(config.get("IMAGE_MAX_BYTES", default.max_bytes)),
                  min_side=int(config.get("IMAGE_MIN_SIDE", default.min_side)),
                  max_side=int(config.get("IMAGE_MAX_SIDE", default.max_side)),
                  max_pixels=int(config.get("IMAGE_MAX_PIXELS", default.max_pixels)))


def describe_problems(alt_zh: str, alt_en: str, declared: bool) -> list[str]:
    """Return codes for what the uploader must still give: ``alt_zh``, ``alt_en``,
    ``declaration``."""
    problems = [code for code, text in (("alt_zh", alt_zh), ("alt_en", alt_en))
                if not text.strip() or len(text) > ALT_MAX]
    return problems + ([] if declared else ["declaration"])


def key_for(owner_kind: str, owner_ref: str, prepared: Prepared) -> str:
    """Name an image by its owner and its encoded content, so a new content is a new URL."""
    digest = hashlib.sha256(f"{owner_kind}\0{owner_ref}\0".encode())
    digest.update(prepared.variants[-1].data)
    return digest.hexdigest()[:32]


def upload(session: Session, user: User | None, *, owner_kind: str, owner_ref: str,
           enterprise_id: int | None, data: bytes, alt_zh: str, alt_en: str, declared: bool,
           limits: Limits) -> StoredImage:
    """Check, re-encode and store an upload with its audit entry; commit. Raise ImageProblem
    with what is wrong (nothing stored)."""
    with committing(session):
        return add(session, user, owner_kind=owner_kind, owner_ref=owner_ref,
                   enterprise_id=enterprise_id, data=data, alt_zh=alt_zh, alt_en=alt_en,
                   declared=declared, limits=limits)


def add(session: Session, user: User | None, *, owner_kind: str, owner_ref: str,
        enterprise_id: int | None, data: bytes, alt_zh: str, alt_en: str, declared: bool,
        limits: Limits) -> StoredImage:
    """Check, re-encode and store an upload; raise ImageProblem with what is wrong. The caller
    commits (``upload`` does)."""
    alt_zh, alt_en = " ".join(alt_zh.split()), " ".join(alt_en.split())
    missing = describe_problems(alt_zh, alt_en, declared)
    if missing:
        raise ImageProblem(missing[0])
    prepared = prepare(data, limits)
    key = key_for(owner_kind, owner_ref, prepared)
    existing = session.scalar(select(StoredImage).where(StoredImage.key == key))
    if existing is not None:  # the same picture uploaded again for the same owner
        return existing
    image = StoredImage(key=key, owner_kind=owner_kind, owner_ref=owner_ref,
                        enterprise_id=enterprise_id, extension=prepared.extension,
                        width=prepared.width, height=prepared.height, alt_zh=alt_zh,
                        alt_en=alt_en, declared_no_infant=True,
                        uploaded_by_id=user.id if user else None, uploaded_at=utcnow(),
                        review_status="pending", review_reason="")
    image.variants = [ImageVariant(width=each.width, height=each.height, size=len(each.data),
                                   data=each.data) for each in prepared.variants]
    session.add(image)
    session.flush()
    audit.record(session, user, "create", "image", image.id,
                 {"owner": f"{owner_kind}:{owner_ref}", "key": key,
                  "size": [prepared.width, prepared.height],
                  "declared_no_infant": True})
    return image


def key_of(address: str) -> str | None:
    """Return the image key in an address like ``/images/<key>``, or None."""
    found = ADDRESS.fullmatch(address.strip())
    return found.group(1) if found else None


def by_key(session: Session, key: str) -> StoredImage | None:
    return session.scalar(select(StoredImage).where(StoredImage.key == key)
                          .options(selectinload(StoredImage.variants)))


def by_keys(session: Session, keys: Iterable[str]) -> dict[str, StoredImage]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    found = session.scalars(select(StoredImage).where(StoredImage.key.in_(wanted))
                            .options(selectinload(StoredImage.variants)))
    return {image.key: image for image in found}


def for_owner(session: Session, owner_kind: str, owner_ref: str) -> list[StoredImage]:
    """Return an owner's images, newest first."""
    return list(session.scalars(select(StoredImage).where(
        StoredImage.owner_kind == owner_kind, StoredImage.owner_ref == owner_ref)
        .order_by(StoredImage.uploaded_at.desc(), StoredImage.id.desc())))


def variant(session: Session, key: str, width: int, extension: str) -> ImageVariant | None:
    """Return the served width of a shown image, or None."""
    return session.scalar(select(ImageVariant).join(StoredImage).where(
        StoredImage.key == key, StoredImage.extension == extension,
        StoredImage.review_status != "rejected", ImageVariant.width == width))


# The regulators' review -------------------------------------------------------------------

def to_review(session: Session) -> list[StoredImage]:
    """Return the images no regulator has looked at yet, oldest first."""
    return list(session.scalars(select(StoredImage).where(
        StoredImage.review_status == "pending")
        .options(selectinload(StoredImage.uploaded_by))
        .order_by(StoredImage.uploaded_at, StoredImage.id)))


def review(session: Session, user: User, image: StoredImage, approve: bool,
           reason: str) -> None:
    """Record a regulator's decision, audited; commit. A rejected image leaves every page at
    once."""
    with committing(session):
        image.review_status = "approved" if approve else "rejected"
        image.review_reason = " ".join(reason.split())[:REASON_MAX]
        image.reviewed_by_id = user.id
        image.reviewed_at = utcnow()
        audit.record(session, user, "approve" if approve else "reject", "image", image.id,
                     {"owner": f"{image.owner_kind}:{image.owner_ref}", "key": image.key,
                      "reason": image.review_reason})


# Unused images ------------------------------------------------------------------------------

def register_user(users: KeyUsers) -> None:
    """Add a function that returns the image keys some kind of content refers to."""
    if users not in _users:
        _users.append(users)


def used_keys(session: Session) -> set[str]:
    if not _users:  # without them every image would look unused
        raise RuntimeError("no user of images is registered; import the areas that use them")
    keys: set[str] = set()
    for users in _users:
        keys |= users(session)
    return keys


def unused(session: Session, before: datetime | None = None) -> list[StoredImage]:
    """Return images no saved version refers to (uploaded before ``before``, if given)."""
    used = used_keys(session)
    query = select(StoredImage).order_by(StoredImage.id)
    if before is not None:
        query = query.where(StoredImage.uploaded_at < before)
    return [image for image in session.scalars(query) if image.key not in used]


def purge(session: Session, user: User | None, images: Iterable[StoredImage]) -> None:
    """Delete ``images``, each with its audit entry, in one transaction; commit."""
    with committing(session):
        for image in images:
            delete(session, user, image)


def delete(session: Session, user: User | None, image: StoredImage) -> None:
    """Delete one image with its audit entry (the caller commits)."""
    audit.record(session, user, "delete", "image", image.id,
                 {"owner": f"{image.owner_kind}:{image.owner_ref}", "key": image.key})
    session.delete(image)
