"""Configuration: defaults, then the environment, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from formulatrust.domain import data_licences, host_header

# The checkout: site/formulatrust/core/config.py is three folders below it.
PROJECT_ROOT = Path(__file__).resolve().parents[3]
STATIC_DIR = PROJECT_ROOT / "static"
CONTENT_DIR = PROJECT_ROOT / "content"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"

ENV_PREFIX = "FORMULATRUST"
SECRET_KEY_FILE = "secret_key"

DEFAULTS: dict[str, Any] = {
    "SITE_NAME": "Shanghai Infant Formula Trust",
    "SITE_HOST": "127.0.0.1:8000",
    "ALLOWED_HOSTS": "",  # more host names the site answers for, comma-separated
    "HSTS_SECONDS": 31536000,  # Strict-Transport-Security on HTTPS answers (0: none)
    "PREFERRED_URL_SCHEME": "https",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "LANG_COOKIE_MAX_AGE": 365 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": 3600,
    "BABEL_DEFAULT_LOCALE": "zh",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "RATELIMIT_STORAGE_URI": "safememory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "SEARCH_RATE_LIMIT": "60/minute",
    "SEARCH_ENGINE": "tantivy",  # engine of the next index build: "tantivy" or "whoosh"
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "SERIAL_KEYS": None,  # {"A": "<hex>", …}; generated into instance/serial_keys.json if unset
    "SERIAL_KEY_ID": None,  # which key issues new codes; the newest by default
    "QUERY_LOG_ENABLED": True,
    # Each worker writes its scans in batches: this often, or at once when this many wait (0 s:
    # each scan right after its response). Other workers' pages show them within the interval.
    "SCAN_FLUSH_SECONDS": 0.5,
    "SCAN_FLUSH_ROWS": 300,
    "REPORT_RATE_LIMIT": "5/hour",
    "REPORT_STATUS_RATE_LIMIT": "20/hour",  # report status look-ups per client
    "FACTS_CACHE_SECONDS": 30,  # how long batch-level facts are reused; recalls show within it
    "BOOKING_RATE_LIMIT": "10/hour",  # open-day booking attempts per client
    "BOOKING_LOOKUP_RATE_LIMIT": "20/hour",  # "manage a booking" lookups per client
    "BOOKING_RETENTION_DAYS": 30,  # bookings are deleted this many days after the visit
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # seconds a sign-in lasts, whatever the activity
    "SIGN_IN_RATE_LIMIT": "10/15 minutes",  # sign-in and security-code attempts per client
    # After wrong passwords or codes an account waits 1, 2, 4 … seconds, up to this, between
    # attempts: slowed, never locked out by a stranger.
    "SIGN_IN_DELAY_CAP_SECONDS": 30,
    # Workers learn of changes made elsewhere through PostgreSQL's LISTEN/NOTIFY; without it
    # (SQLite, or while the listening connection is down) they poll the feed this often.
    "CHANGE_LISTEN": True,
    "CHANGE_POLL_SECONDS": 1.0,
    "CHANGE_RETENTION_DAYS": 30,  # change-feed rows are deleted after this (`changes purge`)
    # Regulators and administrators must set up a security code within this many days of
    # their account's creation; after that they can do nothing else until they have.
    "TOTP_ENROLMENT_GRACE_DAYS": 7,
    "ARTICLE_REVIEW_MONTHS": 12,  # a learn article's next review is due this long after one
    "REPORT_RETENTION_DAYS": 180,  # contacts of closed problem reports are deleted after this
    "BULLETIN_ATTACHMENT_MAX_BYTES": 5 * 1024 * 1024,  # largest PDF attached to a bulletin
    "IMAGE_MAX_BYTES": 5 * 1024 * 1024,  # largest photo upload (showcases, articles)
    "IMAGE_MIN_SIDE": 320,  # shortest side of an uploaded photo, in pixels
    "IMAGE_MAX_SIDE": 8000,  # longest side of an uploaded photo, in pixels
    "IMAGE_MAX_PIXELS": 40_000_000,  # pixels in all, checked before decoding (bombs)
    "API_RATE_LIMIT": "60/minute",  # push-API requests per token
    "DOWNLOAD_RATE_LIMIT": "20/hour",  # filtered CSV and JSON downloads per client
    "HEAVY_REQUESTS": 2,  # filtered downloads and data-file builds at once, per worker process
    "DATA_DIR": None,  # where this node keeps its complete data files; instance/data if unset
    "API_MAX_BYTES": 16 * 1024 * 1024,  # largest push-API request body
    "DEMO_ACCOUNTS": False,  # allow `demo-accounts` (local use only; refused for a public host)
    "DATA_LICENCE": data_licences.DEFAULT,  # SPDX id of the licence open data is published under
    # Outgoing mail; without a server messages are written to instance/outbox-mail/ as .eml.
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_SENDER": "",  # From: of every message; no-reply@SITE_HOST when empty
    "TEXT_PROVIDER": "file",  # SMS and WeChat messages: only the file backend exists
    "FOLLOW_RATE_LIMIT": "10/hour",  # sign-ups to follow a batch or product per client
    "FOLLOW_ADDRESS_RATE_LIMIT": "3/day",  # confirmation messages per address
    "FOLLOW_MAX_ITEMS": 50,  # batches and products one address may follow
}


def private_folder(folder: Path) -> None:
    """Make ``folder`` readable by its owner only (it holds keys and personal data)."""
    try:
        folder.chmod(0o700)
    except OSError:
        pass  # not ours to change (a shared mount): the deployment sets it


def instance_path() -> str:
    """Return ``FORMULATRUST_INSTANCE_PATH``, else ``instance/`` in the checkout."""
    return os.environ.get(f"{ENV_PREFIX}_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")


def load(app: Flask, overrides: dict[str, Any]) -> None:
    """Fill ``app.config`` from defaults, environment and overrides, then derive the rest."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(ENV_PREFIX)
    for name in ("DATABASE_URL", "SEARCH_INDEX_DIR", "SECRET_KEY"):
        if os.environ.get(name) and f"{ENV_PREFIX}_{name}" not in os.environ:
            app.config[name] = os.environ[name]
    app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_folder(instance)
    app.config.setdefault("DATABASE_URL", f"sqlite:///{instance / 'formulatrust.sqlite3'}")
    app.config.setdefault("SEARCH_INDEX_DIR", str(instance / "search-index"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / SECRET_KEY_FILE)
    app.config["DATA_LICENCE"] = checked_licence(str(app.config["DATA_LICENCE"]))
    # Checked by core.security (werkzeug's TRUSTED_HOSTS cannot name an IPv6 address).
    app.config["SITE_HOST_NAMES"] = trusted_hosts(app.config["SITE_HOST"],
                                                str(app.config.get("ALLOWED_HOSTS") or ""))


def checked_licence(spdx: str) -> str:
    """Return the SPDX id as the table spells it; refuse to start on an unknown one."""
    try:
        return data_licences.data_licence(spdx).spdx
    except data_licences.UnknownLicence as error:
        raise RuntimeError(str(error)) from None


def data_licence(config: Mapping[str, Any]) -> data_licences.DataLicence:
    """Return the licence the site publishes its data under."""
    return data_licences.data_licence(str(config["DATA_LICENCE"]))


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def host_name(host: str) -> str:
    """Return a configured ``host`` without its port (``[::1]:8000`` → ``::1``)."""
    return host_header.host_name(host) or host.strip().lower()


def site_origin(config: Mapping[str, Any]) -> str:
    """The scheme and host every absolute URL the site hands out starts with: ``SITE_HOST``
    (and ``PREFERRED_URL_SCHEME``), never the ``Host`` a request claimed."""
    return f"{config['PREFERRED_URL_SCHEME']}://{str(config['SITE_HOST']).strip()}"


def trusted_hosts(site_host: str, allowed: str) -> list[str]:
    """Return the host names requests may name: SITE_HOST's, the allowed ones, and every
    loopback name when SITE_HOST is itself a loopback host (local runs and tests), any port."""
    hosts = [host_name(site_host), *(host_name(h) for h in allowed.split(",") if h.strip())]
    if hosts[0] in LOOPBACK_HOSTS:
        hosts += [name for name in LOOPBACK_HOSTS if name not in hosts]
    return hosts


def _instance_secret(path: Path) -> str:
    """Read the secret key kept in the instance folder, creating it once if missing."""
    key = instance_file(path, lambda: secrets.token_urlsafe(48)).strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds a secret key shorter than 32 characters")
    return key


def instance_file(path: Path, make: Callable[[], str]) -> str:
    """Return the text of a private instance file, writing ``make()`` into it once if missing."""
    if not path.exists():
        # Write then hard-link, so concurrent workers never read a half-written file.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        draft.write_text(make(), encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8")
