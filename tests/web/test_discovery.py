"""``/robots.txt`` and the sitemap: crawlers read every public permalink and no private page,
and every address starts with SITE_HOST whatever host a request named."""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from protego import Protego
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.domain import discovery
from formulatrust.enterprises.models import Brand, Enterprise, Product
from formulatrust.open_days.models import OpenDay
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.models import Recall, SamplingResult

from .. import bulletins_factory, open_days_factory
from ..pagecheck import check_page
from . import open_data_world

open_world = open_data_world.open_world  # the fixture
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"s": SITEMAP, "xhtml": "http://www.w3.org/1999/xhtml"}
PRIVATE = ["/publish", "/admin", "/publish/check-in", "/publish/open-days/3/check-in", "/account",
           "/account/tokens", "/sign-in", "/sign-in/code", "/sign-out", "/admin/audit",
           "/admin/reports", "/open-days/manage", "/open-days/bookings/ABCD1234",
           "/open-days/3/book", "/scan/report/status", "/scan/report?gtin=09521234500018",
           "/search?q=乳业", "/results?q=阪崎", "/results?compliant=no&lang=en",
           "/results/statistics?enterprise=test-dairy", "/results?format=csv",
           "/recalls?format=json", "/results.csv", "/api/v1/results",
           "/01/09521234500018/10/20260301A1/21/REG0001", "/01/09521234500018/21/REG0001"]
PUBLIC = ["/", "/results", "/results?lang=en", "/results/12", "/recalls/3", "/supervision",
          "/enterprises/test-dairy", "/ratings", "/brands/river-brand", "/01/09521234500018",
          "/01/09521234500018/10/20260301A1", "/learn/recalls", "/bulletins/q3-quality",
          "/open-days/3", "/data", "/data-licence", "/results/feed.atom", "/search"]


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_search_variants(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = Protego.parse(response.get_data(as_text=True))
    refused = [path for path in PRIVATE if robots.can_fetch(f"https://localhost{path}", "*")]
    assert refused == []
    allowed = [path for path in PUBLIC
               if not robots.can_fetch(f"https://localhost{path}", "Baiduspider")]
    assert allowed == []


def test_robots_txt_names_the_sitemap_on_the_site_host(make_app, app_overrides):
    app = make_app({**app_overrides, "SITE_HOST": "formula.example.org",
                    "ALLOWED_HOSTS": "www.formula.example.org"})
    text = app.test_client().get("/robots.txt", headers={"Host": "www.formula.example.org"})
    robots = Protego.parse(text.get_data(as_text=True))
    assert list(robots.sitemaps) == ["https://formula.example.org/sitemap.xml"]
    index = app.test_client().get("/sitemap.xml", headers={"Host": "www.formula.example.org"})
    locations = ElementTree.fromstring(index.data).findall("s:sitemap/s:loc", NS)
    assert locations and all(loc.text.startswith("https://formula.example.org/sitemaps/")
                             for loc in locations)


def sitemap_files(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    index = ElementTree.fromstring(response.data)
    assert index.tag == f"{{{SITEMAP}}}sitemapindex"
    return [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]


def sitemap_urls(client) -> dict[str, ElementTree.Element]:
    """Return every ``<url>`` of every file of the index by its ``<loc>``, checking that no
    file holds more than the limit and that no address is listed twice."""
    urls: dict[str, ElementTree.Element] = {}
    for address in sitemap_files(client):
        response = client.get(urlsplit(address).path)
        assert response.status_code == 200 and response.mimetype == "application/xml"
        urlset = ElementTree.fromstring(response.get_data())  # well-formed, or this raises
        assert urlset.tag == f"{{{SITEMAP}}}urlset"
        entries = urlset.findall("s:url", NS)
        assert 0 < len(entries) <= discovery.MAX_URLS
        for entry in entries:
            loc = entry.findtext("s:loc", namespaces=NS)
            assert loc not in urls, f"{loc} is listed twice"
            urls[loc] = entry
    return urls


def test_the_sitemap_lists_every_permalink_of_the_demo_data(client, runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    urls = sitemap_urls(client)
    assert all(loc.startswith("https://localhost/") for loc in urls)
    site = "https://localhost"
    results = {f"{site}/results/{i}" for i in session.scalars(select(SamplingResult.id))}
    assert len(results) > 5000
    assert {loc for loc in urls if loc.startswith(f"{site}/results/")
            and loc[len(f"{site}/results/"):].isdigit()} == results
    expected = {f"{site}/recalls/{i}" for i in session.scalars(select(Recall.id))}
    expected |= {f"{site}/enterprises/{s}" for s in session.scalars(select(Enterprise.slug))}
    expected |= {f"{site}/brands/{s}" for s in session.scalars(select(Brand.slug))}
    expected |= {f"{site}/01/{g}" for g in session.scalars(select(Product.gtin))}
    expected |= {f"{site}/bulletins/{s}" for s in session.scalars(select(Bulletin.slug))}
    expected |= {f"{site}/open-days/{i}" for i in session.scalars(select(OpenDay.id))}
    expected |= {f"{site}{path}" for path in (
        "/", "/results", "/recalls", "/supervision", "/enterprises", "/ratings",
        "/ratings/methodology", "/brands", "/learn", "/learn/recalls", "/bulletins",
        "/open-days", "/events", "/data", "/data-licence", "/results/statistics")}
    assert expected - set(urls) == set()
    first = min(session.scalars(select(SamplingResult.id)))  # ids go on across tests on PostgreSQL
    assert urls[f"{site}/results/{first}"].findtext("s:lastmod", namespaces=NS)


def test_each_address_names_its_chinese_and_english_versions(client, open_world):
    urls = sitemap_urls(client)
    for loc, entry in urls.items():
        alternates = {link.get("hreflang"): link.get("href")
                      for link in entry.findall("xhtml:link", NS)}
        assert alternates == {"zh-Hans": f"{loc}?lang=zh", "en": f"{loc}?lang=en",
                              "x-default": loc}


def test_the_sitemap_is_split_into_files_under_the_limit(client, open_world, session,
                                                         monkeypatch):
    monkeypatch.setattr(discovery, "MAX_URLS", 2)
    results = list(session.scalars(select(SamplingResult.id)))
    files = [urlsplit(address).path for address in sitemap_files(client)]
    pages = -(-len(results) // 2)
    assert [f for f in files if f.startswith("/sitemaps/results-")] == [
        f"/sitemaps/results-{n}.xml" for n in range(1, pages + 1)]
    urls = sitemap_urls(client)  # at most 2 a file, none twice
    assert {loc for loc in urls if loc.rsplit("/", 1)[-1].isdigit() and "/results/" in loc} == {
        f"https://localhost/results/{i}" for i in results}
    assert client.get(f"/sitemaps/results-{pages + 1}.xml").status_code == 404
    assert client.get("/sitemaps/nothing-1.xml").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_address_in_the_sitemap_is_a_live_page(client, open_world, session, lang):
    bulletins_factory.bulletin(session)
    open_days_factory.open_day(session, open_world["enterprises"][0])
    for loc in sitemap_urls(client):
        response = client.get(f"{urlsplit(loc).path}?lang={lang}")
        assert response.status_code == 200, loc
        check_page(response.get_data(as_text=True), lang)


def test_writing_a_sitemap_file_gives_its_database_connection_back(app, client, open_world):
    """A file is written after its view has returned; its reading must not keep a connection
    (enough crawls would otherwise leave the site without any)."""
    engine = app.extensions[db.EXTENSION_KEY].kw["bind"]
    held = engine.pool.checkedout()  # by the test's own session
    for address in sitemap_files(client):
        client.get(urlsplit(address).path).get_data()
        assert engine.pool.checkedout() == held, address
