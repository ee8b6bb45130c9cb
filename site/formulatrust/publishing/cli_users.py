"""Operator commands for accounts and the report queue's retention.

``flask --app wsgi users create|disable|reset|reviewer|list`` and ``reports purge``.
Passwords are prompted for (hidden, twice) or read from standard input, never taken as
arguments, so they stay out of shell history and process lists.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import or_, select, update
from werkzeug.security import generate_password_hash

from formulatrust.core import db
from formulatrust.core.clock import utcnow
from formulatrust.core.db import changed_rows
from formulatrust.domain.authz import ENTERPRISE, ROLES, SCIENCE
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import accounts, audit, organisations
from formulatrust.publishing.models import User
from formulatrust.scan.models import ProblemReport

users_group = AppGroup("users", help="Create, disable and reset publisher accounts.")
reports_group = AppGroup("reports", help="Look after the problem-report queue.")

MIN_PASSWORD = 12
MAX_PASSWORD = 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    """Return ``email`` trimmed and lower-cased, or fail if it does not look like one."""
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="EMAIL")
    return email


def read_password(from_stdin: bool) -> str:
    """Read a new password from standard input or a hidden prompt, and check its length."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.ClickException(
            f"The password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters.")
    return password


def find_user(email: str) -> User:
    user = db.session().scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with the email address {email.strip()}.")
    return user


password_stdin = click.option("--password-stdin", is_flag=True,
                              help="Read the password from the first line of standard input.")


@users_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--enterprise", "enterprise_slug", help="Enterprise slug (enterprise editors).")
@click.option("--organisation", "organisation_slug",
              help="Organisation slug (see `organisations list`); an enterprise editor belongs "
                   "to its enterprise's, others default to their role's.")
@click.option("--name", default="", help="Display name.")
@password_stdin
def create(email: str, role: str, enterprise_slug: str | None, organisation_slug: str | None,
           name: str, password_stdin: bool) -> None:
    """Create an account with ROLE for EMAIL, prompting for its password."""
    session = db.session()
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"An account with the email address {email} already exists.")
    enterprise = None
    if enterprise_slug:
        enterprise = session.scalar(select(Enterprise).where(Enterprise.slug == enterprise_slug))
        if enterprise is None:
            raise click.ClickException(f"No enterprise with the slug {enterprise_slug}.")
    if role == ENTERPRISE and enterprise is None:
        raise click.UsageError("An enterprise editor needs --enterprise SLUG.")
    if role != ENTERPRISE and enterprise is not None:
        raise click.UsageError("Only enterprise editors belong to an enterprise.")
    password = read_password(password_stdin)
    with db.transaction():
        try:
            organisation = organisations.for_account(session, role, enterprise,
                                                     organisation_slug)
        except organisations.OrganisationError as error:
            raise click.UsageError(str(error)) from None
        user = User(email=email, display_name=name.strip()[:100],
                    password_hash=generate_password_hash(password), role=role,
                    enterprise_id=enterprise.id if enterprise else None,
                    organisation_id=organisation.id)
        session.add(user)
        session.flush()
        audit.record(session, None, "create", "user", user.id,
                     {"role": role, "enterprise": enterprise_slug,
                      "organisation": organisation.slug})
    click.echo(f"Created {role} account {user.id} for {email}, of {organisation.name_zh}.")


@users_group.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable the account of EMAIL and sign it out everywhere."""
    user = find_user(email)
    with db.transaction() as session:
        user.active = False
        user.session_version += 1
        accounts.end_every_sign_in(session, user.id)
        audit.record(session, None, "disable", "user", user.id)
    click.echo(f"Disabled account {user.id}.")


@users_group.command("reviewer")
@click.argument("email")
@click.option("--qualification", default="",
              help="What qualifies them, as readers will see it, e.g. 'registered dietitian'.")
@click.option("--remove", is_flag=True, help="Stop the account approving articles.")
def reviewer(email: str, qualification: str, remove: bool) -> None:
    """Let the science editor EMAIL approve others' articles, with their stated qualification."""
    user = find_user(email)
    qualification = " ".join(qualification.split())
    if not remove and user.role != SCIENCE:
        raise click.ClickException(f"Only science editors review articles; {user.email} has "
                                   f"the {user.role} role.")
    if not remove and not 3 <= len(qualification) <= 200:
        raise click.UsageError("Give the reviewer's qualification with --qualification "
                               "(3 to 200 characters): readers see it beside their name.")
    with db.transaction() as session:
        user.reviewer = not remove
        user.reviewer_qualification = "" if remove else qualification
        audit.record(session, None, "update", "user", user.id,
                     {"reviewer": user.reviewer, "qualification": user.reviewer_qualification})
    if remove:
        click.echo(f"{user.email} no longer approves articles.")
    else:
        click.echo(f"{user.email} approves articles as: {qualification}.")


@users_group.command("reset")
@click.argument("email")
@click.option("--remove-totp", is_flag=True, help="Also remove the authenticator-app secret.")
@password_stdin
def reset(email: str, remove_totp: bool, password_stdin: bool) -> None:
    """Set a new password for EMAIL, unlock and re-enable it, and sign it out everywhere."""
    user = find_user(email)
    password = read_password(password_stdin)
    with db.transaction() as session:
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        accounts.end_every_sign_in(session, user.id)
        user.failed_logins = 0
        user.locked_until = None
        user.active = True
        if remove_totp:
            user.totp_secret = None
        audit.record(session, None, "reset", "user", user.id, {"totp_removed": remove_totp})
    click.echo(f"Reset account {user.id}; it is signed out everywhere.")


@users_group.command("list")
def list_users() -> None:
    """List the accounts: id, email, role, enterprise, state."""
    session = db.session()
    rows = session.execute(select(User, Enterprise.slug).outerjoin(Enterprise)
                           .order_by(User.role, User.email)).all()
    for user, slug in rows:
        state = "active" if user.active else "disabled"
        click.echo(f"{user.id}\t{user.email}\t{user.role}\t{slug or '-'}\t{state}")


@reports_group.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Retention in days (default: REPORT_RETENTION_DAYS, 180).")
def purge(days: int | None) -> None:
    """Delete the contact details and the free text of closed reports older than DAYS.

    The reports themselves stay (their category, product and dates, without any way to reach
    the reporter and without what they wrote, which may name people) so that the queue's
    figures remain.
    """
    if days is None:
        days = int(current_app.config["REPORT_RETENTION_DAYS"])
    cutoff = utcnow() - timedelta(days=days)
    with db.transaction() as session:
        count = changed_rows(session.execute(
            update(ProblemReport)
            .where(ProblemReport.status == "closed", ProblemReport.created_at < cutoff,
                   or_(ProblemReport.contact != "", ProblemReport.description != ""))
            .values(contact="", description="")))
        if count:
            audit.record(session, None, "purge", "problem_report", "",
                         {"contacts_deleted": count, "days": days})
    click.echo(f"Deleted the contact details of {count} closed reports older than {days} days.")


def by_option(*roles: str):
    """The ``--by EMAIL`` option of a command that publishes or changes records."""
    return click.option("--by", "by_email", required=True, metavar="EMAIL",
                        help=f"The account this is done as ({' or '.join(roles)}); the audit "
                             "log names it.")


def acting_account(session, email: str, *roles: str) -> User:
    """Return the active account ``email`` if it has one of ``roles``, else stop the command."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        raise click.ClickException(f"没有有效的账号 {email} / no active account {email}")
    if user.role not in roles:
        raise click.ClickException(f"{email} is a {user.role} account; this needs "
                                   f"{' or '.join(roles)}")
    return user
