"""Language choice, the switcher, and catalogues that are complete and up to date."""

from __future__ import annotations

import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from formulatrust.core.cli import is_untranslated
from formulatrust.core.config import PROJECT_ROOT

from .pagecheck import check_page, text_of

SITE_NAME = {"zh": "上海婴幼儿配方乳粉公共信息平台", "en": "Shanghai Infant Formula Trust"}


def site_name(response) -> str:
    return text_of(check_page(response.get_data(as_text=True)), ".site-name")


def test_chinese_is_the_default(client):
    response = client.get("/")
    assert site_name(response) == SITE_NAME["zh"]
    assert check_page(response.get_data(as_text=True), "zh")


@pytest.mark.parametrize(("header", "lang"), [("en-GB,en;q=0.9", "en"), ("zh-CN", "zh"),
                                               ("fr-FR", "zh"), ("en-US,zh;q=0.5", "en")])
def test_accept_language_is_honoured(client, header, lang):
    response = client.get("/", headers={"Accept-Language": header})
    assert site_name(response) == SITE_NAME[lang]
    assert "Accept-Language" in response.headers["Vary"]


def test_explicit_choice_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    assert site_name(response) == SITE_NAME["en"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "Secure" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    later = client.get("/about", headers={"Accept-Language": "zh-CN"})
    assert site_name(later) == SITE_NAME["en"]
    back = client.get("/about?lang=zh")
    assert site_name(back) == SITE_NAME["zh"]


def test_unknown_lang_parameter_falls_back_without_error(client):
    response = client.get("/?lang=xx")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_switcher_links_keep_the_query(client, world):
    soup = check_page(client.get("/search?q=乳业&lang=zh").get_data(as_text=True), "zh")
    link = soup.select_one('.lang-switch a[hreflang="en"]')
    assert link["href"] == "/search?q=%E4%B9%B3%E4%B8%9A&lang=en"
    assert soup.select_one('.lang-switch [aria-current="true"]').get_text() == "中文"


def catalogue(lang: str):
    path = PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalogues_have_every_string_translated(lang):
    untranslated = [m.id for m in catalogue(lang) if m.id and is_untranslated(m)]
    assert untranslated == []


def test_catalogues_cover_every_string_in_code_and_templates(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=PROJECT_ROOT, check=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    for lang in ("zh", "en"):
        have = {m.id for m in catalogue(lang) if m.id}
        assert wanted - have == set(), f"run `flask --app wsgi translations update` ({lang})"


def test_a_known_string_really_is_translated(client):
    zh = check_page(client.get("/no-such-page?lang=zh").get_data(as_text=True), "zh")
    en = check_page(client.get("/no-such-page?lang=en").get_data(as_text=True), "en")
    assert zh.h1.get_text() == "找不到页面"
    assert en.h1.get_text() == "Page not found"
    assert text_of(zh, ".skip-link") == "跳到主要内容"
