"""API tokens as stored: only a hash, found by public id, refused when revoked or expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from formulatrust.publishing import api_tokens
from formulatrust.publishing.models import ApiToken


@pytest.fixture
def issued(session, world):
    token, text = api_tokens.issue(session, world["enterprises"][0], "  ERP   system ",
                                   expires_in_days=30)
    session.commit()
    return token, text


def test_only_a_hash_of_the_secret_is_stored(session, issued):
    token, text = issued
    prefix, public_id, secret = text.split("_", 2)
    assert (prefix, public_id) == ("ftk", token.public_id) and len(secret) == 43
    row = session.scalars(select(ApiToken)).one()
    stored = " ".join(str(value) for value in row.__dict__.values())
    assert secret not in stored and row.secret_hash == api_tokens.hash_secret(secret)
    assert row.name == "ERP system"


def test_tokens_are_random(session, world):
    texts = {api_tokens.issue(session, world["enterprises"][0], "x")[1] for _ in range(20)}
    assert len(texts) == 20


def test_a_live_token_is_found(session, issued):
    token, text = issued
    assert api_tokens.verify(session, text).token.id == token.id


@pytest.mark.parametrize(("change", "problem"), [
    (lambda text: None, "missing"),
    (lambda text: text.upper(), "malformed"),
    (lambda text: text + "x", "malformed"),
    (lambda text: text[:-1] + ("A" if text[-1] != "A" else "B"), "unknown"),
    (lambda text: text[:4] + "000000000000" + text[16:], "unknown"),
])
def test_wrong_tokens_are_refused_with_the_reason(session, issued, change, problem):
    _token, text = issued
    check = api_tokens.verify(session, change(text))
    assert (check.token, check.problem) == (None, problem)


def test_revoked_and_expired_tokens_are_refused(session, issued):
    token, text = issued
    later = datetime.now(UTC) + timedelta(days=31)
    assert api_tokens.verify(session, text, now=later).problem == "expired"
    assert api_tokens.state(token, now=later) == "expired"
    assert api_tokens.revoke(session, token, None) is True
    assert api_tokens.revoke(session, token, None) is False  # once only
    session.commit()
    assert api_tokens.verify(session, text).problem == "revoked"
    assert api_tokens.state(token) == "revoked"


@pytest.mark.parametrize(("header", "token"), [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None),
    ("", None), (None, None)])
def test_bearer_header(header, token):
    assert api_tokens.bearer(header) == token


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_name_is_required(session, world, name):
    with pytest.raises(ValueError):
        api_tokens.issue(session, world["enterprises"][0], name)
