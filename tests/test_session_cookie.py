"""The session cookie: read only when a browser sent one, written only when the session is used."""

from __future__ import annotations


def test_a_visitor_without_a_session_gets_none(client):
    response = client.get("/?lang=en")
    assert response.status_code == 200
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_a_signed_session_is_still_read_and_kept(app, client):
    with client.session_transaction() as session:
        session["probe"] = "kept"
    assert client.get("/?lang=en").status_code == 200
    with client.session_transaction() as session:
        assert session["probe"] == "kept"
    client.set_cookie("session", "forged.value.here")
    with client.session_transaction() as session:
        assert "probe" not in session  # a cookie that fails its signature opens nothing
