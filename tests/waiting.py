"""Waiting for something another process or thread does, with a deadline (never a timing)."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(check: Callable[[], bool], within: float = 5.0, every: float = 0.05) -> bool:
    """Call ``check`` until it is true or ``within`` seconds have passed; return its last answer."""
    deadline = time.monotonic() + within
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
