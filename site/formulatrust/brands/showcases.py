"""Brand showcases edited in the browser: saving versions, the compliance gate, waivers, search.

Functions take the session and the acting user; each change adds its audit entry in the same
transaction. The editor's and the regulators' actions (``save_draft``, ``save_and_publish``,
``take_down``, ``record_waiver``) commit and then bring the search index up to date; the
building blocks under them leave the commit to their caller (the demo loader). Publishing
runs the same advertising-compliance checker as the files in ``content/brands/`` (a showcase
is promotional, in the context of the brand's youngest product stage) and refuses while any
finding has no regulator's waiver. Waivers are per showcase, rule and phrase as written, so
they keep covering the phrase in later versions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from formulatrust.brands.models import CONTENT_FIELDS, Showcase, ShowcaseRevision, ShowcaseWaiver
from formulatrust.core.clock import today_in_shanghai, utcnow
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.content import Library, render_markdown
from formulatrust.core.db import committing
from formulatrust.domain.compliance import Finding, RuleSet, Waiver, check_parts, split_waived
from formulatrust.enterprises.models import Brand
from formulatrust.images import store as images
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.search import add_to_index, index_write

REASON_MIN, REASON_MAX = 10, 500
IMAGE = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\balt="[^"]*[^"\s][^"]*"')
SRC = re.compile(r'\bsrc="([^"]*)"')


class WaiverError(ValueError):
    """A waiver that cannot be recorded; ``code`` names why, the view chooses the words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Who, what, where ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchIndex:
    """Where the search index is, and the file content a brand's page falls back on."""

    directory: str
    library: Library | None = None


def owner_of(session: Session, slug: str) -> int | None:
    """Return the enterprise owning brand ``slug`` (None when there is no such brand)."""
    return session.scalar(select(Brand.enterprise_id).where(Brand.slug == slug))


def all_brands(session: Session) -> list[Brand]:
    """Return every brand with its enterprise, by slug."""
    return list(session.scalars(select(Brand).options(selectinload(Brand.enterprise))
                                .order_by(Brand.slug)))


def brand_by_slug(session: Session, slug: str) -> Brand | None:
    """Return the brand ``slug`` with its enterprise and products."""
    return session.scalar(select(Brand).where(Brand.slug == slug).options(
        selectinload(Brand.enterprise), selectinload(Brand.products)))


def for_brand(session: Session, brand: Brand) -> Showcase | None:
    """Return the brand's web-edited showcase, or None."""
    return session.scalar(select(Showcase).where(Showcase.brand_id == brand.id))


def published_for(session: Session, brand_id: int) -> ShowcaseRevision | None:
    """Return the published version of a brand's showcase, or None."""
    showcase = session.scalar(select(Showcase).where(Showcase.brand_id == brand_id,
                                                     Showcase.status == "published"))
    return showcase.published_revision if showcase is not None else None


def document_name(showcase: Showcase) -> str:
    """Name a web-edited showcase for waivers (file waivers name ``brands/<slug>.<lang>.md``)."""
    return f"showcase:{showcase.id}"


def stage_of(brand: Brand) -> int | None:
    """Return the youngest stage among the brand's products: the showcase's stage context."""
    stages = [product.stage for product in brand.products if product.stage]
    return min(stages) if stages else None


# The compliance gate --------------------------------------------------------------------------

def parts(content: dict) -> list[tuple[str, str, str]]:
    """Return the parts of a version for the checker: ``(place, kind, text)``."""
    found = [(name, "markdown" if name.startswith("body") else "text", content.get(name) or "")
             for name in ("title_zh", "summary_zh", "body_zh", "title_en", "summary_en",
                          "body_en")]
    for number, photo in enumerate(content.get("photos") or [], 1):
        name = PurePosixPath(str(photo.get("src", "")).split("?")[0]).name
        found.append((f"photo{number}", "image",
                      f"{photo.get('alt_zh', '')}\n{photo.get('alt_en', '')}\n{name}"))
    for number, event in enumerate(content.get("events") or [], 1):
        for key in ("title_zh", "description_zh", "title_en", "description_en"):
            found.append((f"event{number}.{key}", "text", event.get(key) or ""))
    return found


def findings(content: dict, brand: Brand, rules: RuleSet | None = None) -> list[Finding]:
    """Return every rule-breaking phrase in a version, waived or not."""
    return check_parts(parts(content), stage=stage_of(brand), promotional=True, rules=rules)


def waivers(showcase: Showcase) -> tuple[Waiver, ...]:
    """Return the showcase's regulator waivers as the checker's waivers."""
    return tuple(Waiver(document_name(showcase), each.rule, each.phrase, each.reason,
                        each.waived_by.display_name if each.waived_by else "",
                        each.waived_at.date() if each.waived_at else today_in_shanghai())
                 for each in showcase.waivers)


def blocking(showcase: Showcase | None, content: dict, brand: Brand,
             rules: RuleSet | None = None) -> list[Finding]:
    """Return the findings in ``content`` that no waiver of ``showcase`` covers."""
    found = findings(content, brand, rules)
    if showcase is None:
        return found
    return split_waived(document_name(showcase), found, waivers(showcase))[0]


def image_problems(content: dict) -> list[str]:
    """Return codes for images without alt text or outside ``static/``: ``alt``, ``src``."""
    problems: list[str] = []
    for name in ("body_zh", "body_en"):
        for tag in IMAGE.findall(str(render_markdown(content.get(name) or ""))):
            src = SRC.search(tag)
            if not ALT.search(tag) and "alt" not in problems:
                problems.append("alt")
            if not (src and static_file(src.group(1))) and "src" not in problems:
                problems.append("src")
    return problems


def image_keys(content: dict) -> list[str]:
    """Return the keys of the uploaded images a version's photos use."""
    keys = (images.key_of(str(photo.get("src") or "")) for photo in content.get("photos") or [])
    return [key for key in keys if key]


def referenced_image_keys(session: Session) -> set[str]:
    """Return every uploaded image any saved version of any showcase uses."""
    keys: set[str] = set()
    for photos in session.scalars(select(ShowcaseRevision.photos)):
        keys.update(image_keys({"photos": photos}))
    return keys


images.register_user(referenced_image_keys)


def static_file(src: str) -> bool:
    """Tell whether ``src`` is a file of this site's ``static/`` folder."""
    if not src.startswith("/static/") or ".." in src:
        return False
    return (PROJECT_ROOT / src.lstrip("/").split("?")[0]).is_file()


# Actions: one transaction each ------------------------------------------------------------------

def save_draft(session: Session, user: User | None, brand: Brand, content: dict) -> Showcase:
    """Save ``content`` as the newest version, audited; commit. Readers see no change."""
    with committing(session):
        return save(session, user, brand, content)


def save_and_publish(session: Session, user: User | None, brand: Brand, content: dict,
                     rules: RuleSet | None, index: SearchIndex
                     ) -> tuple[Showcase, list[Finding]]:
    """Save ``content`` and publish it unless the checker blocks it (the draft is kept then);
    commit, and re-index the brand once published. Return the showcase and what blocks it."""
    with committing(session):
        showcase = save(session, user, brand, content)
        blocked = publish(session, user, showcase, brand, rules)
    if not blocked:
        update_index(index.directory, brand, index.library)
    return showcase, blocked


def take_down(session: Session, user: User | None, brand: Brand, index: SearchIndex) -> None:
    """Unpublish the brand's showcase, if published, audited; commit; re-index the brand."""
    showcase = for_brand(session, brand)
    if showcase is None or not showcase.is_published:
        return
    with committing(session):
        unpublish(session, user, showcase, brand)
    update_index(index.directory, brand, index.library)


def record_waiver(session: Session, user: User, showcase: Showcase, brand: Brand, rule: str,
                  phrase: str, reason: str, rules: RuleSet | None = None) -> ShowcaseWaiver:
    """Waive one finding of the newest version with a reason, audited; commit. Raises
    WaiverError (nothing written), or IntegrityError when the same waiver was just recorded."""
    with committing(session):
        return waive(session, user, showcase, brand, rule, phrase, reason, rules)


# Building blocks: the caller commits -------------------------------------------------------------

def save(session: Session, user: User | None, brand: Brand, content: dict) -> Showcase:
    """Save ``content`` as the newest version (nothing new when it is unchanged)."""
    showcase = for_brand(session, brand)
    now = utcnow()
    if showcase is None:
        showcase = Showcase(brand_id=brand.id, status="draft", created_at=now, updated_at=now)
        session.add(showcase)
        session.flush()
        audit.record(session, user, "create", "showcase", showcase.id, {"brand": brand.slug})
    latest = showcase.draft
    if latest is not None and latest.content() == {k: content[k] for k in CONTENT_FIELDS}:
        return showcase
    number = (session.scalar(select(func.max(ShowcaseRevision.number))
                             .where(ShowcaseRevision.showcase_id == showcase.id)) or 0) + 1
    revision = ShowcaseRevision(showcase_id=showcase.id, number=number,
                                edited_by_id=user.id if user else None, edited_at=now,
                                **{k: content[k] for k in CONTENT_FIELDS})
    session.add(revision)
    showcase.revisions.append(revision)
    showcase.updated_at = now
    changed = [k for k in CONTENT_FIELDS
               if latest is None or getattr(latest, k) != content[k]]
    audit.record(session, user, "change", "showcase", showcase.id,
                 {"brand": brand.slug, "revision": number, "changed": changed})
    return showcase


def publish(session: Session, user: User | None, showcase: Showcase, brand: Brand,
            rules: RuleSet | None = None) -> list[Finding]:
    """Publish the newest version unless the checker blocks it; return what blocks it."""
    latest = showcase.draft
    if latest is None:
        return []
    blocked = blocking(showcase, latest.content(), brand, rules)
    if blocked:
        return blocked
    showcase.status = "published"
    showcase.published_number = latest.number
    showcase.published_at = utcnow()
    showcase.published_by_id = user.id if user else None
    audit.record(session, user, "publish", "showcase", showcase.id,
                 {"brand": brand.slug, "revision": latest.number,
                  "waived": [[w.rule, w.phrase] for w in showcase.waivers]})
    return []


def unpublish(session: Session, user: User | None, showcase: Showcase, brand: Brand) -> None:
    """Take the showcase off the public page (the brand's file showcase shows again)."""
    audit.record(session, user, "unpublish", "showcase", showcase.id,
                 {"brand": brand.slug, "revision": showcase.published_number})
    showcase.status = "draft"
    showcase.published_number = None


def waive(session: Session, user: User, showcase: Showcase, brand: Brand, rule: str,
          phrase: str, reason: str, rules: RuleSet | None = None) -> ShowcaseWaiver:
    """Record a regulator's waiver of one finding of the newest version, with the reason."""
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise WaiverError("reason")
    latest = showcase.draft
    open_findings = blocking(showcase, latest.content(), brand, rules) if latest else []
    if not any((f.rule, f.phrase) == (rule, phrase) for f in open_findings):
        raise WaiverError("no_finding")
    waiver = ShowcaseWaiver(showcase_id=showcase.id, rule=rule, phrase=phrase, reason=reason,
                            waived_by_id=user.id, waived_at=utcnow())
    session.add(waiver)
    showcase.waivers.append(waiver)
    session.flush()
    audit.record(session, user, "waive", "showcase", showcase.id,
                 {"brand": brand.slug, "rule": rule, "phrase": phrase, "reason": reason})
    return waiver


@dataclass
class Review:
    """A showcase whose newest version the checker blocks, for the regulators' review."""

    showcase: Showcase
    brand: Brand
    revision: ShowcaseRevision
    findings: list[Finding] = field(default_factory=list)


def to_review(session: Session, rules: RuleSet | None = None) -> list[Review]:
    """Return every showcase whose newest version has unwaived findings."""
    query = select(Showcase).options(
        selectinload(Showcase.brand).selectinload(Brand.products),
        selectinload(Showcase.brand).selectinload(Brand.enterprise),
        selectinload(Showcase.revisions), selectinload(Showcase.waivers))
    found = []
    for showcase in session.scalars(query.order_by(Showcase.updated_at.desc(), Showcase.id)):
        latest = showcase.draft
        if latest is None:
            continue
        blocked = blocking(showcase, latest.content(), showcase.brand, rules)
        if blocked:
            found.append(Review(showcase, showcase.brand, latest, blocked))
    return found


# Readers ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    """A published version in one language, shaped like a file showcase for the brand page."""

    lang: str
    title: str
    summary: str
    html: Markup
    text: str
    photos: list[dict]
    events: list[dict]


def present(revision: ShowcaseRevision | dict, lang: str,
            pictures: Mapping[str, object] | None = None) -> tuple[Shown, bool]:
    """Return the version in ``lang`` (English falls back to Chinese) and whether it fell back.

    ``pictures`` maps the key of each uploaded image still shown to its ``<img>`` attributes;
    a photo of an uploaded image missing from it (rejected by a regulator) is left out.
    """
    content = revision if isinstance(revision, dict) else revision.content()
    use = "en" if lang == "en" and content.get("title_en") else "zh"

    def pick(data: dict, name: str) -> str:
        return data.get(f"{name}_{use}") or data.get(f"{name}_zh") or ""

    events: list[dict[str, Any]] = []
    for event in content.get("events") or []:
        try:
            when = date.fromisoformat(event["date"])
        except (KeyError, TypeError, ValueError):
            continue
        events.append({"date": when, "title": pick(event, "title"),
                       "description": pick(event, "description")})
    events.sort(key=lambda event: event["date"], reverse=True)
    photos = []
    for photo in content.get("photos") or []:
        key = images.key_of(str(photo.get("src") or ""))
        if not photo.get("src") or (key and key not in (pictures or {})):
            continue
        photos.append({"src": photo["src"], "alt": pick(photo, "alt"),
                       "picture": (pictures or {}).get(key) if key else None})
    shown = Shown(lang=use, title=pick(content, "title"), summary=pick(content, "summary"),
                  html=render_markdown(pick(content, "body")), text=pick(content, "body"),
                  photos=photos, events=events)
    return shown, use != lang


def search_text(revision: ShowcaseRevision | None) -> str:
    """Return a published version's text in both languages, for the search index."""
    if revision is None:
        return ""
    content = revision.content()
    events = " ".join(" ".join(str(event.get(key) or "") for key in
                               ("title_zh", "title_en", "description_zh", "description_en"))
                      for event in content["events"] or [])
    return " ".join(str(content[name] or "") for name in
                    ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh",
                     "body_en")) + " " + events


def update_index(index_dir: str, brand: Brand, library: Library | None = None) -> None:
    """Re-index the brand with its showcase as readers now see it (published, or the file).

    A failure is logged, not raised: the change is saved, and ``search rebuild`` mends it.
    """
    from formulatrust.pages.search_documents import brand_document, brand_showcase_text

    with index_write(f"brand {brand.slug}"):
        session = Session.object_session(brand)
        assert session is not None  # the brand was just saved
        text = brand_showcase_text(session, brand, library)
        add_to_index(index_dir, [brand_document(brand, text)])

