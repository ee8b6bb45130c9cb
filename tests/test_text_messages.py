"""SMS and WeChat messages: the documented provider interface and its file backend."""

from __future__ import annotations

import json

import pytest

from formulatrust.core import text_messages


def test_the_file_backend_writes_one_readable_file_per_message_and_a_retry_replaces_it(
        tmp_path):
    sender = text_messages.provider({"TEXT_PROVIDER": "file"}, str(tmp_path))
    for _attempt in range(2):
        sender.send(key="alert-7-3", channel="sms", recipient="13800138000",
                    text="您关注的批次已被召回")
    [written] = (tmp_path / "outbox-text").iterdir()
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "channel": "sms", "recipient": "13800138000", "text": "您关注的批次已被召回"}


def test_unknown_providers_and_channels_are_refused(tmp_path):
    with pytest.raises(ValueError, match="no text-message provider"):
        text_messages.provider({"TEXT_PROVIDER": "somecloud"}, str(tmp_path))
    sender = text_messages.provider({}, str(tmp_path))
    with pytest.raises(ValueError, match="unknown channel"):
        sender.send(key="k", channel="fax", recipient="x", text="y")
