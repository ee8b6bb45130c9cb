"""Regulators' waivers of the advertising checker's findings in articles kept in the database,
as ``content waive`` records them for the files of ``content/learn``: one rule and one phrase
as written, with a reason, audited. A waiver covers every version of the article."""

from __future__ import annotations

from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.domain.authz import REGULATOR
from formulatrust.domain.compliance import Waiver
from formulatrust.learn import articles
from formulatrust.learn.models import Article, ArticleWaiver
from formulatrust.publishing import audit
from formulatrust.publishing.models import User

REASON_MIN, REASON_MAX = 10, 500


class WaiverRefused(ValueError):
    """A waiver that cannot be recorded: ``not_regulator``, ``reason`` or ``no_finding``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def open_findings(article: Article, file_waivers: tuple[Waiver, ...] = ()) -> list:
    """The newest version's findings that no waiver covers yet."""
    return articles.blocking(article.slug, articles.draft_of(article.latest),
                             articles.waivers_of(article, file_waivers))


def waive(session: Session, article: Article, regulator: User, rule: str, phrase: str,
          reason: str, file_waivers: tuple[Waiver, ...] = ()) -> ArticleWaiver:
    """Record ``regulator``'s waiver of one finding of the newest version; the versions are
    checked again, so one blocked only by this phrase may now be approved."""
    if regulator.role != REGULATOR or not regulator.active:
        raise WaiverRefused("not_regulator")
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise WaiverRefused("reason")
    if not any((f.rule, f.phrase) == (rule, phrase)
               for f in open_findings(article, file_waivers)):
        raise WaiverRefused("no_finding")
    waiver = ArticleWaiver(rule=rule, phrase=phrase, reason=reason, waived_by_id=regulator.id,
                           waived_by_name=regulator.display_name or regulator.email,
                           waived_at=utcnow())
    article.waivers.append(waiver)
    session.flush()
    articles.recheck(article, file_waivers)
    audit.record(session, regulator, "waive", "learn_article", article.id,
                 {"slug": article.slug, "rule": rule, "phrase": phrase, "reason": reason})
    session.flush()
    return waiver


def blocked(session: Session, file_waivers: tuple[Waiver, ...] = ()
            ) -> list[tuple[Article, list]]:
    """Articles whose newest version has findings no waiver covers, with those findings."""
    found = []
    for article in articles.every_article(session):
        still = open_findings(article, file_waivers)
        if still:
            found.append((article, still))
    return found
