"""Fixtures of the web tests that send mail: a real SMTP server in the test process."""

from ..smtp_server import inbox, mail_app, web  # noqa: F401  (fixtures made available here)
