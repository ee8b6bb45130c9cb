"""Whether a can's query history looks unusual, without crying wolf and without personal data.

A device is known by a random first-party identifier kept in a cookie, stored only as a hash.
Browsers that drop cookies are known by a keyed hash of their address and user agent whose key
is random, shared for one Shanghai day and then destroyed, so an identifier can never be
recomputed later and the same phone counts as a new device each day.

The rule: a family scanning its own cans over weeks and months is normal. Only a burst is
unusual: more distinct devices within ``WINDOW`` than one household has (``HOUSEHOLD``).
Devices seen without a cookie cannot be told apart from day to day, so they count with the
largest number seen on any one day of the window. Once a burst has been seen the can keeps
the mark, with its date: a code copied onto counterfeits stays suspect after the burst ends.
Device rows are needed only for ``WINDOW`` and are deleted after it (``scans purge``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeGuard

RELOAD_WINDOW = timedelta(minutes=5)
WINDOW = timedelta(days=7)
HOUSEHOLD = 8  # more distinct devices than this within WINDOW is a burst
COOKIE_BYTES = 16


def new_device_cookie() -> str:
    """Return a fresh random identifier for the device cookie (no personal data in it)."""
    return secrets.token_urlsafe(COOKIE_BYTES)


def is_device_cookie(value: str | None) -> TypeGuard[str]:
    """Tell whether ``value`` looks like an identifier this site set (22 URL-safe characters)."""
    return value is not None and len(value) == 22 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in value)


def cookie_device(cookie: str) -> str:
    """Return the stored form of a device cookie: a hash, so the database never holds it."""
    return "c" + hashlib.sha256(cookie.encode("ascii")).hexdigest()[:31]


def daily_device(day_key: bytes, client_address: str, user_agent: str) -> str:
    """Return a device's pseudonym for one day, keyed by that day's random, destroyed key."""
    message = f"{client_address}\n{user_agent}".encode()
    return "d" + hmac.new(day_key, message, hashlib.sha256).hexdigest()[:31]


def is_daily(device: str) -> bool:
    """Tell whether a stored device identifier came from the cookieless fallback."""
    return device.startswith("d")


@dataclass(frozen=True)
class History:
    """What is on record for one can before this query."""

    count: int = 0
    first_at: datetime | None = None
    device_last_seen: datetime | None = None  # this device's previous query, if any
    cookie_devices: int = 0  # other devices with a cookie seen within WINDOW
    daily_devices: int = 0  # most cookieless devices seen on one day of WINDOW (others)
    daily_devices_today: int = 0  # cookieless devices seen today (others)
    burst_at: datetime | None = None
    burst_devices: int = 0


@dataclass(frozen=True)
class Outcome:
    """How this query changes the record, and what to tell the visitor."""

    counted: bool
    count: int
    first_at: datetime
    recent_devices: int  # distinct devices within WINDOW, this one included
    status: str  # "first", "normal", "suspicious"
    burst_at: datetime | None
    burst_devices: int
    new_burst: bool  # this query revealed the burst: record it


def recent_devices(history: History, daily: bool) -> int:
    """Count the devices within WINDOW with this one, cookieless ones by their busiest day."""
    if daily:
        return history.cookie_devices + max(history.daily_devices, history.daily_devices_today + 1)
    return history.cookie_devices + 1 + history.daily_devices


def assess(history: History, now: datetime, daily: bool = False) -> Outcome:
    """Count this query (unless it is a quick reload) and judge the pattern."""
    reload = (history.device_last_seen is not None
              and now - history.device_last_seen < RELOAD_WINDOW)
    devices = recent_devices(history, daily)
    new_burst = history.burst_at is None and devices > HOUSEHOLD
    burst_at = now if new_burst else history.burst_at
    burst_devices = devices if new_burst else history.burst_devices
    if burst_at is not None:
        status = "suspicious"
    elif history.count == 0:
        status = "first"
    else:
        status = "normal"
    return Outcome(counted=not reload, count=history.count + (0 if reload else 1),
                   first_at=history.first_at or now, recent_devices=devices, status=status,
                   burst_at=burst_at, burst_devices=burst_devices, new_burst=new_burst)
