"""Creating and changing open days: the rules shared by the CLI and the publishing pages.

Values come in as typed (text or numbers) under the names of the CLI options; only the keys
present are set or changed. Every problem is found before anything is written, and each
change is saved together with its audit entry. Times are Shanghai wall times.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.clock import SHANGHAI, utcnow
from formulatrust.core.db import committing
from formulatrust.domain.booking import (
    BookingError,
    format_reference,
    last_four_only,
    mask_name,
)
from formulatrust.domain.web_address import is_web_address
from formulatrust.enterprises.models import Factory
from formulatrust.open_days import bookings
from formulatrust.open_days.models import Booking, OpenDay
from formulatrust.publishing import audit
from formulatrust.publishing.models import User

LANGUAGES = ("zh", "en", "zh+en")
RANGES = {"duration": (15, 600), "capacity": (1, 1000), "waitlist": (0, 1000),
          "min_age": (0, 18)}
TEXT_MAX = {"address_zh": 300, "address_en": 300, "map_url": 500, "accessibility_zh": 2000,
            "accessibility_en": 2000}
# Option names (as typed) → columns of OpenDay.
COLUMNS = {"duration": "duration_minutes", "capacity": "capacity",
           "waitlist": "waitlist_capacity", "address_zh": "address_zh",
           "address_en": "address_en", "map_url": "map_url", "language": "language",
           "min_age": "min_age", "accessibility_zh": "accessibility_zh",
           "accessibility_en": "accessibility_en", "factory_id": "factory_id"}
DEFAULTS = {"duration": 90, "waitlist": 20, "language": "zh", "map_url": "", "address_en": "",
            "accessibility_zh": "", "accessibility_en": "", "min_age": None, "factory_id": None}
START_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
AUDITED = ("starts", *COLUMNS)

# English messages for the command line; the web pages have their own, in both languages.
ENGLISH = {
    "start_missing": "Enter the start, YYYY-MM-DD HH:MM (Shanghai time).",
    "start_format": "Use YYYY-MM-DD HH:MM (Shanghai time) for the start.",
    "start_past": "The start must be in the future.",
    "not_a_number": "{field}: enter a whole number.",
    "out_of_range": "{field}: enter a number from {low} to {high}.",
    "address_zh_missing": "Enter the address in Chinese.",
    "too_long": "{field}: use at most {max} characters.",
    "map_url": "The map link must start with https:// or http://.",
    "language": "Choose zh, en or zh+en as the language.",
    "factory": "Factory {factory} does not belong to this enterprise.",
    "capacity_below_taken": "Capacity cannot go below the {taken} seats already booked.",
    "waitlist_below_taken": "{taken} people are already on the waiting list.",
}


@dataclass
class VisitError:
    """One problem with what was typed: a code, the field it is about, and the details."""

    code: str
    field: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def english(self) -> str:
        """Say what is wrong, in English (for the command line)."""
        return ENGLISH[self.code].format(field=self.field, **self.params)


class VisitProblems(ValueError):
    """Everything wrong with a create or edit; nothing was written."""

    def __init__(self, problems: list[VisitError]) -> None:
        super().__init__("; ".join(problem.english() for problem in problems))
        self.problems = problems


def parse_start(text: str) -> datetime:
    """Read ``YYYY-MM-DD HH:MM`` (or the browser's ``YYYY-MM-DDTHH:MM``) as Shanghai time."""
    for layout in START_FORMATS:
        try:
            return datetime.strptime(text.strip(), layout).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    raise VisitProblems([VisitError("start_format", "starts")])


def shanghai_text(moment: datetime) -> str:
    """Return ``moment`` as ``YYYY-MM-DD HH:MM`` in Shanghai time (what the forms take)."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def clean(session: Session, enterprise_id: int, values: dict[str, Any], *,
          visit: OpenDay | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Return the values ready to store, or raise VisitProblems naming every problem.

    Creating (no ``visit``) needs a start, a capacity and a Chinese address. When editing,
    the start is checked against ``now`` only if it changes, and the capacity and waiting
    list may not go below the places already taken.
    """
    now = now or utcnow()
    problems: list[VisitError] = []
    cleaned: dict[str, Any] = {}
    if "starts" in values or visit is None:
        cleaned["starts"] = _start(values.get("starts"), visit, now, problems)
    for name in ("duration", "capacity", "waitlist", "min_age"):
        if name in values:
            cleaned[name] = _number(name, values[name], problems, optional=name == "min_age")
    if visit is None and "capacity" not in values:
        cleaned["capacity"] = _number("capacity", None, problems)
    for name, limit in TEXT_MAX.items():
        if name in values or (visit is None and name == "address_zh"):
            text = str(values.get(name) or "").strip()
            if len(text) > limit:
                problems.append(VisitError("too_long", name, {"max": limit}))
            cleaned[name] = text
    if "address_zh" in cleaned and not cleaned["address_zh"]:
        problems.append(VisitError("address_zh_missing", "address_zh"))
    if cleaned.get("map_url") and not is_web_address(cleaned["map_url"]):
        problems.append(VisitError("map_url", "map_url"))
    if "language" in values:
        cleaned["language"] = values["language"]
        if cleaned["language"] not in LANGUAGES:
            problems.append(VisitError("language", "language"))
    if "factory_id" in values:
        cleaned["factory_id"] = _factory(session, enterprise_id, values["factory_id"], problems)
    if visit is not None:
        _not_below_taken(visit, cleaned, problems)
    if problems:
        raise VisitProblems(problems)
    return cleaned


def _start(typed: Any, visit: OpenDay | None, now: datetime,
           problems: list[VisitError]) -> datetime | None:
    if typed is None or (isinstance(typed, str) and not typed.strip()):
        problems.append(VisitError("start_missing", "starts"))
        return None
    try:
        start = typed if isinstance(typed, datetime) else parse_start(str(typed))
    except VisitProblems as error:
        problems.extend(error.problems)
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=SHANGHAI)
    unchanged = visit is not None and start.astimezone(UTC) == visit.starts
    if start <= now and not unchanged:
        problems.append(VisitError("start_past", "starts"))
    return start


def _number(name: str, typed: Any, problems: list[VisitError],
            optional: bool = False) -> int | None:
    text = str(typed).strip() if typed is not None else ""
    if not text and optional:
        return None
    if not text.isascii() or not text.isdigit():
        problems.append(VisitError("not_a_number", name))
        return None
    low, high = RANGES[name]
    number = int(text)
    if not low <= number <= high:
        problems.append(VisitError("out_of_range", name, {"low": low, "high": high}))
        return None
    return number


def _factory(session: Session, enterprise_id: int, typed: Any,
             problems: list[VisitError]) -> int | None:
    if typed is None or str(typed).strip() == "":
        return None
    text = str(typed).strip()
    factory = session.get(Factory, int(text)) if text.isascii() and text.isdigit() else None
    if factory is None or factory.enterprise_id != enterprise_id:
        problems.append(VisitError("factory", "factory_id", {"factory": text[:20]}))
        return None
    return factory.id


def _not_below_taken(visit: OpenDay, cleaned: dict[str, Any],
                     problems: list[VisitError]) -> None:
    if cleaned.get("capacity") is not None and cleaned["capacity"] < visit.seats_taken:
        problems.append(VisitError("capacity_below_taken", "capacity",
                                   {"taken": visit.seats_taken}))
    if cleaned.get("waitlist") is not None and cleaned["waitlist"] < visit.waitlist_taken:
        problems.append(VisitError("waitlist_below_taken", "waitlist",
                                   {"taken": visit.waitlist_taken}))


def factories(session: Session, enterprise_id: int) -> list[Factory]:
    """Return the enterprise's own factories (the only ones its visits may name)."""
    return list(session.scalars(select(Factory).where(Factory.enterprise_id == enterprise_id)
                                .order_by(Factory.id)))


def snapshot(visit: OpenDay) -> dict[str, Any]:
    """Return what the audit log compares, with the start in Shanghai time."""
    values = {name: getattr(visit, column) for name, column in COLUMNS.items()}
    values["starts"] = shanghai_text(visit.starts) if visit.starts_at is not None else None
    return values


def _apply(visit: OpenDay, cleaned: dict[str, Any]) -> None:
    for name, column in COLUMNS.items():
        if name in cleaned and name != "capacity":
            setattr(visit, column, cleaned[name])
    if cleaned.get("starts") is not None:
        visit.starts_at = cleaned["starts"]


def create_visit(session: Session, enterprise_id: int, values: dict[str, Any],
                 user: User | None = None, now: datetime | None = None) -> OpenDay:
    """Check ``values``, add the visit with its audit entry, commit; VisitProblems (nothing
    written) if wrong."""
    with committing(session):
        cleaned = {**DEFAULTS, **clean(session, enterprise_id, values, now=now)}
        visit = OpenDay(enterprise_id=enterprise_id, capacity=cleaned["capacity"], seats_taken=0,
                        waitlist_taken=0)
        _apply(visit, cleaned)
        session.add(visit)
        session.flush()
        audit.record(session, user, "create", "open_day", visit.id,
                     {"enterprise_id": enterprise_id, **snapshot(visit)})
    return visit


def edit_visit(session: Session, visit: OpenDay, values: dict[str, Any],
               user: User | None = None, now: datetime | None = None) -> list[Booking]:
    """Change a visit with its audit entry and commit; return the bookings moved up.

    A larger capacity moves people up from the waiting list. Raises VisitProblems (nothing
    written) when a value is wrong or the capacity would go below the seats taken, even if
    another booking took them since the visit was read.
    """
    try:
        return _edit_visit(session, visit, values, user, now)
    except BaseException:
        session.rollback()
        raise


def _edit_visit(session: Session, visit: OpenDay, values: dict[str, Any], user: User | None,
                now: datetime | None) -> list[Booking]:
    cleaned = clean(session, visit.enterprise_id, values, visit=visit, now=now)
    before = snapshot(visit)
    capacity = cleaned.get("capacity")
    _apply(visit, cleaned)
    after = {**snapshot(visit), "capacity": capacity if capacity is not None else visit.capacity}
    changed = audit.changes(before, after)
    visit_id = visit.id
    taken = visit.seats_taken
    if changed:
        audit.record(session, user, "change", "open_day", visit_id, changed)
    if capacity is None:
        session.commit()
        return []
    try:
        return bookings.resize(session, visit_id, capacity)  # commits the other changes too
    except BookingError as error:  # another booking took seats since the visit was read
        fresh = session.get(OpenDay, visit_id)
        taken = fresh.seats_taken if fresh is not None else taken
        raise VisitProblems([VisitError("capacity_below_taken", "capacity",
                                        {"taken": taken})]) from error


def attendee_table(session: Session, visit_id: int) -> tuple[list[str], list[list[Any]]]:
    """Return the header and rows of a visit's bookings, masked as on the check-in page.

    Names keep their first character per word and phone numbers their last four digits: enough
    to greet a visitor at the door, never enough to build a contact list.
    """
    rows = session.scalars(select(Booking).where(Booking.visit_id == visit_id)
                           .order_by(Booking.created_at, Booking.id)).all()
    header = ["reference", "name", "phone", "adults", "children", "status"]
    return header, [[format_reference(b.reference), mask_name(b.name), last_four_only(b.phone),
                     b.adults, b.children, b.status] for b in rows]
