"""A real SMTP server in the test process (aiosmtpd) and an app that sends mail to it."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = 0  # refuse this many next messages with a temporary error

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            self.refuse -= 1
            return "451 try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def take(self) -> list[email.message.EmailMessage]:
        taken, self.messages = self.messages, []
        return taken


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def mail_app(make_app, app_overrides, inbox):
    return make_app({**app_overrides, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox[1],
                     "MAIL_SENDER": "alerts@localhost"})


@pytest.fixture
def web(mail_app):
    client = mail_app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return client


def work_once(app) -> str:
    """One pass of the outbox worker through the command line."""
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def body(message) -> str:
    return message.get_body(("plain",)).get_content()
