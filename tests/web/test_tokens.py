"""API token management: create (shown once), list, revoke; own enterprise only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.publishing import api_tokens
from formulatrust.publishing.models import ApiToken, AuditEntry

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page, text_of

PAGE = "/account/tokens"


@pytest.fixture
def editor(client, session, world):
    user = make_user(session, "enterprise", world["enterprises"][0])
    sign_in_as(client, user)
    return user


def create(client, lang="en", **fields):
    data = {"csrf_token": csrf_token(client, PAGE), "name": "Warehouse system",
            "expires": "90", **fields}
    return client.post(f"{PAGE}?lang={lang}", data=data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_passes_the_checks(client, editor, lang):
    response = client.get(f"{PAGE}?lang={lang}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    soup = check_page(response.get_data(as_text=True), lang)
    assert soup.find("input", attrs={"name": "name"})
    assert not soup.find("select", attrs={"name": "enterprise"})  # always their own


def test_a_new_token_is_shown_once_and_works(client, session, editor):
    response = create(client)
    assert response.status_code == 201
    assert "no-store" in response.headers["Cache-Control"]
    soup = check_page(response.get_data(as_text=True), "en")
    text = soup.find("input", id="token")["value"]
    stored = session.scalars(select(ApiToken)).one()
    assert text.startswith(f"ftk_{stored.public_id}_")
    assert stored.enterprise_id == editor.enterprise_id and stored.created_by_id == editor.id
    assert stored.expires_at is not None and stored.secret_hash not in text
    assert api_tokens.verify(session, text).token.id == stored.id
    listing = client.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert f"ftk_{stored.public_id}_" in listing and text not in listing
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "api_token")).one()
    assert (entry.action, entry.user_id) == ("create", editor.id)
    assert text.rsplit("_", 1)[-1] not in str(entry.summary)


def test_a_token_without_a_name_is_refused_with_the_reason(client, session, editor):
    response = create(client, name="   ")
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error:")
    assert "Enter a name" in text_of(soup, ".error-summary")
    assert session.scalars(select(ApiToken)).all() == []


def test_revoking_asks_first_then_refuses_the_token(client, session, world, editor):
    token, text = api_tokens.issue(session, world["enterprises"][0], "ERP")
    session.commit()
    page = client.get(f"{PAGE}/{token.id}/revoke?lang=en")
    assert page.status_code == 200
    soup = check_page(page.get_data(as_text=True), "en")
    assert soup.find("form", action=f"{PAGE}/{token.id}/revoke")
    assert api_tokens.verify(session, text).token is not None  # nothing happens on GET
    response = client.post(f"{PAGE}/{token.id}/revoke",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 303
    session.expire_all()
    assert api_tokens.verify(session, text).problem == "revoked"
    done = check_page(client.get(response.headers["Location"] + "&lang=en").get_data(
        as_text=True), "en")
    assert "is revoked" in text_of(done, "[role=status]")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "revoke")).one()
    assert (entry.object_type, entry.object_id, entry.user_id) == (
        "api_token", str(token.id), editor.id)


def test_an_editor_sees_and_revokes_only_their_own_enterprises_tokens(client, session, world,
                                                                      editor):
    theirs, text = api_tokens.issue(session, world["enterprises"][1], "River ERP")
    session.commit()
    assert "River ERP" not in client.get(PAGE).get_data(as_text=True)
    assert client.get(f"{PAGE}/{theirs.id}/revoke").status_code == 403
    response = client.post(f"{PAGE}/{theirs.id}/revoke",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 403
    session.expire_all()
    assert api_tokens.verify(session, text).token is not None
    # An enterprise field sent anyway is ignored: the token is for the editor's enterprise.
    assert create(client, enterprise="river-milk").status_code == 201
    assert {t.enterprise_id for t in session.scalars(select(ApiToken)
                                                    .where(ApiToken.name == "Warehouse system"))
            } == {editor.enterprise_id}


def test_administrators_choose_the_enterprise(client, session, world):
    sign_in_as(client, make_user(session, "admin"))
    page = check_page(client.get(f"{PAGE}?lang=en").get_data(as_text=True), "en")
    assert page.find("select", attrs={"name": "enterprise"})
    missing = create(client)
    assert missing.status_code == 400
    assert "Choose the enterprise" in text_of(check_page(missing.get_data(as_text=True)),
                                              ".error-summary")
    assert create(client, enterprise="river-milk").status_code == 201
    token = session.scalars(select(ApiToken)).one()
    assert token.enterprise_id == world["enterprises"][1].id and token.created_by_id


@pytest.mark.parametrize("role", ["regulator", "association", "science"])
def test_other_roles_cannot_manage_tokens(client, session, role):
    sign_in_as(client, make_user(session, role))
    assert client.get(PAGE).status_code == 403


def test_the_account_page_links_to_tokens_and_check_in(client, editor):
    soup = check_page(client.get("/account?lang=en").get_data(as_text=True), "en")
    assert soup.find("a", href=PAGE) and soup.find("a", href="/publish/check-in")
