"""Every search test runs once per engine."""

from __future__ import annotations

import pytest

from formulatrust.search import ENGINES


@pytest.fixture(params=ENGINES)
def search_engine(request, monkeypatch) -> str:
    """Build new indexes with each engine in turn (as ``FORMULATRUST_SEARCH_ENGINE`` would)."""
    monkeypatch.setenv("FORMULATRUST_SEARCH_ENGINE", request.param)
    return request.param
