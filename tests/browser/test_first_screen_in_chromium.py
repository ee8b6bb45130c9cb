"""What a worried parent sees first, on a 360×740 phone, on the README's demo cans; and the
screenshots a reviewer looks at (written to ``test-results/screenshots/``, see the README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from formulatrust.core import db, demo
from formulatrust.core.config import PROJECT_ROOT

from ..liveserver import serving
from ..test_readme import demo_urls
from .conftest import new_phone_page

SCREENSHOTS = PROJECT_ROOT / "test-results" / "screenshots"
DEMO = demo_urls()
RECALLED = DEMO["a recalled batch"]
FAILED = DEMO["a batch with a failed sampling result"]
SAMPLED_ONLY = DEMO["a lot known only from a failed sampling result"]
SUSPICIOUS = DEMO["a can with a suspicious query history"]
NOT_GENUINE = re.compile(r"可能不是正品|may not be genuine")

# Text of <main> that is inside the first screen (the viewport before any scrolling).
FIRST_SCREEN_TEXT = """() => {
  const parts = [], walker = document.createTreeWalker(document.querySelector('main'),
                                                       NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.height > 0 && box.top < window.innerHeight && box.bottom > 0) {
      parts.push(node.textContent);
    }
  }
  return parts.join(' ');
}"""


@pytest.fixture(scope="module")
def demo_server(database_url, tmp_path_factory):
    """Gunicorn serving the demo data set that `make run` loads."""
    with serving(database_url, tmp_path_factory.mktemp("demo-live"), "demo_browser",
                 lambda _app: demo.build(db.session())) as base:
        yield base


def luminance(css_colour: str) -> float:
    """Return the relative luminance (WCAG 2) of an ``rgb(…)`` colour."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(("locale", "lang"), [("zh-CN", "zh"), ("en-US", "en")])
def test_the_recall_is_in_the_first_screen_in_a_red_that_reads(browser, demo_server, locale,
                                                                 lang):
    context, page = new_phone_page(browser, demo_server, locale=locale)
    page.goto(f"{RECALLED}?lang={lang}")
    banner = page.locator(".recall-banner").first
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    assert box["y"] + 60 < 740, "the recall's heading must be on the first screen"
    colours = banner.evaluate("el => [getComputedStyle(el).backgroundColor, "
                              "getComputedStyle(el).color]")
    red, green, blue = (int(part) for part in re.findall(r"\d+", colours[0])[:3])
    assert red > 150 and green < 60 and blue < 60, f"not a danger red: {colours[0]}"
    assert contrast(*colours) >= 4.5
    context.close()


@pytest.mark.parametrize("path", [FAILED, SAMPLED_ONLY])
@pytest.mark.parametrize(("locale", "lang", "item"), [("zh-CN", "zh", "阪崎肠杆菌"),
                                                     ("en-US", "en", "Cronobacter")])
def test_a_failed_sample_is_named_in_the_first_screen_and_the_can_is_not_doubted(
        browser, demo_server, path, locale, lang, item):
    context, page = new_phone_page(browser, demo_server, locale=locale)
    page.goto(f"{path}?lang={lang}")
    first_screen = page.evaluate(FIRST_SCREEN_TEXT)
    assert item in first_screen
    assert not NOT_GENUINE.search(page.locator("main").inner_text())
    context.close()


@pytest.mark.parametrize(("locale", "lang", "warning", "no_warnings"), [
    ("zh-CN", "zh", "这个码可能被复制到了其他罐上", "无警示"),
    ("en-US", "en", "This code may have been copied onto other cans", "No warnings")])
def test_a_code_that_may_be_copied_is_warned_of_in_the_first_screen(
        browser, demo_server, locale, lang, warning, no_warnings):
    context, page = new_phone_page(browser, demo_server, locale=locale)
    page.goto(f"{SUSPICIOUS}?lang={lang}")
    first_screen = page.evaluate(FIRST_SCREEN_TEXT)
    assert warning in first_screen
    assert no_warnings not in page.locator("main").inner_text()
    context.close()


def test_screenshots_for_a_reviewer(browser, demo_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    names = ["ordinary", "recalled", "failed-sampling", "unusual-history", "sampled-only"]
    shots = {f"can-{number}-{name}": path
             for number, (name, path) in enumerate(zip(names, DEMO.values(), strict=True), 1)}
    shots.update({"results-phone": "/results", "result": "/results?compliant=no",
                  "enterprise": "/ratings"})
    context, page = new_phone_page(browser, demo_server, locale="zh-CN")
    for name, path in shots.items():
        page.goto(path)
        if name == "result":
            page.locator(".result-rows a").first.click()
        elif name == "enterprise":
            page.locator("main table a, main .card a").first.click()
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    page.goto("/open-days?lang=en")
    page.locator(".card h2 a").first.click()
    page.locator("a.button").first.click()
    page.get_by_label("Full name").fill("王小明")
    page.get_by_label("Mobile number").fill("138 0013 8000")
    page.get_by_label("Adults").fill("2")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Book").click()
    expect(page.locator(".ticket")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "booking-confirmation.png", full_page=True)
    context.close()
    wide = browser.new_context(base_url=demo_server, viewport={"width": 1280, "height": 900})
    desktop = wide.new_page()
    desktop.goto("/results")
    desktop.screenshot(path=SCREENSHOTS / "results-desktop.png", full_page=False)
    wide.close()
    made = sorted(path.name for path in Path(SCREENSHOTS).glob("*.png"))
    assert {f"{name}.png" for name in shots} | {"booking-confirmation.png",
                                                 "results-desktop.png"} <= set(made)
