"""Import enterprise records (licences, penalties, ratings, replies …): check all, write all.

Shared by ``flask --app wsgi enterprises import`` and the regulators' web upload. The file is
checked as a whole first, against the database too (enterprises, the records replies answer);
nothing is written when anything is wrong.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.db import committing
from formulatrust.domain.integrity_format import SECTIONS, Problem, RecordsFile, parse
from formulatrust.enterprises.models import (
    Certification,
    Enterprise,
    Inspection,
    Licence,
    Penalty,
    Rating,
    Reply,
    StandardCommitment,
)
from formulatrust.publishing import audit
from formulatrust.publishing.models import User
from formulatrust.results.models import SamplingResult

MODELS = {"licences": Licence, "certifications": Certification, "penalties": Penalty,
          "inspections": Inspection, "standards": StandardCommitment, "ratings": Rating}


class RecordsImportError(ValueError):
    """An enterprise-records file that cannot be imported; ``problems`` lists why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


def import_file(session: Session, user: User | None, text: str, name: str) -> dict[str, int]:
    """Import a records file as ``user`` with its audit entry, all or nothing; commit; return
    counts by section. Raise :class:`RecordsImportError` (nothing written) with every problem."""
    with committing(session):
        counts = import_records(session, text)
        audit.record(session, user, "import", "records", name[:64], counts)
    return counts


def import_records(session: Session, text: str,
                   replies_of: int | None = None) -> dict[str, int]:
    """Check and write a records file in the caller's transaction; return counts by section.

    Replies are the enterprise's own words: a file may hold them only for ``replies_of``, the
    enterprise whose own account uploads it. Raise :class:`RecordsImportError` with every
    problem, having written nothing, otherwise.
    """
    parsed = parse(text)
    known = {e.slug: e for e in session.scalars(select(Enterprise))}
    problems = list(parsed.problems) + [
        Problem(f"enterprise {slug}", "slug", "本站没有这个企业", "no such enterprise on record")
        for slug in parsed.enterprises if slug not in known]
    problems += [
        Problem(f"enterprise {slug} · replies[{index}]", "replies",
                "企业的回复只能由该企业自己的账号填写，本次上传未写入任何内容",
                "replies are written only by the enterprise's own accounts; nothing was written")
        for slug, sections in parsed.enterprises.items()
        for index, _reply in enumerate(sections.get("replies", []))
        if slug in known and known[slug].id != replies_of]
    problems += [
        Problem(f"enterprise {slug} · replies[{index}]", "appeal_status",
                "申诉结果只能由监管部门记录", "only a regulator records what an appeal decided")
        for slug, sections in parsed.enterprises.items()
        for index, reply in enumerate(sections.get("replies", []))
        if reply.get("appeal_status") in ("upheld", "overturned")]
    if not problems:
        problems = _reply_problems(session, parsed, known)
    if problems:
        raise RecordsImportError(problems)
    counts = dict.fromkeys(SECTIONS, 0)
    for slug, sections in parsed.enterprises.items():
        enterprise = known[slug]
        for section, records in sections.items():
            if section != "replies":
                for record in records:
                    session.add(MODELS[section](enterprise_id=enterprise.id, **record))
                counts[section] += len(records)
        session.flush()
        for reply in sections.get("replies", []):
            reply = dict(reply)
            target = _target(session, enterprise, reply["target"], reply.pop("ref"))
            session.add(Reply(enterprise_id=enterprise.id, target_id=target, **reply))
            counts["replies"] += 1
    session.flush()
    return counts


def _reply_problems(session: Session, parsed: RecordsFile,
                    known: dict[str, Enterprise]) -> list[Problem]:
    """Name each reply whose record is neither on record nor in the file."""
    problems = []
    for slug, sections in parsed.enterprises.items():
        in_file = {"penalty": {p["decision_no"] for p in sections.get("penalties", [])},
                   "rating": {r["assessed_on"].isoformat() for r in sections.get("ratings", [])}}
        for index, reply in enumerate(sections.get("replies", [])):
            kind, ref = reply["target"], reply["ref"]
            if ref in in_file.get(kind, ()) or _target(session, known[slug], kind, ref):
                continue
            problems.append(Problem(
                f"enterprise {slug} · replies[{index}]", "ref",
                f"找不到所回应的记录（{kind} {ref}）",
                f"the {kind} this reply answers ({ref}) is not on record or in the file"))
    return problems


def _target(session: Session, enterprise: Enterprise, kind: str, ref: str) -> int | None:
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
