"""``users create|disable|reset|list`` and ``reports purge``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from formulatrust.core.clock import utcnow
from formulatrust.publishing.models import AuditEntry, User
from formulatrust.scan.models import ProblemReport

from .accounts_factory import make_user

NEW_PASSWORD = "a long enough passphrase"


def reload(session, user: User) -> User:
    session.expire_all()
    return session.get(User, user.id)


def test_create_reads_the_password_from_stdin(runner, session):
    result = runner.invoke(args=["users", "create", "Reg@Example.com", "--role", "regulator",
                                 "--name", "Ms Li", "--password-stdin"],
                           input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert (user.email, user.role, user.display_name, user.active) == (
        "reg@example.com", "regulator", "Ms Li", True)
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert NEW_PASSWORD not in result.output
    entry = session.scalars(select(AuditEntry)).one()
    assert (entry.user_id, entry.action, entry.object_id) == (None, "create", str(user.id))
    assert NEW_PASSWORD not in str(entry.summary)


def test_create_prompts_twice_for_the_password(runner, session, world):
    result = runner.invoke(args=["users", "create", "ed@example.com", "--role", "enterprise",
                                 "--enterprise", "test-dairy"],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert user.enterprise_id == world["enterprises"][0].id


@pytest.mark.parametrize(("args", "message"), [
    (["new@example.com", "--role", "enterprise"], "needs --enterprise"),
    (["new@example.com", "--role", "enterprise", "--enterprise", "nobody"], "No enterprise"),
    (["new@example.com", "--role", "regulator", "--enterprise", "test-dairy"], "Only enterprise"),
    (["new@example.com", "--role", "king"], "Invalid value for '--role'"),
    (["not-an-email", "--role", "admin"], "not an email address"),
    (["taken@example.com", "--role", "admin"], "already exists"),
])
def test_create_refuses_bad_input(runner, session, world, args, message):
    make_user(session, "admin", email="taken@example.com")
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"],
                           input=NEW_PASSWORD + "\n")
    assert result.exit_code != 0 and message in result.output
    assert session.scalars(select(User.email)).all() == ["taken@example.com"]


def test_create_refuses_short_passwords(runner, session):
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "admin",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "12 to 200 characters" in result.output
    assert session.scalars(select(User)).all() == []


def test_disable_signs_the_account_out_everywhere(runner, session):
    user = make_user(session, "science")
    result = runner.invoke(args=["users", "disable", user.email.upper()])
    assert result.exit_code == 0, result.output
    user = reload(session, user)
    assert (user.active, user.session_version) == (False, 2)
    assert runner.invoke(args=["users", "disable", "ghost@example.com"]).exit_code != 0


def test_reset_sets_a_new_password_unlocks_and_signs_out(runner, session):
    user = make_user(session, "regulator", active=False, failed_logins=3,
                     locked_until=utcnow() + timedelta(minutes=10), totp_secret="JBSWY3DPEHPK3PXP")
    result = runner.invoke(args=["users", "reset", user.email, "--password-stdin",
                                 "--remove-totp"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = reload(session, user)
    assert check_password_hash(user.password_hash, NEW_PASSWORD)
    assert (user.active, user.session_version, user.failed_logins, user.locked_until,
            user.totp_secret) == (True, 2, 0, None, None)
    assert [e.action for e in session.scalars(select(AuditEntry))] == ["reset"]


def test_list_shows_accounts_without_secrets(runner, session, world):
    make_user(session, "enterprise", world["enterprises"][0], email="ed@example.com")
    output = runner.invoke(args=["users", "list"]).output
    assert "ed@example.com\tenterprise\ttest-dairy\tactive" in output
    assert "scrypt" not in output


def test_purge_deletes_contacts_of_old_closed_reports_only(runner, session):
    def report(reference, status, days):
        session.add(ProblemReport(reference=reference, gtin="09521234500018", category="other",
                                  description="Something happened.", contact="13800001234",
                                  status=status, created_at=utcnow() - timedelta(days=days)))
    report("OLDCLOSE", "closed", 200)
    report("NEWCLOSE", "closed", 10)
    report("OLDOPEN1", "investigating", 400)
    session.commit()
    result = runner.invoke(args=["reports", "purge"])
    assert result.exit_code == 0 and "of 1 closed reports older than 180 days" in result.output
    session.expire_all()
    contacts = dict(session.execute(select(ProblemReport.reference, ProblemReport.contact)).all())
    assert contacts == {"OLDCLOSE": "", "NEWCLOSE": "13800001234", "OLDOPEN1": "13800001234"}
    texts = dict(session.execute(select(ProblemReport.reference,
                                        ProblemReport.description)).all())
    assert texts["OLDCLOSE"] == ""  # what they wrote goes too
    assert texts["NEWCLOSE"] == "Something happened."
    assert "of 1 closed" in runner.invoke(args=["reports", "purge", "--days", "5"]).output
    entries = session.scalars(select(AuditEntry)).all()
    assert [e.summary for e in entries] == [{"contacts_deleted": 1, "days": 180},
                                            {"contacts_deleted": 1, "days": 5}]
