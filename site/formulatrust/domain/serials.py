"""Unforgeable can serials (GS1 AI 21) bound to a GTIN and lot by a secret HMAC key.

A serial is ``{key id}{counter}{tag}``: one key-id character, the counter in Crockford base32
without leading zeros, and the first 40 bits of HMAC-SHA256 over (GTIN-14, lot, key id,
counter) as 8 base32 characters. All characters are upper-case letters and digits, so a serial
never needs percent-encoding in a Digital Link, and it is at most 20 characters (AI 21 is
X..20). The key id selects the key, so old keys can keep verifying after a rotation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from formulatrust.domain.gs1 import is_cset82, is_valid_gtin
from formulatrust.domain.shortcode import ALPHABET

TAG_LENGTH = 8
MAX_LENGTH = 20
MIN_KEY_BYTES = 16
MAX_COUNTER = 32 ** (MAX_LENGTH - 1 - TAG_LENGTH) - 1

_VALUES = {ch: value for value, ch in enumerate(ALPHABET)}
_DOMAIN = b"formulatrust/serial/v1"


def _base32(number: int) -> str:
    digits = ""
    while True:
        number, value = divmod(number, 32)
        digits = ALPHABET[value] + digits
        if number == 0:
            return digits


def _message(*fields: str) -> bytes:
    """Join fields unambiguously: each is length-prefixed after a version label."""
    out = bytearray(_DOMAIN)
    for text in fields:
        data = text.encode("utf-8", "surrogatepass")
        out += len(data).to_bytes(8, "big") + data
    return bytes(out)


def parse(serial: str) -> tuple[str, int] | None:
    """Return ``(key_id, counter)`` for a well-formed serial, or None."""
    if not isinstance(serial, str) or not TAG_LENGTH + 2 <= len(serial) <= MAX_LENGTH:
        return None
    if any(ch not in _VALUES for ch in serial):
        return None
    counter_text = serial[1:-TAG_LENGTH]
    if len(counter_text) > 1 and counter_text[0] == "0":
        return None  # one spelling per counter, so a valid serial cannot be re-spelt
    counter = 0
    for ch in counter_text:
        counter = counter * 32 + _VALUES[ch]
    return serial[0], counter


class SerialSigner:
    """Issue and verify serials with a set of keys named by one-character key ids."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        for key_id, key in keys.items():
            if not (isinstance(key_id, str) and len(key_id) == 1 and key_id in _VALUES):
                raise ValueError(f"key id must be one character of {ALPHABET}: {key_id!r}")
            if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
                raise ValueError(f"key {key_id!r} must be at least {MIN_KEY_BYTES} bytes")
        if current_key_id not in keys:
            raise ValueError(f"current key id {current_key_id!r} has no key")
        self._keys = dict(keys)
        self._current = current_key_id

    def _serial(self, key_id: str, gtin14: str, lot: str | None, counter: int) -> str:
        message = _message(gtin14, lot or "", key_id, str(counter))
        digest = hmac.new(self._keys[key_id], message, hashlib.sha256).digest()
        tag = _base32(int.from_bytes(digest[:5], "big")).rjust(TAG_LENGTH, "0")
        return key_id + _base32(counter) + tag

    def issue(self, gtin14: str, lot: str | None, counter: int) -> str:
        """Return the serial for can number ``counter`` of ``lot``, signed with the current key."""
        if not (is_valid_gtin(gtin14) and len(gtin14) == 14):
            raise ValueError(f"not a valid GTIN-14: {gtin14!r}")
        if lot is not None and not (is_cset82(lot) and len(lot) <= 20):
            raise ValueError(f"not a valid GS1 lot (1-20 CSET 82 characters): {lot!r}")
        if not (isinstance(counter, int) and 0 <= counter <= MAX_COUNTER):
            raise ValueError(f"counter must be 0..{MAX_COUNTER}: {counter!r}")
        return self._serial(self._current, gtin14, lot, counter)

    def verify(self, gtin14: str, lot: str | None, serial: str) -> bool:
        """Tell whether ``serial`` was issued for this GTIN and lot by one of our keys."""
        parsed = parse(serial)
        if parsed is None or parsed[0] not in self._keys:
            return False
        if not isinstance(gtin14, str) or not isinstance(lot, str | None):
            return False
        expected = self._serial(parsed[0], gtin14, lot, parsed[1])
        return hmac.compare_digest(expected.encode("ascii"), serial.encode("ascii"))
