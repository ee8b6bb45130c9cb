"""Short human-readable can codes: Crockford base32 with Crockford's mod-37 check character.

A code is 11 to 15 data characters plus one check character, printed in groups of four
(``format_code``). Reading is forgiving: case, spaces, dashes and dots do not matter, full-width
characters typed with a Chinese input method are folded to ASCII, and O, I and L are read as the
digits they resemble. The check character catches every single-character substitution and
every transposition of two adjacent characters.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
MIN_LENGTH = 12
MAX_LENGTH = 16
ERROR_CODES = ("length", "bad_char", "check", "forged")

_VALUES = {ch: value for value, ch in enumerate(ALPHABET)}
_CHECK_VALUES = {ch: value for value, ch in enumerate(CHECK_ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}
_SEPARATORS = frozenset("-.\u2010\u2011\u2012\u2013\u2014\u00b7\u3002")


class ShortCodeError(ValueError):
    """A short code that cannot be read: ``code`` is one of :data:`ERROR_CODES`."""

    def __init__(self, code: str, value: str = "") -> None:
        assert code in ERROR_CODES, code
        self.code = code
        self.value = value[:32]
        super().__init__(f"{code}: {self.value!r}")


def normalise(text: str) -> str:
    """Return ``text`` upper-cased, without separators, with O read as 0 and I, L as 1."""
    chars = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isspace() or ch in _SEPARATORS:
            continue
        ch = ch.upper() if ch.isascii() else ch
        chars.append(_ALIASES.get(ch, ch))
    return "".join(chars)


def _check_char(number: int) -> str:
    return CHECK_ALPHABET[number % 37]


def encode(number: int, length: int = 13) -> str:
    """Return ``number`` as ``length - 1`` base32 characters followed by the check character."""
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"length must be {MIN_LENGTH}..{MAX_LENGTH}, not {length}")
    if not 0 <= number < 32 ** (length - 1):
        raise ValueError(f"number {number} does not fit in {length - 1} characters")
    digits, rest = [], number
    for _ in range(length - 1):
        rest, value = divmod(rest, 32)
        digits.append(ALPHABET[value])
    return "".join(reversed(digits)) + _check_char(number)


def decode(text: str) -> int:
    """Return the number in a typed or scanned short code, raising ShortCodeError if unreadable."""
    code = normalise(text) if isinstance(text, str) else ""
    if not MIN_LENGTH <= len(code) <= MAX_LENGTH:
        raise ShortCodeError("length", code)
    data, check = code[:-1], code[-1]
    if check not in _CHECK_VALUES or any(ch not in _VALUES for ch in data):
        raise ShortCodeError("bad_char", code)
    number = 0
    for ch in data:
        number = number * 32 + _VALUES[ch]
    if _check_char(number) != check:
        raise ShortCodeError("check", code)
    return number


def is_valid(text: str) -> bool:
    """Tell whether ``text`` reads as a short code with a correct check character."""
    try:
        decode(text)
    except ShortCodeError:
        return False
    return True


def format_code(text: str) -> str:
    """Return the normalised code in groups of four separated by dashes, for printing."""
    code = normalise(text)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
