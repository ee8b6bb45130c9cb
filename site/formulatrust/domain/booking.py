"""Open-day booking rules: party size, mainland mobile numbers, references, waiting lists.

Plain functions with no Flask or database imports, so the views, the CLI and the tests share them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

MIN_PARTY = 1
MAX_PARTY = 5
MAX_NAME = 50
MOBILE = re.compile(r"^1[3-9]\d{9}$")
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
REFERENCE_LENGTH = 10  # 50 random bits: guessing one live reference is hopeless
STATUSES = ("booked", "waitlisted", "cancelled", "checked_in")
_CROCKFORD_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class BookingError(ValueError):
    """Input a booking cannot use; ``code`` names the rule, the views choose the words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_phone(text: str) -> str:
    """Return the 11-digit mainland mobile number in ``text`` or raise BookingError."""
    compact = re.sub(r"[\s\-()（）]", "", text or "")
    if not compact:
        raise BookingError("phone_missing")
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact[len(prefix):]
            break
    else:
        if compact.startswith("86") and len(compact) == 13:
            compact = compact[2:]
    if not MOBILE.match(compact):
        raise BookingError("phone_invalid")
    return compact


def mask_phone(phone: str) -> str:
    """Show a mobile number as ``138****1234``: enough for its owner to recognise it."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def last_four_only(phone: str) -> str:
    """Show only the last four digits of a number, for attendee lists: ``*******1234``."""
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def matches_last_four(phone: str, digits: str) -> bool:
    """Tell whether ``digits`` (spaces ignored) are the last four digits of ``phone``."""
    digits = re.sub(r"\s", "", digits or "")
    return len(digits) == 4 and digits.isdigit() and secrets.compare_digest(phone[-4:], digits)


def party_size(adults: int, children: int) -> int:
    """Return the number of seats a party needs, or raise BookingError."""
    if adults < 1:
        raise BookingError("no_adult")
    if children < 0:
        raise BookingError("party_too_small")
    total = adults + children
    if total < MIN_PARTY:
        raise BookingError("party_too_small")
    if total > MAX_PARTY:
        raise BookingError("party_too_large")
    return total


def clean_name(text: str) -> str:
    """Return the name with stray spaces removed, or raise BookingError."""
    name = " ".join((text or "").split())
    if not name:
        raise BookingError("name_missing")
    if len(name) > MAX_NAME:
        raise BookingError("name_too_long")
    return name


def new_reference() -> str:
    """Return a fresh random booking reference (10 Crockford base32 characters)."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text: str) -> str:
    """Return a typed reference in canonical form (case, spaces, dashes, O/0 and I/L/1 ignored)."""
    compact = re.sub(r"[\s\-]", "", text or "").upper().translate(_CROCKFORD_ALIASES)
    if len(compact) != REFERENCE_LENGTH or not set(compact) <= set(REFERENCE_ALPHABET):
        raise BookingError("reference_invalid")
    return compact


def reference_from_ticket(text: str) -> str:
    """Return the canonical reference in a typed reference or a scanned ticket URL.

    The ticket's QR code holds ``https://…/open-days/manage?reference=…``; a scanner may add
    other query parameters, a fragment or spaces. Raise BookingError ``reference_invalid``.
    """
    text = (text or "").strip()
    if "reference=" in text:
        parts = urlsplit(text)
        values = parse_qs(parts.query).get("reference") if parts.query else None
        text = values[-1] if values else text.rsplit("reference=", 1)[-1].split("&")[0]
    return normalise_reference(text)


def mask_name(name: str) -> str:
    """Show a visitor's name as its first character per word: ``张**``, ``L* W**``."""
    words = (name or "").split()
    return " ".join(word[0] + "*" * (len(word) - 1) for word in words) or "*"


def format_reference(reference: str) -> str:
    """Return a reference grouped for reading aloud: ``ABCDE-FGHJK``."""
    return f"{reference[:5]}-{reference[5:]}"


def booking_open(starts_at: datetime, now: datetime) -> bool:
    """Tell whether a visit starting at ``starts_at`` still takes bookings at ``now``."""
    return now < starts_at


def retention_end(visit_ends_at: datetime, days: int) -> datetime:
    """Return when the personal data of a visit's bookings must be gone."""
    return visit_ends_at + timedelta(days=days)


@dataclass(frozen=True)
class Waiting:
    """A waiting-list entry as the promotion rule sees it."""

    id: int
    party: int
    created_at: datetime


def promotion_order(entries: Iterable[Waiting]) -> list[Waiting]:
    """Order waiting-list entries first come, first served (ties by id)."""
    return sorted(entries, key=lambda entry: (entry.created_at, entry.id))


def to_promote(entries: Sequence[Waiting], free_seats: int) -> list[Waiting]:
    """Return the entries that get the ``free_seats``, strictly in order.

    Promotion stops at the first party that does not fit, so a small party never jumps ahead
    of a larger one that has waited longer.
    """
    promoted = []
    for entry in promotion_order(entries):
        if entry.party > free_seats:
            break
        promoted.append(entry)
        free_seats -= entry.party
    return promoted


def month_key(day: date) -> str:
    """Return the ``YYYY-MM`` filter value for ``day``."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> tuple[int, int]:
    """Return (year, month) for a ``YYYY-MM`` filter value, or raise BookingError."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise BookingError("month_invalid")
    return int(match[1]), int(match[2])

