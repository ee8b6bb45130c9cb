"""``flask --app wsgi enterprises import FILE`` and ``ratings assess``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust import db, integrity
from formulatrust.domain import rating
from formulatrust.domain.integrity_format import SECTIONS, Problem, parse
from formulatrust.models import Enterprise, Rating, SamplingResult
from formulatrust.models_integrity import (
    Certification,
    Inspection,
    Licence,
    Penalty,
    Reply,
    StandardCommitment,
)

enterprises_group = AppGroup("enterprises", help="Enterprise integrity records.")
ratings_group = AppGroup("ratings", help="Integrity ratings.")
MODELS = {"licences": Licence, "certifications": Certification, "penalties": Penalty,
          "inspections": Inspection, "standards": StandardCommitment, "ratings": Rating}


@enterprises_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_records(path: Path) -> None:
    """Import licences, certifications, penalties, inspections, standards, ratings and replies."""
    parsed = parse(path.read_text(encoding="utf-8-sig"))
    session = db.session()
    known = {e.slug: e for e in session.scalars(select(Enterprise))}
    problems = list(parsed.problems) + [
        Problem(f"enterprise {slug}", "slug", "本站没有这个企业", "no such enterprise on record")
        for slug in parsed.enterprises if slug not in known]
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problem(s); nothing was imported.")
    counts = dict.fromkeys(SECTIONS, 0)
    for slug, sections in parsed.enterprises.items():
        enterprise = known[slug]
        for section, records in sections.items():
            if section != "replies":
                for record in records:
                    session.add(MODELS[section](enterprise_id=enterprise.id, **record))
                counts[section] += len(records)
        session.flush()
        counts["replies"] += _replies(session, enterprise, sections.get("replies", []))
    session.commit()
    click.echo(", ".join(f"{n} {name}" for name, n in counts.items()) + " imported.")


def _replies(session, enterprise: Enterprise, replies: list[dict]) -> int:
    for reply in replies:
        target = _target(session, enterprise, reply["target"], reply.pop("ref"))
        if target is None:
            session.rollback()
            raise click.ClickException(
                f"reply to {reply['target']} not found for {enterprise.slug}; nothing imported")
        session.add(Reply(enterprise_id=enterprise.id, target_id=target, **reply))
    return len(replies)


def _target(session, enterprise: Enterprise, kind: str, ref: str) -> int | None:
    if kind == "result":
        return session.scalar(select(SamplingResult.id).where(
            SamplingResult.enterprise_id == enterprise.id, SamplingResult.sample_no == ref))
    if kind == "penalty":
        return session.scalar(select(Penalty.id).where(Penalty.enterprise_id == enterprise.id,
                                                       Penalty.decision_no == ref))
    try:
        day = date.fromisoformat(ref)
    except ValueError:
        return None
    return session.scalar(select(Rating.id).where(Rating.enterprise_id == enterprise.id,
                                                  Rating.assessed_on == day))


@ratings_group.command("assess")
@click.option("--assessor", required=True, help="Who is assessing (recorded with the rating).")
@click.option("--on", "on", default=None, help="Assessment date (YYYY-MM-DD), default today.")
@click.argument("slugs", nargs=-1)
def assess(assessor: str, on: str | None, slugs: tuple[str, ...]) -> None:
    """Rate enterprises (all, or SLUGS) by the published methodology; history is kept."""
    day = date.fromisoformat(on) if on else date.today()
    session = db.session()
    query = select(Enterprise).order_by(Enterprise.slug)
    if slugs:
        query = query.where(Enterprise.slug.in_(slugs))
    enterprises = session.scalars(query).all()
    if slugs and len(enterprises) != len(set(slugs)):
        raise click.ClickException("unknown enterprise slug")
    for enterprise in enterprises:
        result = rating.assess(integrity.evidence(session, enterprise, day), day)
        integrity.record_assessment(session, enterprise, result, assessor)
        click.echo(f"{enterprise.slug}: {result.grade} ({result.score})")
    session.commit()
