"""``demo-accounts``: one account per role for a local copy, never for a public site."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from formulatrust.publishing.demo_accounts import ACCOUNTS, FILE_NAME, host_of
from formulatrust.publishing.models import AuditEntry, User


@pytest.fixture
def local_app(make_app, app_overrides):
    return make_app({**app_overrides, "DEMO_ACCOUNTS": True, "SITE_HOST": "127.0.0.1:8000"})


def lines(output: str) -> dict[str, tuple[str, str]]:
    found = {}
    for line in output.splitlines():
        parts = line.split(" / ")
        if len(parts) == 3 and "@" in parts[0]:
            found[parts[0]] = (parts[1], parts[2])
    return found


def test_one_account_per_role_is_created_once_and_printed(local_app, session, world):
    runner = local_app.test_cli_runner()
    world["enterprises"][0].is_demo = True
    session.commit()
    first = runner.invoke(args=["demo-accounts"])
    assert first.exit_code == 0, first.output
    assert "LOCAL USE ONLY" in first.output
    printed = lines(first.output)
    assert sorted(role for _password, role in printed.values()) == sorted(
        role for role, _email, _name in ACCOUNTS)
    users = {user.email: user for user in session.scalars(select(User))}
    for email, (password, role) in printed.items():
        assert len(password) >= 12
        assert users[email].role == role and check_password_hash(users[email].password_hash,
                                                                 password)
    assert users["demo-enterprise@example.com"].enterprise_id == world["enterprises"][0].id
    kept = Path(local_app.instance_path) / FILE_NAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert all(f"{email} / {password} / {role}" in kept.read_text("utf-8")
               for email, (password, role) in printed.items())

    again = runner.invoke(args=["demo-accounts"])
    assert again.exit_code == 0 and lines(again.output) == printed  # idempotent
    session.expire_all()
    assert len(session.scalars(select(User)).all()) == len(ACCOUNTS)
    created = session.scalars(select(AuditEntry).where(AuditEntry.action == "create")).all()
    assert len(created) == len(ACCOUNTS) and all(e.summary["demo"] for e in created)


def test_the_enterprise_account_waits_for_a_demo_enterprise(local_app, session, world):
    result = local_app.test_cli_runner().invoke(args=["demo-accounts"])
    assert result.exit_code == 0, result.output
    assert "demo-enterprise@example.com" not in result.output
    assert session.scalar(select(User).where(User.role == "enterprise")) is None


def test_refused_without_the_switch(runner, session, app):
    assert app.config["DEMO_ACCOUNTS"] is False  # off unless asked for
    result = runner.invoke(args=["demo-accounts"])
    assert result.exit_code != 0 and "FORMULATRUST_DEMO_ACCOUNTS=true" in result.output
    assert session.scalars(select(User)).all() == []
    assert not (Path(app.instance_path) / FILE_NAME).exists()


@pytest.mark.parametrize("host", ["formula.example.cn", "203.0.113.5:443", "trust.sh.gov.cn"])
def test_refused_for_a_public_site_even_with_the_switch(make_app, app_overrides, session, host):
    app = make_app({**app_overrides, "DEMO_ACCOUNTS": True, "SITE_HOST": host})
    result = app.test_cli_runner().invoke(args=["demo-accounts"])
    assert result.exit_code != 0 and "not this computer" in result.output
    assert session.scalars(select(User)).all() == []


def test_the_switch_comes_from_the_environment(make_app, app_overrides, monkeypatch):
    monkeypatch.setenv("FORMULATRUST_DEMO_ACCOUNTS", "true")
    assert make_app(app_overrides).config["DEMO_ACCOUNTS"] is True


@pytest.mark.parametrize(("site_host", "host"), [
    ("127.0.0.1:8000", "127.0.0.1"), ("localhost", "localhost"), ("[::1]:9000", "::1"),
    ("Example.org:443", "example.org")])
def test_host_of_site_host(site_host, host):
    assert host_of(site_host) == host
