"""Browser tests: Debian's Chromium driven by Playwright at phone size against real gunicorn."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from formulatrust.core import db, signing
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.domain import rating
from formulatrust.enterprises import integrity

from .. import factories
from ..liveserver import serving

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
TODAY = date(2026, 11, 1)
SHARED: dict[str, str] = {}  # facts the live server's data set up, e.g. a valid short code
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


def require(condition: bool, message: str) -> None:
    """Fail, never skip, when a browser-test prerequisite is missing (`make test` installs it)."""
    if not condition:
        pytest.fail(f"{message}: `make test` installs it; a missing prerequisite is a failure")


@pytest.fixture(scope="session")
def live_server(database_url, tmp_path_factory):
    """Serve a small world from gunicorn on its own database."""
    def fill(_app) -> None:
        world = factories.small_world(db.session())
        batches = factories.trace_world(db.session(), world)
        for enterprise in world["enterprises"]:
            assessment = rating.assess(integrity.evidence(db.session(), enterprise, TODAY), TODAY)
            integrity.record_assessment(db.session(), enterprise, assessment, "测试评定组")
        SHARED["short_code"] = signing.short_codes().make(batches["ordinary"].id, 7)

    with serving(database_url, tmp_path_factory.mktemp("live"), "browser", fill) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    require(path is not None, "Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_phone_page(browser, base_url: str, **options):
    context = browser.new_context(base_url=base_url, **PHONE, **options)
    return context, context.new_page()


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized context, Chinese by default."""
    context, page = new_phone_page(browser, live_server, locale="zh-CN")
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.is_file(), "axe-core is not installed (run `npm ci`)")
    return Path(AXE).read_text(encoding="utf-8")


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_problems(page, axe_source) -> dict:
    """Run axe-core on the loaded page; return its violations and the page's scroll width.

    The page is waited for first: a click that navigates returns before the new document
    exists, and a script added then has no document to go into.
    """
    page.wait_for_load_state("load")
    for attempt in range(3):
        try:
            page.add_script_tag(content=axe_source)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
            page.wait_for_load_state("load")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    return {"violations": [(v["id"], [n["html"][:120] for n in v["nodes"]])
                           for v in result["violations"]],
            "scroll_width": page.evaluate("document.documentElement.scrollWidth")}


def check_accessible(page, axe_source) -> None:
    """Assert no axe violation (WCAG 2.2 AA) and no horizontal scrolling at phone width."""
    found = axe_problems(page, axe_source)
    assert found["violations"] == [] and found["scroll_width"] <= 360, found
