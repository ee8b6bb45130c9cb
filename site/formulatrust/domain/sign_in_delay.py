"""How long an account waits between sign-in attempts after wrong ones: slowed, never locked.

A stranger who guesses at someone else's account can make its holder wait a few seconds, never
lock them out; guessing itself is held to about one try per ``cap`` seconds per account, on top
of the per-address limit.
"""

from __future__ import annotations


def delay_after(failures: int, cap_seconds: int) -> int:
    """Seconds before the next attempt after ``failures`` wrong ones in a row.

    One typo costs nothing; then 1, 2, 4 … seconds, never more than ``cap_seconds``.
    """
    if failures <= 1:
        return 0
    return min(cap_seconds, 2 ** min(failures - 2, 30))
