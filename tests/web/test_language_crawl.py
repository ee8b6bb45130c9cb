"""Every page of the demo data, read in one language, stays in that language.

A crawl from the home page follows every same-site link to an HTML page, at most
``PER_ROUTE`` pages per route (the routes of the app's URL map) so it stays quick, and must
reach every page route. English pages may show Chinese only inside an element marked
``lang="zh…"`` (a name or value with no English, the language switch); Chinese pages never
show a value as its two halves joined by " / ". The signed-in pages of every role are crawled
in English too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

from formulatrust.core import demo
from formulatrust.domain.authz import ROLES
from formulatrust.enterprises.models import Enterprise, Reply
from formulatrust.publishing import api_tokens
from formulatrust.results.models import Recall
from formulatrust.scan.models import Batch, ProblemReport

from .. import factories
from ..accounts_factory import make_user, sign_in_as
from ..language_check import bilingual_joins, chinese_outside_zh

PER_ROUTE = 3
SIGNED_IN_PREFIXES = ("/account", "/publish", "/admin")
NOT_PAGES = {"static", "open_data.data_file", "bulletins.attachment", "main.healthz",
             "resolver.description", "open_data.manifest_file", "images.served"}
DOWNLOAD_ENDINGS = (".atom", ".ics", ".csv", ".json", ".xml", ".txt")
# Pages that need what only a sent form gives the reader's session (a booking, a report, a
# sign-in under way, a follow's token): no link leads there and the crawl sends no forms.
REACHED_BY_A_FORM = {
    "follow.manage", "follow.stop", "open_days.booking", "scan.report_received",
    "account.sign_in_code",
    "learn_editor.compare",  # the versions page's "Show the changes" form (test_learn_compare.py)
}
# Pages that open from a message sent to the reader or a printed ticket, not from a link.
FROM_A_MESSAGE = ["/open-days/manage", "/scan/report/status", "/follow/confirm/not-a-token"]
CHECKS: dict[str, Callable[[str], list[str]]] = {"en": chinese_outside_zh, "zh": bilingual_joins}


def is_page(rule) -> bool:
    """Tell whether a URL rule answers GET with an HTML page (not a download, feed or API)."""
    return ("GET" in rule.methods and rule.endpoint not in NOT_PAGES
            and not rule.rule.startswith("/api/") and not rule.rule.endswith(DOWNLOAD_ENDINGS))


def endpoint_of(adapter: MapAdapter, path: str) -> str | None:
    try:
        endpoint, _arguments = adapter.match(urlsplit(path).path, method="GET")
    except HTTPException:
        return None
    return endpoint


class Crawl:
    """A breadth-first crawl in one language, gathering what the language check finds."""

    def __init__(self, client, lang: str, start: list[str], within: tuple[str, ...] = ("/",),
                 ) -> None:
        self.client, self.lang, self.within = client, lang, within
        url_map = client.application.url_map
        self.adapter = url_map.bind("localhost")
        self.pages = {rule.endpoint for rule in url_map.iter_rules() if is_page(rule)}
        self.queue, self.per_route = list(start), Counter()
        self.seen: set[str] = set()
        self.findings: dict[str, list[str]] = {}
        self.statuses: dict[str, int] = {}

    def run(self) -> Crawl:
        while self.queue:
            path = self.queue.pop(0)
            endpoint = endpoint_of(self.adapter, path)
            if path in self.seen or not self.wanted(endpoint):
                continue
            self.seen.add(path)
            self.per_route[endpoint] += 1
            self.visit(path)
        return self

    def wanted(self, endpoint: str | None) -> bool:
        return endpoint in self.pages and self.per_route[endpoint] < PER_ROUTE

    def visit(self, path: str) -> None:
        with self.client.get(path, headers={"Accept-Language": self.lang}) as response:
            self.statuses[path] = response.status_code
            if response.mimetype != "text/html":
                return
            html = response.get_data(as_text=True)
        found = CHECKS[self.lang](html)
        if found:
            self.findings[path] = found
        self.follow_links(path, html)

    def follow_links(self, path: str, html: str) -> None:
        for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            target = urlsplit(urljoin(path, anchor["href"]))
            if target.netloc or target.scheme not in ("", "https", "http"):
                continue
            if not target.path.startswith(self.within):
                continue
            query = "&".join(p for p in target.query.split("&") if p and not p.startswith("lang="))
            link = target.path + (f"?{query}" if query else "")
            if link not in self.seen:
                self.queue.append(link)

    def report(self) -> str:
        lines = []
        for path, found in sorted(self.findings.items()):
            lines.append(f"{path} ({self.lang}):")
            lines += [f"    {snippet}" for snippet in dict.fromkeys(found)]
        return "\n".join(lines)


IMPORTED = ["/enterprises/imported-dairy", "/brands/imported-brand", "/01/09521234500018"]


def imported_without_english(session) -> None:
    """Add an enterprise, brand and product as an import gives them: Chinese names only."""
    enterprise = factories.enterprise(session, "imported-dairy", name_zh="示例进口乳业有限公司",
                                      name_en="", district_zh="金山区", district_en="",
                                      address_zh="上海市金山区示例路9号", address_en="")
    brand = factories.brand(session, enterprise, "imported-brand", name_zh="示例牌", name_en="")
    product = factories.product(session, brand, name_zh="示例婴儿配方乳粉（1段）", name_en="")
    factories.batch(session, product, "IMPORT01")


@pytest.fixture
def demo_data(session, runner):
    demo.build(session)
    imported_without_english(session)
    session.commit()
    assert runner.invoke(args=["learn", "import"]).exit_code == 0  # articles editors change
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0  # search pages show hits


# Searches a reader of each language would type (the page repeats the reader's own words).
SEARCHES = {"en": ["/search?q=dairy", "/search?q=vitamin"],
            "zh": ["/search?q=乳业", "/search?q=vitamin"]}


def starting_points(session, lang: str) -> list[str]:
    """The home page, the pages no link leads to on the demo data (the design page for people
    who work on the site, a batch's history, linked once a batch is corrected), the records
    without English (else the per-route cap may pass them by) and searches."""
    batch = session.scalars(select(Batch).order_by(Batch.version.desc(), Batch.id)).first()
    return ["/", "/design", f"/scan/history/01/{batch.product.gtin}/10/{batch.lot}",
            *IMPORTED, *FROM_A_MESSAGE, *SEARCHES[lang]]


def public_pages(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if is_page(rule)
            and not rule.rule.startswith(SIGNED_IN_PREFIXES)} - REACHED_BY_A_FORM


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_public_page_stays_in_the_readers_language(app, client, session, demo_data,
                                                         lang):
    crawl = Crawl(client, lang, starting_points(session, lang)).run()
    missed = public_pages(app) - set(crawl.per_route)
    failed = {path: status for path, status in crawl.statuses.items() if status != 200}
    assert (crawl.findings, missed, failed) == ({}, set(), {}), (
        f"pages mixing languages:\n{crawl.report()}\nno link leads to these pages: "
        f"{sorted(missed)}\nanswered with an error: {failed}")


def signed_in_world(session) -> Enterprise:
    """Add what only signed-in pages show: a parent's report (written in Chinese, as most are)
    and an API token; return the demo enterprise that has replied to a record."""
    enterprise = session.get(Enterprise, session.scalars(select(Reply.enterprise_id)).first())
    session.add(ProblemReport(reference="CRAWL001", gtin=enterprise.brands[0].products[0].gtin,
                              category="other", description="罐内奶粉有结块，气味异常。"))
    api_tokens.issue(session, enterprise, "crawl")
    session.commit()
    return enterprise


def test_the_signed_in_pages_of_every_role_stay_in_english(app, client, session, demo_data):
    enterprise = signed_in_world(session)
    recall = session.scalars(select(Recall.id)).first()  # its editor is linked from its page
    # The recall editor and the "assess" page are linked from public pages, which this crawl
    # does not follow.
    start = ["/account", "/publish", f"/publish/recalls/{recall}/edit",
             f"/publish/enterprises/{enterprise.slug}/assess"]
    reports, reached = [], set()
    for role in ROLES:
        sign_in_as(client, make_user(session, role, enterprise if role == "enterprise" else None))
        crawl = Crawl(client, "en", start, within=SIGNED_IN_PREFIXES).run()
        reports += [f"signed in as {role}:\n{crawl.report()}"] if crawl.findings else []
        reached |= set(crawl.per_route)
    signed_in = {rule.endpoint for rule in app.url_map.iter_rules()
                 if is_page(rule) and rule.rule.startswith(SIGNED_IN_PREFIXES)}
    missed = signed_in - reached - REACHED_BY_A_FORM
    assert (reports, missed) == ([], set()), "\n".join(reports) + \
        f"\nno link leads to these pages: {sorted(missed)}"
