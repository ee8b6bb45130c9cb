"""The factory: defaults, then environment, then overrides; the secret key never in the repo."""

from __future__ import annotations

import stat


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, database_url,
                                                               make_app, monkeypatch):
    monkeypatch.delenv("FORMULATRUST_SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    overrides = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url}
    first = make_app(dict(overrides))
    second = make_app(dict(overrides))
    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    other = make_app({"INSTANCE_PATH": str(tmp_path / "other"), "DATABASE_URL": database_url})
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_environment_overrides_defaults_and_overrides_win(tmp_path, make_app, monkeypatch):
    monkeypatch.setenv("FORMULATRUST_SITE_HOST", "id.example.cn")
    monkeypatch.setenv("FORMULATRUST_SECRET_KEY", "from-the-environment-" + "x" * 20)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = make_app({"INSTANCE_PATH": str(tmp_path), "SEARCH_INDEX_DIR": "/srv/index"})
    assert app.config["SITE_HOST"] == "id.example.cn"
    assert app.config["SECRET_KEY"].startswith("from-the-environment-")
    assert app.config["DATABASE_URL"].endswith("env.sqlite3")
    assert app.config["SEARCH_INDEX_DIR"] == "/srv/index"
    assert not (tmp_path / "secret_key").exists()


def test_defaults_put_database_and_index_in_the_instance_folder(tmp_path, make_app,
                                                                monkeypatch):
    for name in ("DATABASE_URL", "SEARCH_INDEX_DIR", "FORMULATRUST_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    app = make_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'formulatrust.sqlite3'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "search-index")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_instance_folder_and_the_sqlite_file_are_private(tmp_path):
    from formulatrust import create_app
    from formulatrust.core import db

    instance = tmp_path / "instance"
    database = tmp_path / "site.sqlite3"
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "k" * 40,
                      "DATABASE_URL": f"sqlite:///{database}"})
    assert instance.stat().st_mode & 0o777 == 0o700
    assert database.stat().st_mode & 0o777 == 0o600
    db.dispose(app)
