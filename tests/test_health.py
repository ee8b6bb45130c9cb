"""The health check reports whether the database answers."""

from __future__ import annotations


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path, make_app, app_overrides):
    overrides = {**app_overrides, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"}
    response = make_app(overrides).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["database"] == "unreachable"
