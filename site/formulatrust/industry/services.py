"""Publishing and reading industry figures: one service for the web form, the CSV upload and
the command line. A release is all or nothing and never erases a figure it does not state."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.core.clock import utcnow
from formulatrust.core.db import committing
from formulatrust.domain.industry_figures import Figure, plain_value
from formulatrust.industry.models import IndustryFigure, IndustryFigureVersion, IndustryRelease
from formulatrust.publishing import audit
from formulatrust.publishing.models import Organisation, User


class NoOrganisation(ValueError):
    """The account speaks for no association, so it cannot publish figures."""


@dataclass
class Summary:
    """What a release did."""

    release: IndustryRelease | None = None
    created: list[IndustryFigure] = field(default_factory=list)
    corrected: list[IndustryFigure] = field(default_factory=list)
    unchanged: int = 0


def publishing_organisation(user: User | None) -> Organisation:
    """Return the association ``user`` publishes for; NoOrganisation if none."""
    organisation = user.organisation if user is not None else None
    if organisation is None or organisation.kind != "association":
        raise NoOrganisation("this account belongs to no association")
    return organisation


def release(session: Session, user: User | None, organisation: Organisation,
            figures: Iterable[Figure], via: str, filename: str = "",
            progress: Callable[[int], None] = lambda _n: None) -> Summary:
    """Publish ``figures`` (already checked) as one release, audited, in one transaction: the
    whole release is written or nothing is. The form, the upload and the command call this."""
    with committing(session):
        return publish(session, user, organisation, figures, via, filename=filename,
                       progress=progress)


def publish(session: Session, user: User | None, organisation: Organisation,
            figures: Iterable[Figure], via: str, filename: str = "",
            is_demo: bool = False, progress: Callable[[int], None] = lambda _n: None
            ) -> Summary:
    """Write ``figures`` (already checked) under ``organisation``: new ones are created,
    changed ones corrected (the earlier value kept as a version), the rest left alone.

    The caller commits (``release`` does; the demo loader commits its whole world).
    """
    figures = list(figures)
    existing = _existing(session, organisation, figures)
    release = IndustryRelease(organisation=organisation, published_by=user, via=via,
                              filename=filename[:200], is_demo=is_demo,
                              published_at=utcnow())
    summary = Summary(release=release)
    for figure in figures:
        stored = existing.get(figure.key)
        if stored is None:
            summary.created.append(_create(session, organisation, figure, release))
        elif _changes(stored, figure):
            _correct(stored, figure, release)
            summary.corrected.append(stored)
        else:
            _keep_names(stored, figure)
            summary.unchanged += 1
        progress(1)
    if not summary.created and not summary.corrected:
        return Summary(unchanged=summary.unchanged)
    periods = sorted(f.period for f in summary.created + summary.corrected)
    release.created, release.corrected = len(summary.created), len(summary.corrected)
    release.first_period, release.last_period = periods[0], periods[-1]
    session.add(release)
    session.flush()
    audit.record(session, user, "publish", "industry_release", str(release.id), {
        "via": via, "created": release.created, "corrected": release.corrected,
        "filename": filename[:64]})
    return summary


def _existing(session: Session, organisation: Organisation,
              figures: list[Figure]) -> dict[tuple, IndustryFigure]:
    periods = {figure.period for figure in figures}
    if not periods:
        return {}
    query = select(IndustryFigure).where(IndustryFigure.organisation_id == organisation.id,
                                         IndustryFigure.period.in_(periods))
    return {(f.period, f.category_zh, f.stage_zh, f.measure): f
            for f in session.scalars(query)}


def _create(session: Session, organisation: Organisation, figure: Figure,
            release: IndustryRelease) -> IndustryFigure:
    stored = IndustryFigure(
        organisation=organisation, period=figure.period, category_zh=figure.category_zh,
        category_en=figure.category_en, stage_zh=figure.stage_zh, stage_en=figure.stage_en,
        measure=figure.measure, unit=figure.unit, value=plain_value(figure.value),
        source_zh=figure.source_zh, source_en=figure.source_en, version=1, release=release,
        updated_at=utcnow())
    stored.versions.append(_version(stored, release))
    session.add(stored)
    return stored


def _version(stored: IndustryFigure, release: IndustryRelease) -> IndustryFigureVersion:
    return IndustryFigureVersion(version=stored.version, value=stored.value, unit=stored.unit,
                                 source_zh=stored.source_zh, source_en=stored.source_en,
                                 release=release, recorded_at=utcnow())


def _changes(stored: IndustryFigure, figure: Figure) -> bool:
    """Tell whether ``figure`` states a value or note different from the stored one."""
    return (Decimal(stored.value) != figure.value or stored.source_zh != figure.source_zh
            or bool(figure.source_en and figure.source_en != stored.source_en))


def _keep_names(stored: IndustryFigure, figure: Figure) -> None:
    """Fill English names the file gives; never blank one it leaves out."""
    stored.category_en = figure.category_en or stored.category_en
    stored.stage_en = figure.stage_en or stored.stage_en


def _correct(stored: IndustryFigure, figure: Figure, release: IndustryRelease) -> None:
    _keep_names(stored, figure)
    stored.value = plain_value(figure.value)
    stored.source_zh = figure.source_zh
    stored.source_en = figure.source_en or stored.source_en
    stored.version += 1
    stored.release = release
    stored.updated_at = utcnow()
    stored.versions.append(_version(stored, release))


def figure_with_versions(session: Session, figure_id: int) -> IndustryFigure | None:
    """Return one figure with every value it had."""
    return session.scalar(select(IndustryFigure).where(IndustryFigure.id == figure_id)
                          .options(selectinload(IndustryFigure.versions)))


def latest_releases(session: Session, limit: int = 50) -> list[IndustryRelease]:
    """Return the newest releases first."""
    return list(session.scalars(select(IndustryRelease).order_by(
        IndustryRelease.published_at.desc(), IndustryRelease.id.desc()).limit(limit)
        .options(selectinload(IndustryRelease.organisation))))
