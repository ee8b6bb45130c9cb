"""SMS and WeChat subscription messages: the interface a provider implements, and the one
backend that exists here, which writes each message to a file a person can read.

A provider is connected by implementing ``TextProvider`` (``send`` must raise ``OSError`` when
the provider refuses, so the outbox retries, and must treat ``key`` as the message's identity so
a retry is not a second message) and naming it in ``TEXT_PROVIDERS``. No provider is connected:
``FORMULATRUST_TEXT_PROVIDER`` is ``file`` and messages go to ``instance/outbox-text/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Protocol

from formulatrust.core.config import private_folder

CHANNELS = ("sms", "wechat")  # WeChat: a subscription message to an openid
OUTBOX_FOLDER = "outbox-text"


class TextProvider(Protocol):
    """Something that delivers a short text to a phone number or a WeChat openid."""

    def send(self, *, key: str, channel: str, recipient: str, text: str) -> None: ...


class FileTextProvider:
    """Writes ``<key>.json`` (channel, recipient, text) into a folder; a retry overwrites it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, *, key: str, channel: str, recipient: str, text: str) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        private_folder(self.folder)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
        body = {"channel": channel, "recipient": recipient, "text": text}
        (self.folder / f"{name}.json").write_text(json.dumps(body, ensure_ascii=False),
                                                  encoding="utf-8")


TEXT_PROVIDERS = {"file": lambda instance_path: FileTextProvider(
    Path(instance_path) / OUTBOX_FOLDER)}


def provider(config: dict[str, Any], instance_path: str) -> TextProvider:
    """The provider the settings name (``TEXT_PROVIDER``, ``file`` by default)."""
    name = str(config.get("TEXT_PROVIDER") or "file")
    if name not in TEXT_PROVIDERS:
        raise ValueError(f"no text-message provider called {name!r}; known: "
                         f"{', '.join(TEXT_PROVIDERS)}")
    return TEXT_PROVIDERS[name](instance_path)
