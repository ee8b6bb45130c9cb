"""Several nodes of the site: gunicorn processes with their own instance and index folders,
sharing one database (and, for rate limits, one Redis), as the README's deployment runs them."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

SECRET = "nodes-test-secret-" + "x" * 20


def node_env(database_url: str, folder: Path, name: str, storage: str = "memory://",
             **settings: str) -> dict[str, str]:
    """The environment of node ``name``: its own folders, the shared database and secret."""
    return {"DATABASE_URL": database_url, "FORMULATRUST_SECRET_KEY": SECRET,
            "FORMULATRUST_INSTANCE_PATH": str(folder / name),
            "FORMULATRUST_SEARCH_INDEX_DIR": str(folder / name / "index"),
            "FORMULATRUST_RATELIMIT_STORAGE_URI": storage,
            # Python's cookie jar, unlike a browser, sends no secure cookie to http://127.0.0.1
            "FORMULATRUST_SESSION_COOKIE_SECURE": "false",
            **{f"FORMULATRUST_{name}": value for name, value in settings.items()}}


class Browser:
    """A client with its own cookies that fills in forms the way a person's browser does."""

    def __init__(self, jar: CookieJar | None = None) -> None:
        self.jar = jar or CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=10) as page:
                return page.status, page.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, form_url: str, fields: dict[str, str], action: str | None = None,
               referrer: str | None = None) -> tuple[int, str]:
        """Post ``fields`` with the CSRF token of the form at ``form_url``."""
        _status, page = self.get(form_url)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        request = urllib.request.Request(
            action or form_url, data=urllib.parse.urlencode({"csrf_token": token,
                                                             **fields}).encode(),
            headers={"Referer": referrer or form_url})
        try:
            with self.opener.open(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, base: str, email: str, password: str) -> tuple[int, str]:
        return self.submit(f"{base}/sign-in?lang=en", {"email": email, "password": password})

    def publish_recall(self, base: str, product_id: int, lot: str,
                       reason_en: str) -> tuple[int, str]:
        """As a signed-in regulator, publish a recall of ``lot`` through node ``base``'s form."""
        return self.submit(f"{base}/publish/recalls/new?lang=en", {
            "product": str(product_id), "lots": lot, "announced_on": "2026-07-01",
            "reason_zh": "测试召回。", "reason_en": reason_en,
            "action_zh": "停止食用并联系企业。", "action_en": "Stop using it and call the maker.",
            "source_url": "https://example.com/notice"})

    def copy(self) -> Browser:
        """Another browser holding copies of this one's cookies (a stolen cookie)."""
        jar = CookieJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        return Browser(jar)
