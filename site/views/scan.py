"""Scan a can: the form for typing the code printed on the can."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("scan", __name__, url_prefix="/scan")


@bp.get("")
def index():
    """Show the code form."""
    return render_template("scan/index.html")
