"""``tokens create|list|revoke`` for operators."""

from __future__ import annotations

from sqlalchemy import select

from formulatrust.publishing import api_tokens
from formulatrust.publishing.models import AuditEntry


def test_the_cli_creates_lists_and_revokes_tokens(runner, session, world):
    created = runner.invoke(args=["tokens", "create", "--enterprise", "test-dairy",
                                  "--name", "ERP", "--expires-in-days", "30"])
    assert created.exit_code == 0, created.output
    text = next(word for word in created.output.split() if word.startswith("ftk_"))
    token = api_tokens.verify(session, text).token
    assert token is not None and token.expires_at is not None
    listed = runner.invoke(args=["tokens", "list"])
    assert f"ftk_{token.public_id}_" in listed.output and text not in listed.output
    assert "test-dairy" in listed.output and "active" in listed.output
    revoked = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert revoked.exit_code == 0, revoked.output
    session.expire_all()
    assert api_tokens.verify(session, text).problem == "revoked"
    again = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert again.exit_code != 0 and "already revoked" in again.output
    assert runner.invoke(args=["tokens", "revoke", "99999"]).exit_code != 0
    unknown = runner.invoke(args=["tokens", "create", "--enterprise", "nobody", "--name", "X"])
    assert unknown.exit_code != 0 and "No enterprise" in unknown.output
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "api_token")).all()
    assert sorted(actions) == ["create", "revoke"]
