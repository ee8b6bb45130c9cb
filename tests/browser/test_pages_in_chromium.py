"""Every page at 360 px in real Chromium: no WCAG 2.2 A/AA violations, no sideways scrolling,
the strict CSP holds, and the pages work with JavaScript turned off."""

from __future__ import annotations

import pytest

from .conftest import axe_problems, new_phone_page

PAGES = ["/", "/scan", "/results", "/enterprises", "/enterprises/test-dairy", "/recalls",
         "/learn", "/open-days", "/brands", "/brands/river-brand", "/bulletins", "/search",
         "/search?q=乳业", "/search?q=" + "长" * 120, "/about", "/privacy", "/accessibility",
         "/data-licence", "/contact", "/no-such-page",
         "/01/09521234500018", "/01/09521234500018/10/20260301A1/21/REG0001",
         "/01/09521234500025/10/20260402B2", "/01/09521234500032/10/20260503C3",
         "/01/09521234500018/10/UNKNOWN", "/01/09521234500019", "/01/09521234599999",
         "/scan?code=1234", "/scan/report?gtin=09521234500018&lot=20260301A1",
         "/results?compliant=no", "/results/1", "/recalls/1", "/supervision", "/results?year=x",
         "/ratings", "/ratings/methodology", "/standards", "/sign-in", "/open-days",
         "/open-days/manage", "/learn/preparing-a-bottle", "/learn?topic=safety",
         "/brands/test-brand", "/results/statistics", "/results/statistics?from_year=x"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_is_accessible_and_fits_a_phone(browser, live_server, axe_source, lang):
    # bypass_csp lets the test inject axe; the CSP itself is tested below without it.
    context, page = new_phone_page(browser, live_server, bypass_csp=True,
                                   locale={"zh": "zh-CN", "en": "en-US"}[lang])
    problems = {}
    for path in PAGES:
        page.goto(path)
        assert page.evaluate("document.documentElement.lang") == {"zh": "zh-Hans", "en": "en"}[lang]
        found = axe_problems(page, axe_source)
        if found["violations"] or found["scroll_width"] > 360:
            problems[path] = found
    context.close()
    assert problems == {}


def test_csp_is_enforced_and_pages_break_none_of_it(browser, live_server):
    context, page = new_phone_page(browser, live_server)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in PAGES:
        page.goto(path)
    assert violations == []
    blocked = page.evaluate("""() => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', () => resolve(true));
        const s = document.createElement('script'); s.textContent = 'window.injected = 1';
        document.body.appendChild(s);
        setTimeout(() => resolve(window.injected !== 1), 500);
    })""")
    context.close()
    assert blocked is True
    assert len(violations) == 1  # the injected script, reported and blocked


def test_search_works_with_javascript_off(browser, live_server):
    context, page = new_phone_page(browser, live_server, java_script_enabled=False,
                                   locale="zh-CN")
    page.goto("/")
    page.get_by_role("link", name="搜索", exact=True).click()
    page.get_by_label("搜索企业、品牌、产品、抽检结果和文章").fill("河畔")
    page.get_by_role("button", name="搜索").click()
    assert page.get_by_role("link", name="河畔乳品有限公司").is_visible()
    context.close()


def test_language_switcher_switches_and_is_remembered(phone):
    phone.goto("/enterprises")
    assert phone.get_by_role("heading", level=1).inner_text() == "生产企业"
    phone.get_by_role("link", name="English").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Enterprises"
    phone.get_by_role("link", name="Brands", exact=True).click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Brands"
    assert phone.evaluate("document.documentElement.lang") == "en"


def test_home_page_is_small_and_needs_no_javascript(phone):
    sizes, scripts = {}, []
    phone.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    phone.on("request", lambda request: scripts.append(request.url)
             if request.resource_type == "script" else None)
    phone.goto("/")
    phone.wait_for_load_state("networkidle")
    html_and_css = sum(size for url, size in sizes.items() if not url.endswith(".svg"))
    assert html_and_css < 30 * 1024, sizes
    assert scripts == []
    assert phone.get_by_role("heading", level=1).inner_text() == "查一查您手中的这罐奶粉"
