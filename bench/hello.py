"""The baseline of ``make bench``: a bare Flask app with one route answering "Hello, World!".

Served by its own gunicorn with the site's workers, threads and logging settings, it is what
Flask itself allows on this machine under the same load; the site's pages are reported as a
share of it. ``gunicorn bench.hello:app``.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer the smallest page Flask can serve."""
    return "Hello, World!"
