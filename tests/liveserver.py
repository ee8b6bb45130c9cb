"""A real gunicorn server on a free loopback port, on its own database, for browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.db import make_engine


def free_port() -> int:
    """Ask the OS for a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sibling_database(url: str, suffix: str, folder: Path) -> str:
    """Return a fresh, empty database next to ``url`` (a new PostgreSQL database or SQLite file)."""
    if not url.startswith("postgresql"):
        return f"sqlite:///{folder / f'{suffix}.sqlite3'}"
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, log: Path | None = None,
             options: tuple[str, ...] = (), app: str = "wsgi:app", ready: str = "/healthz"):
    """Serve ``app`` with gunicorn; yield the base URL once ``ready`` answers 200; stop the
    server afterwards."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", "4", "--no-control-socket",
               "--graceful-timeout", "2", *options, app]
    output = log.open("wb") if log else subprocess.DEVNULL
    served = {"FORMULATRUST_SITE_HOST": f"127.0.0.1:{port}",  # links name this very server
              "FORMULATRUST_PREFERRED_URL_SCHEME": "http"}
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **served, **env},
                               stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + ready, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")


@contextmanager
def serving(database_url: str, folder: Path, name: str, fill, options: tuple[str, ...] = ()):
    """Serve gunicorn on a fresh database named after ``name``, filled by ``fill(app)`` (run in
    an application context, after migrating; its commit and the search index are done here)."""
    from formulatrust import create_app
    from formulatrust.core import db
    from formulatrust.core.migrate import upgrade
    from formulatrust.pages.search_documents import all_documents
    from formulatrust.search import rebuild

    url = sibling_database(database_url, name, folder)
    overrides = {"DATABASE_URL": url, "SECRET_KEY": f"{name}-test-secret-" + "x" * 20,
                 "INSTANCE_PATH": str(folder / "instance"),
                 "SEARCH_INDEX_DIR": str(folder / "index")}
    app = create_app(dict(overrides))
    with app.app_context():
        upgrade(db.engine())
        fill(app)
        db.session().commit()
        rebuild(overrides["SEARCH_INDEX_DIR"],
                all_documents(db.session(), app.extensions["formulatrust.content"]))
    db.dispose(app)
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": overrides["SECRET_KEY"],
           "FORMULATRUST_INSTANCE_PATH": overrides["INSTANCE_PATH"],
           "FORMULATRUST_SEARCH_INDEX_DIR": overrides["SEARCH_INDEX_DIR"]}
    with gunicorn(env, log=folder / "gunicorn.log", options=options) as base:
        yield base
