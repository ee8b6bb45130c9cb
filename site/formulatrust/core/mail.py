"""Sending mail: through the SMTP server in the settings, or, without one, into ``.eml`` files
in ``instance/outbox-mail/`` that a person can open."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any

from formulatrust.core.config import private_folder

OUTBOX_FOLDER = "outbox-mail"


def message(*, key: str, host: str, sender: str, recipient: str, subject: str, text: str,
            html: str, unsubscribe_url: str = "") -> EmailMessage:
    """A plain-text and HTML message whose ``Message-ID`` is made from ``key``."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = f"<{key}@{host.split(':')[0]}>"
    mail["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    return mail


def send(config: dict[str, Any], instance_path: str, mail: EmailMessage) -> None:
    """Hand ``mail`` to the server (raises ``OSError``/``SMTPException`` when it refuses)."""
    server = config.get("MAIL_SERVER")
    if not server:
        write_file(Path(instance_path) / OUTBOX_FOLDER, mail)
        return
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(server, port, timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(mail)


def write_file(folder: Path, mail: EmailMessage) -> Path:
    """Write ``mail`` as ``<message id>.eml`` (written again, not doubled, on a retry)."""
    folder.mkdir(parents=True, exist_ok=True)
    private_folder(folder)
    name = str(mail["Message-ID"]).strip("<>").split("@")[0]
    path = folder / f"{name}.eml"
    path.write_bytes(bytes(mail))
    return path
