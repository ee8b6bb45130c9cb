"""Demo accounts, one per role, for trying the publishing side on a local copy.

``flask --app wsgi demo-accounts`` creates them once, with random passwords kept in
``instance/demo-accounts.txt`` (never in the repository), and prints them on every run. It
refuses unless ``DEMO_ACCOUNTS`` is on (``FORMULATRUST_DEMO_ACCOUNTS=true``, set only by
``make run``) and ``SITE_HOST`` is a loopback address, so a production configuration never
gets accounts whose passwords sit in a file.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import audit, organisations
from formulatrust.publishing.models import User

FILE_NAME = "demo-accounts.txt"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ACCOUNTS = (  # role, email, display name
    ("admin", "demo-admin@example.com", "Demo administrator 演示管理员"),
    ("regulator", "demo-regulator@example.com", "Demo regulator 演示监管编辑"),
    ("association", "demo-association@example.com", "Demo association 演示协会编辑"),
    ("enterprise", "demo-enterprise@example.com", "Demo enterprise 演示企业编辑"),
    ("science", "demo-science@example.com", "Demo science editor 演示科普编辑"),
    ("science", "demo-reviewer@example.com", "Demo reviewer 演示审核人"),
)
# The demo reviewer approves the demo science editor's articles.
REVIEWER_QUALIFICATION = {"demo-reviewer@example.com": "Paediatric dietitian (fictional, demo)"}
WARNING = ("Demo accounts for LOCAL USE ONLY (fictional data; passwords in instance/"
           f"{FILE_NAME}). Never enable FORMULATRUST_DEMO_ACCOUNTS on a server.")


class Refused(Exception):
    """The configuration does not allow demo accounts; the message says why."""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str | None  # None when the account exists but its password was not recorded
    role: str
    created: bool


def host_of(site_host: str) -> str:
    """Return the host part of ``SITE_HOST`` (``127.0.0.1:8000``, ``[::1]:8000``)."""
    host = site_host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def check_allowed(config) -> None:
    """Raise Refused unless demo accounts are switched on for a local site."""
    if config.get("DEMO_ACCOUNTS") not in (True, 1):  # true or 1 in the environment
        raise Refused("Demo accounts are off. They are for a local copy only: "
                      "run with FORMULATRUST_DEMO_ACCOUNTS=true (make run does).")
    host = host_of(str(config.get("SITE_HOST", "")))
    if host not in LOCAL_HOSTS:
        raise Refused(f"SITE_HOST is {config.get('SITE_HOST')!r}, not this computer: demo "
                      "accounts are refused outside a local copy.")


def read_passwords(path: Path) -> dict[str, str]:
    """Return ``{email: password}`` from the demo-accounts file (missing: empty)."""
    if not path.exists():
        return {}
    passwords = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split(" / ")]
        if len(parts) == 3 and not line.startswith("#"):
            passwords[parts[0]] = parts[1]
    return passwords


def write_passwords(path: Path, accounts: list[DemoAccount]) -> None:
    """Write the accounts with known passwords, readable by this user only."""
    lines = [f"# {WARNING}", "# email / password / role"]
    lines += [f"{a.email} / {a.password} / {a.role}" for a in accounts if a.password]
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    draft.write_text("\n".join(lines) + "\n", encoding="utf-8")
    draft.chmod(0o600)
    draft.replace(path)


def ensure(session: Session, config, instance: Path) -> list[DemoAccount]:
    """Create the missing demo accounts (commit) and return all of them with their passwords."""
    check_allowed(config)
    path = instance / FILE_NAME
    known = read_passwords(path)
    enterprise = session.scalar(select(Enterprise).where(Enterprise.is_demo)
                                .order_by(Enterprise.id).limit(1))
    accounts, fresh = [], []
    for role, email, name in ACCOUNTS:
        user = session.scalar(select(User).where(User.email == email))
        if user is not None:
            accounts.append(DemoAccount(email, known.get(email), user.role, False))
            continue
        if role == "enterprise" and enterprise is None:
            continue  # no demo enterprise to belong to (demo data not loaded)
        password = secrets.token_urlsafe(12)
        own = enterprise if role == "enterprise" else None  # set: checked just above
        organisation = (organisations.of_enterprise(session, own) if own
                        else organisations.demo(session, role))
        user = User(email=email, display_name=name, password_hash=generate_password_hash(password),
                    role=role, enterprise_id=own.id if own else None,
                    organisation_id=organisation.id, reviewer=email in REVIEWER_QUALIFICATION,
                    reviewer_qualification=REVIEWER_QUALIFICATION.get(email, ""))
        fresh.append(user)
        accounts.append(DemoAccount(email, password, role, True))
    if fresh:
        # The file first: an account is never created without its password being kept.
        write_passwords(path, accounts)
        try:
            for user in fresh:
                session.add(user)
                session.flush()
                audit.record(session, None, "create", "user", user.id,
                             {"role": user.role, "demo": True})
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return accounts


@click.command("demo-accounts")
@with_appcontext
def demo_accounts_command() -> None:
    """Create one demo account per role (local use only) and print their passwords."""
    try:
        accounts = ensure(db.session(), current_app.config, Path(current_app.instance_path))
    except Refused as error:
        raise click.ClickException(str(error)) from error
    click.echo(WARNING)
    click.echo("email / password / role")
    for account in accounts:
        password = account.password or "(not recorded: flask --app wsgi users reset EMAIL)"
        click.echo(f"{account.email} / {password} / {account.role}")
