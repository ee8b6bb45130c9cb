"""GS1 identifiers for GTIN-keyed items: Digital Link paths and URIs, element strings, dates.

Rules and their sources are in ``shared/notes/gs1-digital-link.md``. Only the GTIN primary key
(AI 01) is supported; other primary keys (SSCC 00, GLN 414, ...) are reported as ``not_gs1``.
This site's own rules (the key and its qualifiers 22, 10, 21 in canonical order) are here; every
other application identifier is read with GS1's syntax dictionary through ``biip``, so a data
attribute such as net weight (3103) or expiry (17) is accepted when valid and named when not.
Every parser raises only :class:`Gs1Error`, whose ``code`` is one of :data:`ERROR_CODES`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import InitVar, dataclass, field
from functools import cache, lru_cache
from typing import TypeGuard, cast
from urllib.parse import quote

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_element_strings import GS1ElementString

ERROR_CODES = (
    "not_gs1",  # no GTIN-keyed GS1 data: wrong scheme, no /01/ or (01), other primary key
    "gtin_length",  # GTIN not 8/12/13/14 digits (exactly 14 in element strings)
    "gtin_check_digit",  # GTIN mod-10 check digit wrong
    "bad_charset",  # character outside the AI's set (CSET 82, or digits)
    "bad_escape",  # malformed %-escape, or escapes that do not decode as UTF-8
    "empty_value",  # AI present with an empty value
    "too_long",  # value longer than the AI allows
    "bad_date",  # YYMMDD value that is not a date (DD=00 is allowed)
    "unknown_ai",  # numeric key or AI this module does not know
    "not_qualifier",  # a known attribute AI (e.g. 17) used as a path segment
    "qualifier_order",  # path qualifiers not in the order 22, 10, 21
    "duplicate_ai",  # the same AI twice (path, query or both)
    "lot_in_query",  # ?10= with a GTIN key: the lot belongs in the path
    "serial_in_query",  # ?21=: a serial is only valid in the path
    "cpv_in_query",  # ?22=: the consumer product variant belongs in the path
    "trailing_data",  # extra slashes or text after the last complete element
    "bad_attribute",  # a data attribute whose value breaks GS1's format for its AI
    "not_attribute",  # an AI that is a key or another key's qualifier, not a data attribute
)

GS = "\x1d"
QUALIFIERS = ("22", "10", "21")
DATE_AIS = ("11", "13", "15", "16", "17")
# Primary keys and the qualifiers of keys other than the GTIN's: never data attributes here.
NOT_ATTRIBUTES = frozenset({
    "00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8013",
    "8017", "8018", "235", "254", "7040", "8011", "8019", "8020", *QUALIFIERS})
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_GTIN_LENGTHS = (8, 12, 13, 14)
# AI -> (kind, size): size is the fixed length for gtin/date, the maximum for text.
_SPECS: dict[str, tuple[str, int]] = {
    "01": ("gtin", 14),
    **{ai: ("text", 20) for ai in QUALIFIERS},
    **{ai: ("date", 6) for ai in DATE_AIS},
    "90": ("text", 30),
    **{str(n): ("text", 90) for n in range(91, 100)},
}
_QUERY_ONLY_ERRORS = {"10": "lot_in_query", "21": "serial_in_query", "22": "cpv_in_query"}
_ESCAPES = re.compile(r"((?:%[0-9A-Fa-f]{2})+)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_BRACKET_AI = re.compile(r"(?<!\\)\((\d{2,4})\)")
_SYMBOLOGY_ID = re.compile(r"\](?:d2|Q3|C1|e0|J1)")
_GS_ALIASES = ("<GS>", "<gs>", "\\x1d", "\\x1D", "\u241d", "^")


class Gs1Error(ValueError):
    """A GS1 syntax error: a stable ``code``, the ``part`` at fault and its ``value``."""

    def __init__(self, code: str, part: str, value: str = "") -> None:
        assert code in ERROR_CODES, code
        self.code = code
        self.part = part
        self.value = value[:64]
        super().__init__(f"{code}: {part}={self.value!r}")


def _is_digits(text: object) -> TypeGuard[str]:
    return isinstance(text, str) and text.isascii() and text.isdigit()


@lru_cache(maxsize=4096)  # a site knows a few thousand products; each scan checks its GTIN
def gtin_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for ``body`` (the digits before the check digit)."""
    if not _is_digits(body):
        raise Gs1Error("bad_charset", "gtin", str(body))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(text: object) -> bool:
    """Tell whether ``text`` is a GTIN-8/12/13/14 with a correct check digit."""
    if not _is_digits(text) or len(text) not in _GTIN_LENGTHS:
        return False
    return gtin_check_digit(text[:-1]) == int(text[-1])


def _check_gtin(text: object, lengths: tuple[int, ...] = _GTIN_LENGTHS) -> str:
    if text == "":
        raise Gs1Error("empty_value", "gtin")
    if not _is_digits(text):
        raise Gs1Error("bad_charset", "gtin", str(text))
    if len(text) not in lengths:
        raise Gs1Error("gtin_length", "gtin", text)
    if gtin_check_digit(text[:-1]) != int(text[-1]):
        raise Gs1Error("gtin_check_digit", "gtin", text)
    return text.zfill(14)


def to_gtin14(text: str) -> str:
    """Validate a GTIN-8/12/13/14 and return it zero-padded to 14 digits."""
    return _check_gtin(text)


def is_cset82(text: object) -> bool:
    """Tell whether ``text`` is non-empty and uses only GS1 CSET 82 characters."""
    return isinstance(text, str) and text != "" and set(text) <= CSET82


def _century(yy: int, year: int) -> int:
    # GS1 General Specifications 7.12, as in biip: a window of -49/+50 years around `year`.
    century, diff = year - year % 100, yy - year % 100
    return century - 100 if diff >= 51 else century + 100 if diff <= -50 else century


def _parse_date(text: str, today: dt.date | None, part: str) -> dt.date:
    if not (_is_digits(text) and len(text) == 6):
        raise Gs1Error("bad_date", part, str(text))
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    year = _century(yy, (today or dt.date.today()).year) + yy
    last = calendar.monthrange(year, mm)[1] if 1 <= mm <= 12 else -1
    if not 0 <= dd <= last:
        raise Gs1Error("bad_date", part, text)
    return dt.date(year, mm, dd or last)


def parse_date(yymmdd: str, today: dt.date | None = None) -> dt.date:
    """Return the date for a GS1 YYMMDD value; DD=00 means the last day of the month."""
    return _parse_date(yymmdd, today, "date")


@cache
def known_ai(ai: str) -> GS1ApplicationIdentifier | None:
    """Return GS1's definition of the application identifier ``ai``, or None if there is none."""
    if not _is_digits(ai) or not 2 <= len(ai) <= 4:
        return None
    try:
        found = GS1ApplicationIdentifier.extract(ai)
    except ParseError:
        return None
    return found if found.ai == ai else None


def is_attribute_ai(ai: str) -> bool:
    """Tell whether ``ai`` may be a data attribute of a GTIN-keyed Digital Link."""
    return ai not in NOT_ATTRIBUTES and (ai in _SPECS or known_ai(ai) is not None)


def _check_attribute(ai: str, value: str) -> str:
    """Check a data attribute's value against GS1's format for its AI."""
    if value == "":
        raise Gs1Error("empty_value", ai)
    try:
        element = GS1ElementString.extract(ai + value)
    except ParseError:
        raise Gs1Error("bad_attribute", ai, value) from None
    if element.ai.ai != ai or element.value != value:
        raise Gs1Error("bad_attribute", ai, value)
    return value


def _check_value(ai: str, value: str) -> str:
    if ai not in _SPECS:
        if known_ai(ai) is None:
            raise Gs1Error("unknown_ai", ai, value)
        return _check_attribute(ai, value)
    kind, size = _SPECS[ai]
    if value == "":
        raise Gs1Error("empty_value", ai)
    if kind == "gtin":
        return _check_gtin(value, (14,))
    if kind == "date":
        _parse_date(value, None, ai)
    elif not set(value) <= CSET82:
        raise Gs1Error("bad_charset", ai, value)
    elif len(value) > size:
        raise Gs1Error("too_long", ai, value)
    return value


def check_qualifier(ai: str, value: str) -> str:
    """Return ``value`` if it is a well-formed lot ("10"), serial ("21") or variant ("22");
    raise Gs1Error otherwise."""
    return _check_value(ai, value)


@dataclass(frozen=True)
class DigitalLink:
    """A GTIN-keyed GS1 Digital Link; construction validates and normalises every field."""

    gtin: str
    cpv: str | None = None
    lot: str | None = None
    serial: str | None = None
    # Attribute AIs such as '17' -> 'YYMMDD'; a fresh sorted copy, to be treated as read-only.
    attributes: dict[str, str] = field(default_factory=dict, hash=False)
    # Worked out once: a request asks for it several times.
    _path: str = field(init=False, repr=False, compare=False, hash=False, default="")
    # Set only by parse_path, which has checked every field already (a scan's hot path).
    _checked: InitVar[bool] = False

    def __post_init__(self, _checked: bool) -> None:
        if not _checked:
            self._check()
        object.__setattr__(self, "attributes", dict(sorted(self.attributes.items())))
        qualifiers = "".join(f"/{ai}/{quote(v, safe='')}" for ai, v in self._qualifiers())
        object.__setattr__(self, "_path", f"/01/{self.gtin}{qualifiers}")

    def _check(self) -> None:
        object.__setattr__(self, "gtin", to_gtin14(self.gtin))
        for ai, value in self._qualifiers():
            _check_value(ai, value)
        for ai, value in self.attributes.items():
            if not is_attribute_ai(ai):
                code = "unknown_ai" if known_ai(ai) is None else "not_attribute"
                raise Gs1Error(_QUERY_ONLY_ERRORS.get(ai, code), str(ai), str(value))
            _check_value(ai, value)

    def _qualifiers(self) -> list[tuple[str, str]]:
        values = (("22", self.cpv), ("10", self.lot), ("21", self.serial))
        return [(ai, value) for ai, value in values if value is not None]

    def path(self) -> str:
        """Return the canonical path ``/01/{gtin14}[/22/..][/10/..][/21/..]``, percent-encoded."""
        return self._path

    def uri(self, base: str = "https://id.gs1.org") -> str:
        """Return the full Digital Link URI on ``base``, attributes in the query string."""
        query = "&".join(f"{ai}={quote(v, safe='')}" for ai, v in self.attributes.items())
        return base.rstrip("/") + self.path() + (f"?{query}" if query else "")

    def element_string(self) -> str:
        """Return the bracketed element string, e.g. ``(01)…(10)…(21)…(17)…``."""
        pairs = [("01", self.gtin), *self._qualifiers(), *self.attributes.items()]
        return "".join(f"({ai})" + value.replace("(", "\\(") for ai, value in pairs)


def _unquote(text: str, part: str) -> str:
    """Percent-decode strictly: malformed escapes and non-UTF-8 bytes are errors."""
    if "%" not in text:
        return text
    data = bytearray()
    for i, piece in enumerate(_ESCAPES.split(text)):
        if i % 2:
            data += bytes.fromhex(piece.replace("%", ""))
        elif "%" in piece:
            raise Gs1Error("bad_escape", part, text)
        else:
            data += piece.encode("utf-8", "surrogatepass")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Gs1Error("bad_escape", part, text) from None


def _path_ai(ai: str, seen: dict[str, str], last: int) -> int:
    """Check one path qualifier AI against those already seen; return its order index."""
    if ai == "":
        raise Gs1Error("empty_value", "path")
    if ai == "01" or ai in seen:
        raise Gs1Error("duplicate_ai", ai, ai)
    if ai in QUALIFIERS:
        index = QUALIFIERS.index(ai)
        if index < last:
            raise Gs1Error("qualifier_order", ai, ai)
        return index
    code = "not_qualifier" if is_attribute_ai(ai) else "unknown_ai"
    raise Gs1Error(code, ai[:20], ai)


def _path_qualifiers(segments: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    last = -1
    for i in range(0, len(segments), 2):
        ai = segments[i]
        is_last = i + 1 == len(segments)
        if is_last and ai == "":
            raise Gs1Error("trailing_data", "path")
        last = _path_ai(ai, fields, last)
        if is_last:
            raise Gs1Error("empty_value", ai)
        fields[ai] = _check_value(ai, _unquote(segments[i + 1], ai))
    return fields


def _split_query(query: str) -> list[tuple[str, str]]:
    """Split a raw query string; decode values of numeric keys only ('+' is a space)."""
    pairs = []
    for item in query.split("&"):
        raw_key, _, raw_value = item.partition("=")
        key = _unquote(raw_key.replace("+", " "), "query")
        if _is_digits(key):
            pairs.append((key, _unquote(raw_value.replace("+", " "), key)))
    return pairs


def _query_pairs(query: object) -> list[tuple[str, str]]:
    if isinstance(query, str):
        return _split_query(query)
    items: Callable[..., Iterable[tuple[str, str]]] | None = getattr(query, "items", None)
    if not items:
        return list(cast(Iterable[tuple[str, str]], query or ()))
    try:
        # A Werkzeug MultiDict only yields repeated keys with multi=True.
        return list(items(multi=True))
    except TypeError:
        return list(items())


def _query_attributes(pairs: Iterable[tuple[str, str]], seen: set[str]) -> dict[str, str]:
    attributes = {}
    for key, value in pairs:
        if not _is_digits(key):
            continue  # linkType, lang, utm_* ... are not GS1 data
        if key in seen:
            raise Gs1Error("duplicate_ai", key, str(value))
        seen.add(key)
        if key in _QUERY_ONLY_ERRORS:
            raise Gs1Error(_QUERY_ONLY_ERRORS[key], key, str(value))
        if not is_attribute_ai(key):
            code = "unknown_ai" if known_ai(key) is None else "not_attribute"
            raise Gs1Error(code, key, str(value))
        attributes[key] = _check_value(key, value)
    return attributes


def parse_path(
    path: str, query: Mapping[str, str] | Iterable[tuple[str, str]] | str | None = None
) -> tuple[DigitalLink, bool]:
    """Parse a raw ``/01/...`` path and its query; also say whether to redirect to canonical.

    ``path`` must still be percent-encoded (a decoded ``%2F`` would split a lot in two).
    ``query`` is decoded pairs (a dict, a list of pairs or a Werkzeug MultiDict) or a raw query
    string. The flag is True for a GTIN-8/12/13 or a trailing slash; it is always False for
    :meth:`DigitalLink.path`, so redirecting on it cannot loop.
    """
    if not isinstance(path, str) or not path.startswith("/01/"):
        raise Gs1Error("not_gs1", "path", str(path))
    rest = path[4:]
    trailing_slash = rest.endswith("/")
    segments = (rest[:-1] if trailing_slash else rest).split("/")
    gtin = _check_gtin(_unquote(segments[0], "gtin"))
    fields = _path_qualifiers(segments[1:])
    attributes = _query_attributes(_query_pairs(query), {"01", *fields})
    link = DigitalLink(gtin, fields.get("22"), fields.get("10"), fields.get("21"), attributes,
                       _checked=True)
    return link, trailing_slash or segments[0] != gtin


def _uri_path(uri: str) -> tuple[str, str]:
    """Split a URI into its path (scheme and host removed) and raw query string."""
    path, _, query = uri.strip().partition("#")[0].partition("?")
    scheme = _SCHEME.match(path)
    if scheme:
        if scheme.group(1) not in ("http", "https", "HTTP", "HTTPS"):
            raise Gs1Error("not_gs1", "scheme", scheme.group(1))
        path = path[scheme.end() :]
    if not path.startswith("/"):
        path = path[path.find("/") :] if "/" in path else ""
    return path, query


def parse_uri(uri: str) -> DigitalLink:
    """Parse a pasted Digital Link URI, anchoring on the right-most ``/01/`` that parses."""
    path, query = _uri_path(uri if isinstance(uri, str) else "")
    starts = [m.start() for m in re.finditer("(?=/01/)", path)]
    if not starts:
        raise Gs1Error("not_gs1", "uri", uri)
    pairs = _split_query(query)
    errors = []
    for start in reversed(starts):
        try:
            return parse_path(path[start:], pairs)[0]
        except Gs1Error as exc:
            errors.append(exc)
    # Prefer the right-most candidate whose GTIN was fine: its error names the real problem.
    raise next((e for e in errors if e.part != "gtin"), errors[0])


def _bracketed_pairs(text: str) -> list[tuple[str, str]]:
    pieces = _BRACKET_AI.split(text)
    if pieces[0]:
        raise Gs1Error("not_gs1", "input", text)
    values = [value.replace("\\(", "(") for value in pieces[2::2]]
    return [(ai, _check_value(ai, value)) for ai, value in zip(pieces[1::2], values, strict=True)]


def _raw_ai(text: str, pos: int) -> tuple[str, int]:
    """Return the AI at ``pos`` of a raw element string and its fixed value length (0: up to
    the next GS)."""
    ai = text[pos : pos + 2]
    if ai in _SPECS:
        kind, size = _SPECS[ai]
        return ai, 0 if kind == "text" else size
    try:
        found = GS1ApplicationIdentifier.extract(text[pos:])
    except ParseError:
        code = "unknown_ai" if _is_digits(ai) else "not_gs1"
        raise Gs1Error(code, ai if code == "unknown_ai" else "input", text[pos:]) from None
    if found.separator_required:
        return found.ai, 0
    digits = re.search(r"N(\d+)$", found.format)  # fixed length: e.g. N4+N6
    return found.ai, int(digits.group(1)) if digits else 0


def _raw_pairs(text: str) -> list[tuple[str, str]]:
    text = _SYMBOLOGY_ID.sub("", text, count=1) if text.startswith("]") else text
    for alias in _GS_ALIASES:
        text = text.replace(alias, GS)
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos] == GS:  # FNC1 in first position, or a separator after a fixed-length AI
            pos += 1
            continue
        ai, fixed = _raw_ai(text, pos)
        start = pos + len(ai)
        end = start + fixed if fixed else text.find(GS, start)
        end = len(text) if end < 0 else min(end, len(text))
        pairs.append((ai, _check_value(ai, text[start:end])))
        pos = end
    return pairs


def parse_element_string(text: str) -> DigitalLink:
    """Parse a bracketed ``(01)…(10)…`` or raw GS-separated element string into a link."""
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise Gs1Error("not_gs1", "input", "")
    pairs = _bracketed_pairs(text) if text.startswith("(") else _raw_pairs(text)
    fields: dict[str, str] = {}
    for ai, value in pairs:
        if fields.get(ai, value) != value:
            raise Gs1Error("duplicate_ai", ai, value)
        fields[ai] = value
    if "01" not in fields:
        raise Gs1Error("not_gs1", "gtin", text)
    gtin = fields.pop("01")
    cpv, lot, serial = (fields.pop(ai, None) for ai in QUALIFIERS)
    return DigitalLink(gtin, cpv, lot, serial, fields)


def parse_scan(text: str) -> DigitalLink:
    """Parse whatever a scanner or a person pasted: bare GTIN, element string or URI."""
    text = text.strip() if isinstance(text, str) else ""
    if _is_digits(text) and len(text) in _GTIN_LENGTHS:
        return DigitalLink(to_gtin14(text))
    looks_raw = text.startswith(("(", "]", "^", GS)) or _is_digits(text[:2])
    if looks_raw and "/01/" not in text:
        return parse_element_string(text)
    return parse_uri(text)
