"""Every page reachable from the home page passes the page checks in both languages."""

from __future__ import annotations

import json
import shutil
import subprocess
from urllib.parse import urljoin, urlsplit

import pytest

from formulatrust.core.config import PROJECT_ROOT

from .. import bulletins_factory
from ..pagecheck import check_page

START = ["/", "/scan", "/results", "/enterprises", "/recalls", "/learn", "/open-days",
         "/brands", "/bulletins", "/search", "/search?q=乳业", "/about", "/privacy",
         "/accessibility", "/data-licence", "/contact", "/supervision", "/results?q=阪崎",
         "/results?compliant=no", "/01/09521234500018/10/20260301A1/21/REG0001",
         "/ratings", "/ratings/methodology", "/standards", "/results/statistics"]
MAX_PAGES = 200


def crawl(client, lang: str, pages: dict[str, str] | None = None) -> dict[str, int]:
    """Follow every internal link from START, checking each HTML page; return path -> status.

    With ``pages``, keep each HTML page's text there by path.
    """
    seen: dict[str, int] = {}
    queue = list(START)
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        with client.get(path, headers={"Accept-Language": lang}) as response:  # frees a
            seen[path] = response.status_code  # download's heavy-request slot
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        if not html:
            continue
        if pages is not None:
            pages[path] = html
        soup = check_page(html, lang)
        for anchor in soup.find_all("a", href=True):
            target = urlsplit(urljoin(path, anchor["href"]))
            if target.netloc or target.path.startswith("/static/"):
                continue
            query = "&".join(p for p in target.query.split("&") if p and not p.startswith("lang="))
            link = target.path + (f"?{query}" if query else "")
            if link not in seen:
                queue.append(link)
    unvisited = sorted({path for path in queue if path not in seen})
    assert not unvisited, f"the crawl reached its cap of {MAX_PAGES} pages; not checked: " \
        f"{unvisited[:10]}"
    return seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_passes_checks_in_both_languages(client, runner, trace, lang):
    assert runner.invoke(args=["data", "build"]).exit_code == 0  # /data links its files
    statuses = crawl(client, lang)
    assert len(statuses) > len(START), "the crawl should reach the detail pages too"
    assert {path for path, status in statuses.items() if status != 200} == set()
    assert "/enterprises/test-dairy" in statuses
    assert "/brands/river-brand" in statuses
    assert any(path.startswith("/results/") for path in statuses)
    assert any(path.startswith("/recalls/") for path in statuses)
    assert "/scan/report?gtin=09521234500018&lot=20260301A1&serial=REG0001" in statuses


VNU = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_the_nu_html_checker_finds_no_error_on_any_page(client, session, trace, tmp_path):
    bulletins_factory.bulletin(session)  # bulletins carry <time datetime>
    assert VNU.is_file(), "vnu-jar is not installed: `make test` runs npm ci"
    assert shutil.which("java"), "Java is missing: `make test` installs default-jre-headless"
    names: dict[str, str] = {}
    folder = tmp_path / "pages"  # tmp_path also holds the app's instance folder
    folder.mkdir()
    for lang in ("zh", "en"):
        pages: dict[str, str] = {}
        crawl(client, lang, pages)
        pages["/design"] = client.get("/design", headers={"Accept-Language": lang}).get_data(
            as_text=True)
        for number, (path, html) in enumerate(pages.items()):
            name = f"{lang}-{number}.html"
            (folder / name).write_text(html, encoding="utf-8")
            names[name] = f"{path} ({lang})"
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True, text=True, check=False)
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    errors = [f"{names.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: "
              f"{m['message']}" for m in messages if m.get("type") == "error"]
    assert errors == [], "\n".join(errors[:20])


@pytest.mark.parametrize("path", ["/no-such-page", "/enterprises/nobody", "/brands/none",
                                  "/learn/missing", "/%E4%B8%AD%E6%96%87"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_urls_get_the_bilingual_404_page(client, path, lang):
    response = client.get(path, headers={"Accept-Language": lang})
    assert response.status_code == 404
    soup = check_page(response.get_data(as_text=True), lang)
    assert soup.h1.get_text() == {"zh": "找不到页面", "en": "Page not found"}[lang]
    other = soup.select_one(".other-language")
    assert other.h2.get_text() == {"zh": "Page not found", "en": "找不到页面"}[lang]
    assert other["lang"] == {"zh": "en", "en": "zh-Hans"}[lang]


def test_learn_articles_have_contents_sources_and_related_reading(client):
    soup = check_page(client.get("/learn/preparing-a-bottle?lang=en").get_data(as_text=True))
    toc = [a["href"] for a in soup.select(".toc a")]
    assert toc and all(soup.find(id=href[1:]) for href in toc)  # every entry has its heading
    assert soup.select(".article-sources li a")
    assert "minute" in soup.select_one(".article-meta").get_text()
    zh = check_page(client.get("/learn/preparing-a-bottle?lang=zh").get_data(as_text=True))
    assert all(zh.find(id=a["href"][1:]) for a in zh.select(".toc a"))  # Chinese heading ids
    topic = check_page(client.get("/learn?topic=safety").get_data(as_text=True))
    assert len(topic.select("main h2")) == 1
    assert client.get("/learn?topic=nonsense").status_code == 404


def test_articles_are_in_site_search(app, client, runner):
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    soup = check_page(client.get("/search?q=阪崎肠杆菌").get_data(as_text=True))
    assert "/learn/" in " ".join(a["href"] for a in soup.select(".hits a"))
