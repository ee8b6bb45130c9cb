"""Landing pages for areas whose records arrive with later work: honest empty states."""

from __future__ import annotations

from flask import Blueprint, render_template

# Bulletins, the first area here, now have their own blueprint (publishing/bulletins/views.py).
AREAS: dict[str, tuple[str, object, object]] = {}


def landing_blueprint(name: str) -> Blueprint:
    """Build the blueprint for area ``name`` with its landing page at the area's root."""
    prefix, heading, empty_message = AREAS[name]
    bp = Blueprint(name, __name__, url_prefix=prefix)

    @bp.get("")
    def index():
        return render_template("area_landing.html", heading=heading, empty_message=empty_message)

    return bp


blueprints = [landing_blueprint(name) for name in AREAS]
