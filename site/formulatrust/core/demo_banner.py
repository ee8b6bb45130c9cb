"""The "demo data" banner, shown on every page while invented records are on the site."""

from __future__ import annotations

import time

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from formulatrust.core import db
from formulatrust.enterprises.models import Enterprise

CHECK_EVERY_SECONDS = 60.0


def demo_data_shown() -> bool:
    """Tell whether demo records exist, checking the database at most once a minute."""
    state = current_app.extensions.setdefault("formulatrust.demo", {"checked": 0.0, "shown": False})
    if time.monotonic() - state["checked"] > CHECK_EVERY_SECONDS:
        try:
            found = db.session().scalar(select(Enterprise.id).where(Enterprise.is_demo).limit(1))
        except SQLAlchemyError:
            db.session().rollback()  # leave the request a usable session (or its own retry)
            return state["shown"]
        state.update(checked=time.monotonic(), shown=found is not None)
    return state["shown"]


def init_app(app: Flask) -> None:
    """Expose the check to templates."""
    app.jinja_env.globals["demo_data_shown"] = demo_data_shown
