"""Flask's signed-cookie session, without its per-request work for visitors who have none.

Parents scanning a can never sign in: their requests carry no session cookie and leave the
session empty, yet Flask builds the cookie's signing serializer to open it and works out the
cookie's domain and path to save it. Here both are skipped when there is nothing to read or
write; a browser with a session cookie gets Flask's own handling, unchanged.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from formulatrust.core.i18n import vary_on


class SessionOnlyWhenSent(SecureCookieSessionInterface):
    """Open the session only when the browser sent its cookie; save it only when used."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or self.get_cookie_name(app) not in request.cookies):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SecureCookieSession,  # type: ignore[override]
                     response: Response) -> None:
        if not session and not session.modified:
            if session.accessed:
                vary_on(response, ("Cookie",))
            return  # Flask itself writes nothing for an empty, unchanged session
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Use the lighter session handling."""
    app.session_interface = SessionOnlyWhenSent()
