"""The short code printed under each QR: batch, can number and a keyed tag in 14 characters.

Layout of the 65-bit number (13 Crockford base32 characters, then the check character):
batch id (20 bits) | can counter (25 bits) | key id (5 bits) | HMAC tag (15 bits).
The tag means a code cannot be made up by counting; the check character catches typos first.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from formulatrust.domain.shortcode import ALPHABET, ShortCodeError, decode, encode, format_code

LENGTH = 14
BATCH_BITS, COUNTER_BITS, KEY_BITS, TAG_BITS = 20, 25, 5, 15
MAX_BATCH_ID = 2**BATCH_BITS - 1
MAX_COUNTER = 2**COUNTER_BITS - 1


@dataclass(frozen=True)
class CanNumber:
    """Which can a short code names: the batch's database id and the can's counter."""

    batch_id: int
    counter: int


class ShortCodeBook:
    """Make and read short codes with the same keys as the serials."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str) -> None:
        self._keys = dict(keys)
        self._current = current_key_id

    def _tag(self, key_id: str, batch_id: int, counter: int) -> int:
        message = f"formulatrust/short/v1\n{batch_id}\n{counter}".encode()
        digest = hmac.new(self._keys[key_id], message, hashlib.sha256).digest()
        return int.from_bytes(digest[:2], "big") >> (16 - TAG_BITS)

    def make(self, batch_id: int, counter: int) -> str:
        """Return the printed short code (groups of four) for can ``counter`` of a batch."""
        if not (0 <= batch_id <= MAX_BATCH_ID and 0 <= counter <= MAX_COUNTER):
            raise ValueError("batch id or counter out of range for a short code")
        key_id = self._current
        number = batch_id
        number = (number << COUNTER_BITS) | counter
        number = (number << KEY_BITS) | ALPHABET.index(key_id)
        number = (number << TAG_BITS) | self._tag(key_id, batch_id, counter)
        return format_code(encode(number, LENGTH))

    def read(self, text: str) -> CanNumber:
        """Return the can a typed code names; ShortCodeError 'check' or 'forged' otherwise."""
        number = decode(text)
        tag = number & (2**TAG_BITS - 1)
        number >>= TAG_BITS
        key_id = ALPHABET[number & (2**KEY_BITS - 1)]
        number >>= KEY_BITS
        counter = number & MAX_COUNTER
        batch_id = number >> COUNTER_BITS
        if key_id not in self._keys or not hmac.compare_digest(
            tag.to_bytes(2, "big"), self._tag(key_id, batch_id, counter).to_bytes(2, "big")
        ):
            raise ShortCodeError("forged", text)
        return CanNumber(batch_id, counter)
