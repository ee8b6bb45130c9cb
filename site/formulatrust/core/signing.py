"""Keys for signed serials and short codes: from the environment, else ``instance/``."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import Flask, current_app

from formulatrust.core.config import instance_file
from formulatrust.domain.cancodes import ShortCodeBook
from formulatrust.domain.serials import SerialSigner

KEYS_FILE = "serial_keys.json"


def load_keys(app: Flask) -> tuple[dict[str, bytes], str]:
    """Return the key ring and the current key id."""
    configured = app.config.get("SERIAL_KEYS")
    if not configured:
        text = instance_file(Path(app.instance_path) / KEYS_FILE,
                             lambda: json.dumps({"A": secrets.token_hex(32)}))
        configured = json.loads(text)
    if isinstance(configured, str):
        configured = json.loads(configured)
    keys = {key_id: bytes.fromhex(value) for key_id, value in configured.items()}
    current = app.config.get("SERIAL_KEY_ID") or max(keys)
    return keys, current


def init_app(app: Flask) -> None:
    """Build the signer and the short-code book once per application."""
    keys, current = load_keys(app)
    app.extensions["formulatrust.signer"] = SerialSigner(keys, current)
    app.extensions["formulatrust.shortcodes"] = ShortCodeBook(keys, current)


def signer() -> SerialSigner:
    """Return this application's serial signer."""
    return current_app.extensions["formulatrust.signer"]


def short_codes() -> ShortCodeBook:
    """Return this application's short-code book."""
    return current_app.extensions["formulatrust.shortcodes"]
