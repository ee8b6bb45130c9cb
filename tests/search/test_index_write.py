"""A saved change survives a search index that cannot be written; the failure is logged."""

from __future__ import annotations

import logging

from formulatrust.search import add_to_index, index_write


def test_a_failed_index_write_is_logged_with_the_way_to_mend_it(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")  # the index cannot be opened or created here
    with caplog.at_level(logging.ERROR), index_write("bulletin water-2026"):
        add_to_index(blocked / "index", [])
    assert "bulletin water-2026" in caplog.text
    assert "flask --app wsgi search rebuild" in caplog.text
