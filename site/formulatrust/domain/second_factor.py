"""Who must use a security code at sign-in, and by when they must have set one up.

Regulators and administrators change what parents read as official; a stolen password alone must
not be enough for them. A new account of those roles has a grace period to enrol; after it, the
account can do nothing but set the code up (or sign out), and once on, it cannot be turned off
(an administrator's ``users reset --remove-totp`` is the way back from a lost phone).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from formulatrust.domain.authz import ADMIN, REGULATOR

REQUIRED_FOR = frozenset({ADMIN, REGULATOR})
# What an account whose grace period is over may still reach: its page, the set-up, signing out.
WHILE_OVERDUE = frozenset({"account.page", "account.totp", "account.sign_out",
                           "account.sign_out_everywhere"})


def required(role: str) -> bool:
    """True when accounts of ``role`` must sign in with a security code."""
    return role in REQUIRED_FOR


def enrol_by(role: str, enrolled: bool, created_at: datetime,
             grace_days: int) -> datetime | None:
    """When an account must have set up its code by; None when it has or never must."""
    if enrolled or not required(role):
        return None
    return created_at + timedelta(days=grace_days)


def overdue(role: str, enrolled: bool, created_at: datetime, grace_days: int,
            now: datetime) -> bool:
    """True once an account that must enrol has let its grace period pass."""
    deadline = enrol_by(role, enrolled, created_at, grace_days)
    return deadline is not None and now >= deadline
