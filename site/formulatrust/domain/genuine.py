"""Whether a can's code looks genuine, from its query history. No personal data is kept:
devices are counted through a hash whose salt changes every day."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

RELOAD_WINDOW = timedelta(minutes=5)
MANY_DEVICES = 4
LONG_AGO = timedelta(days=30)


def device_hash(secret: bytes, day: date, client_address: str, user_agent: str) -> str:
    """Return a per-day pseudonym for a device; the address and agent themselves are not kept."""
    message = f"{day.isoformat()}\n{client_address}\n{user_agent}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class History:
    """What is on record for one can before this query."""

    count: int = 0
    devices: int = 0
    first_at: datetime | None = None
    device_last_seen: datetime | None = None  # this device's previous query, if any


@dataclass(frozen=True)
class Outcome:
    """How this query changes the record, and what to tell the visitor."""

    counted: bool
    new_device: bool
    count: int
    devices: int
    first_at: datetime
    status: str  # "first", "normal", "suspicious"
    reasons: tuple[str, ...]


def assess(history: History, now: datetime) -> Outcome:
    """Count this query (unless it is a quick reload) and judge the pattern."""
    reload = (history.device_last_seen is not None
              and now - history.device_last_seen < RELOAD_WINDOW)
    new_device = history.device_last_seen is None
    count = history.count + (0 if reload else 1)
    devices = history.devices + (1 if new_device else 0)
    first_at = history.first_at or now
    reasons = []
    if devices >= MANY_DEVICES:
        reasons.append("many_devices")
    if new_device and history.first_at is not None and now - history.first_at > LONG_AGO:
        reasons.append("first_query_long_ago")
    if reasons:
        status = "suspicious"
    elif history.count == 0:
        status = "first"
    else:
        status = "normal"
    return Outcome(counted=not reload, new_device=new_device, count=count, devices=devices,
                   first_at=first_at, status=status, reasons=tuple(reasons))
