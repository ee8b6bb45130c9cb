"""Every error gets a bilingual page with the right status; nothing gives a 500 page by accident."""

from __future__ import annotations

import re

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from formulatrust.app import DatabaseIdConverter
from formulatrust.core import db

from .pagecheck import check_page

TITLES = {
    400: ("请求有误", "Bad request"),
    403: ("无权访问", "Not allowed"),
    404: ("找不到页面", "Page not found"),
    429: ("请求过于频繁", "Too many requests"),
    500: ("出错了", "Something went wrong"),
}


@pytest.fixture
def failing_app(make_app, app_overrides):
    """An app with extra routes that fail on purpose, to show each error page."""
    app = make_app({**app_overrides, "PROPAGATE_EXCEPTIONS": False})
    app.add_url_rule("/_fail/<int:code>", "fail", lambda code: abort(code))
    app.add_url_rule("/_crash", "crash", lambda: 1 / 0)
    app.add_url_rule("/_form", "form", lambda: "stored", methods=["POST"])
    return app


@pytest.mark.parametrize("code", [400, 403, 404, 429])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_error_pages_are_bilingual(failing_app, code, lang):
    response = failing_app.test_client().get(f"/_fail/{code}?lang={lang}")
    assert response.status_code == code
    soup = check_page(response.get_data(as_text=True), lang)
    first, second = TITLES[code] if lang == "zh" else reversed(TITLES[code])
    assert soup.h1.get_text() == first
    assert soup.select_one(".other-language h2").get_text() == second


def test_unexpected_exception_gives_the_500_page(failing_app, caplog):
    response = failing_app.test_client().get("/_crash")
    assert response.status_code == 500
    soup = check_page(response.get_data(as_text=True), "zh")
    assert soup.h1.get_text() == "出错了"
    assert "ZeroDivisionError" not in response.get_data(as_text=True)
    assert "ZeroDivisionError" in caplog.text


def test_api_clients_get_json_errors(client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = response.get_json()["error"]
    assert body["status"] == 404
    assert body["zh"]["title"] == "找不到页面" and body["en"]["title"] == "Page not found"


def test_wrong_method_gets_405_with_allow_header(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert check_page(response.get_data(as_text=True)).h1.get_text() == "不支持该请求方式"


def test_post_without_csrf_token_is_refused_with_a_clear_message(failing_app):
    response = failing_app.test_client().post("/_form", data={"q": "x"})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "zh")
    assert "表单已过期" in soup.main.get_text()


def test_search_rate_limit_gives_the_429_page(make_app, app_overrides):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True, "SEARCH_RATE_LIMIT": "2/minute"})
    client = app.test_client()
    statuses = [client.get("/search?q=乳").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    blocked = client.get("/search?q=乳&lang=en")
    assert check_page(blocked.get_data(as_text=True), "en").h1.get_text() == "Too many requests"
    assert "Retry-After" in blocked.headers



def test_an_id_too_big_for_the_database_is_not_found_on_every_route(app, client):
    """A reader who types a long number into any URL with an id gets 404, not a database error."""
    routes = [rule for rule in app.url_map.iter_rules()
              if any(isinstance(converter, DatabaseIdConverter)
                     for converter in rule._converters.values())]
    assert len(routes) >= 8
    for rule in routes:
        path = re.sub(r"<int:\w+>", "99999999999999999999", rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        method = "GET" if "GET" in rule.methods else "POST"
        assert client.open(path, method=method).status_code == 404, rule.rule


def test_pages_answer_503_with_retry_after_while_the_database_is_away(make_app, app_overrides,
                                                                      tmp_path):
    away = f"sqlite:///{tmp_path / 'no-such-folder' / 'gone.sqlite3'}"
    client = make_app({**app_overrides, "DATABASE_URL": away}).test_client()
    for path in ("/results?lang=en", "/01/09521234500018?lang=en", "/recalls?lang=en"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        text = response.get_data(as_text=True)
        assert "Temporarily unavailable" in text and "暂时无法访问" in text
    api = client.get("/api/v1/results")
    assert api.status_code == 503 and api.get_json()["error"]["status"] == 503


class SessionFailingToClose(Session):
    def close(self) -> None:
        super().close()
        raise OperationalError("ROLLBACK", {}, ConnectionError("server closed the connection"))


def test_a_session_failing_to_close_never_replaces_the_finished_page(app, client, world, caplog):
    app.extensions[db.EXTENSION_KEY].class_ = SessionFailingToClose
    response = client.get("/enterprises/test-dairy?lang=en")
    assert response.status_code == 200
    assert check_page(response.get_data(as_text=True), "en").h1.get_text(strip=True) == (
        "Test Dairy Co., Ltd.")
    assert "closing a database session failed" in caplog.text
