"""Organisations: finding and making the organisation an account speaks for."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import audit
from formulatrust.publishing.models import ORGANISATION_KINDS, Organisation

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The organisation an account of each role gets when none is named (renamed later).
ROLE_DEFAULTS = {
    "admin": ("operator", "网站运营方", "Site operator"),
    "regulator": ("regulator", "监管部门", "Regulator"),
    "association": ("association", "行业协会", "Industry association"),
    "science": ("editorial-office", "科普编辑部", "Science editorial office"),
}


class OrganisationError(ValueError):
    """An organisation cannot be made or used as asked; the message says why, in English."""


def by_slug(session: Session, slug: str) -> Organisation | None:
    """Return the organisation ``slug``."""
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def of_enterprise(session: Session, enterprise: Enterprise) -> Organisation:
    """Return the enterprise's organisation, made on first use."""
    found = session.scalar(select(Organisation).where(
        Organisation.enterprise_id == enterprise.id))
    if found is None:
        found = Organisation(slug=enterprise.slug, kind="enterprise", name_zh=enterprise.name_zh,
                             name_en=enterprise.name_en, enterprise_id=enterprise.id,
                             is_demo=enterprise.is_demo)
        session.add(found)
        session.flush()
    return found


def create(session: Session, slug: str, kind: str, name_zh: str, name_en: str = "",
           is_demo: bool = False) -> Organisation:
    """Add an organisation; raise OrganisationError for a bad or taken slug or kind."""
    if not SLUG.fullmatch(slug):
        raise OrganisationError(f"{slug!r}: use lower-case letters, digits and hyphens")
    if kind not in set(ORGANISATION_KINDS.values()) - {"enterprise"}:
        raise OrganisationError(f"{kind!r}: choose regulator, association, editorial or "
                                "operator (an enterprise's organisation comes with it)")
    if by_slug(session, slug) is not None:
        raise OrganisationError(f"{slug!r} is already taken")
    if not name_zh.strip():
        raise OrganisationError("the Chinese name is required")
    organisation = Organisation(slug=slug, kind=kind, name_zh=name_zh.strip(),
                                name_en=name_en.strip(), is_demo=is_demo)
    session.add(organisation)
    session.flush()
    return organisation


def for_account(session: Session, role: str, enterprise: Enterprise | None = None,
                slug: str | None = None) -> Organisation:
    """Return the organisation a new account of ``role`` belongs to: its enterprise's, the one
    named by ``slug`` (which must be of the role's kind), or the role's default."""
    if role == "enterprise":
        if enterprise is None:
            raise OrganisationError("an enterprise editor needs an enterprise")
        return of_enterprise(session, enterprise)
    if slug:
        found = by_slug(session, slug)
        if found is None:
            raise OrganisationError(f"no organisation {slug!r}")
        if found.kind != ORGANISATION_KINDS[role]:
            raise OrganisationError(f"{slug!r} is a {found.kind}, not a {ORGANISATION_KINDS[role]}")
        return found
    default_slug, name_zh, name_en = ROLE_DEFAULTS[role]
    return by_slug(session, default_slug) or create(session, default_slug,
                                                    ORGANISATION_KINDS[role], name_zh, name_en)


# Fictional organisations of the demo data set, one per role (enterprises have their own).
DEMO = {
    "admin": ("demo-operator", "operator", "示例平台运营方（虚构）", "Demo site operator"),
    "regulator": ("demo-regulator", "regulator", "沪滨市场监督管理局（示例）",
                  "Hubin Market Regulation Bureau (demo)"),
    "association": ("demo-federation", "association", "沪滨婴童乳品行业联合会（示例）",
                    "Hubin Infant Dairy Federation (demo)"),
    "science": ("demo-editorial", "editorial", "示例科普编辑部（虚构）",
                "Demo science editorial office"),
}


def demo(session: Session, role: str) -> Organisation:
    """Return the demo organisation of ``role``, made on first use."""
    slug, kind, name_zh, name_en = DEMO[role]
    return by_slug(session, slug) or create(session, slug, kind, name_zh, name_en, is_demo=True)


def add_organisation(slug: str, kind: str, name_zh: str, name_en: str = "") -> Organisation:
    """Add an organisation and commit it with its audit entry; raises ``OrganisationError``
    (nothing written) for a bad or taken slug or kind."""
    with db.transaction() as session:
        organisation = create(session, slug, kind, name_zh, name_en)
        audit.record(session, None, "create", "organisation", organisation.id,
                     {"slug": slug, "kind": kind, "name_zh": name_zh})
    return organisation


def rename_organisation(organisation: Organisation, name_zh: str, name_en: str) -> None:
    """Give an organisation its real name, audited; what it publishes from now on carries it."""
    with db.transaction() as session:
        before = {"name_zh": organisation.name_zh, "name_en": organisation.name_en}
        organisation.name_zh, organisation.name_en = name_zh.strip(), name_en.strip()
        audit.record(session, None, "change", "organisation", organisation.id,
                     audit.changes(before, {"name_zh": organisation.name_zh,
                                            "name_en": organisation.name_en}))
