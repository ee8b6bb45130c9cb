"""The events calendar: brand launches and showcase events, open days and published bulletins.

Which events: every event of a brand's published showcase (the showcase published from the
editor, else the brand's compliant file in ``content/brands/``); every open day, a cancelled one
marked so; every bulletin readers can see at ``now`` (a scheduled bulletin only once its time
has come).
Order: events still to come or under way first, soonest first; then past events, newest first.
UIDs: ``<kind>-<id>@<site host>``, unchanged when an event is edited, so a calendar that
subscribed updates its entry instead of adding another. Events of a showcase have no row of
their own: theirs is the brand's id, the date and the event's place among that day's events.
The view, the feed and ``flask --app wsgi events list`` all read events through this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from formulatrust.brands.models import Showcase
from formulatrust.core.clock import SHANGHAI
from formulatrust.core.content import Library
from formulatrust.core.paging import page_count
from formulatrust.enterprises.models import Brand, Enterprise
from formulatrust.open_days.models import OpenDay
from formulatrust.publishing.bulletins import store as bulletins
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.query import FilterError

KINDS = ("brand", "open-day", "bulletin")
MONTH = re.compile(r"(\d{4})-(\d{2})")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
MAX_PAGE = 100_000
# A feed holds what is to come and the past year, so it stays small as years go by.
FEED_HISTORY = timedelta(days=366)


@dataclass(frozen=True)
class Event:
    """One event as the calendar shows it; text comes in pairs (English may be empty)."""

    kind: str  # a value of KINDS
    key: str  # unique and stable: "open-day-12", "bulletin-3", "brand-4-20261212-1"
    starts: datetime | date  # aware UTC datetime, or a whole day
    ends: datetime | date  # exclusive: the day after a whole-day event
    title_zh: str = ""
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    location_zh: str = ""
    location_en: str = ""
    enterprise: Enterprise | None = None
    brand: Brand | None = None
    by_zh: str = ""  # who publishes it when no enterprise does (a bulletin's organisation)
    by_en: str = ""
    endpoint: str = ""  # the event's own page, for url_for
    values: Mapping[str, Any] = field(default_factory=dict)
    anchor: str | None = None
    cancelled: bool = False

    @property
    def all_day(self) -> bool:
        return not isinstance(self.starts, datetime)

    @property
    def day(self) -> date:
        """Return the day the event starts, in Shanghai."""
        return self.starts.astimezone(SHANGHAI).date() if isinstance(self.starts, datetime) \
            else self.starts

    @property
    def local_start(self) -> datetime | date:
        """Return the start in Shanghai time (a whole day as it is)."""
        return self.starts.astimezone(SHANGHAI) if isinstance(self.starts, datetime) \
            else self.starts

    @property
    def month(self) -> str:
        return f"{self.day.year:04d}-{self.day.month:02d}"

    @property
    def end_moment(self) -> datetime:
        """Return when the event is over (a whole day ends at midnight, Shanghai time)."""
        if isinstance(self.ends, datetime):
            return self.ends
        return datetime.combine(self.ends, time(), SHANGHAI)

    def is_upcoming(self, now: datetime) -> bool:
        """Tell whether the event is still to come or under way at ``now``."""
        return self.end_moment > now

    def uid(self, host: str) -> str:
        return f"{self.key}@{host}"


@dataclass(frozen=True)
class Filters:
    """What the reader asked for, checked: month ``YYYY-MM``, enterprise slug, kind, page."""

    month: str = ""
    enterprise: str = ""
    kind: str = ""
    page: int = 1

    def as_args(self, **changes: object) -> dict[str, str]:
        """Return the filters as URL parameters, without defaults, with ``changes`` applied."""
        values = {"month": self.month, "enterprise": self.enterprise, "kind": self.kind,
                  "page": self.page} | changes
        if values["page"] == 1:
            values["page"] = None
        return {name: str(value) for name, value in values.items() if value not in (None, "")}


def read_filters(args: Mapping[str, str], session: Session) -> Filters:
    """Return the checked filters; FilterError (answered 400) for a value the page cannot use."""
    month = (args.get("month") or "").strip()
    if month:
        match = MONTH.fullmatch(month)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise FilterError("month", "month")
    slug = (args.get("enterprise") or "").strip()
    if slug and (not SLUG.fullmatch(slug) or session.scalar(
            select(Enterprise.id).where(Enterprise.slug == slug)) is None):
        raise FilterError("enterprise", "choice")
    kind = (args.get("kind") or "").strip()
    if kind and kind not in KINDS:
        raise FilterError("kind", "choice")
    page = (args.get("page") or "1").strip()
    if not page.isdecimal() or len(page) > 6 or not 1 <= int(page) <= MAX_PAGE:
        raise FilterError("page", "page")
    return Filters(month, slug, kind, int(page))


# Collecting ----------------------------------------------------------------------------------

def collect(session: Session, library: Library | None, now: datetime) -> list[Event]:
    """Return every event on the calendar at ``now``, in no particular order."""
    return [*brand_events(session, library), *open_day_events(session),
            *bulletin_events(session, now)]


def open_day_events(session: Session) -> list[Event]:
    """Return every open day, cancelled ones marked."""
    visits = session.scalars(select(OpenDay).options(selectinload(OpenDay.enterprise))
                             .order_by(OpenDay.starts_at, OpenDay.id))
    return [Event(kind="open-day", key=f"open-day-{visit.id}", starts=visit.starts,
                  ends=visit.ends, location_zh=visit.address_zh, location_en=visit.address_en,
                  enterprise=visit.enterprise, endpoint="open_days.visit",
                  values={"visit_id": visit.id}, cancelled=visit.cancelled_at is not None)
            for visit in visits]


def bulletin_events(session: Session, now: datetime) -> list[Event]:
    """Return the bulletins readers see at ``now``, each on its day of publication."""
    found = session.scalars(select(Bulletin).where(bulletins.visible(now))
                            .order_by(Bulletin.publish_at, Bulletin.id))
    events = []
    for bulletin in found:
        day = cast(datetime, bulletin.published_at).astimezone(SHANGHAI).date()  # visible
        events.append(Event(
            kind="bulletin", key=f"bulletin-{bulletin.id}", starts=day,
            ends=day + timedelta(days=1), title_zh=bulletin.title_zh,
            title_en=bulletin.title_en, description_zh=bulletin.summary_zh,
            description_en=bulletin.summary_en, by_zh=bulletin.organisation_zh,
            by_en=bulletin.organisation_en, endpoint="bulletins.detail",
            values={"slug": bulletin.slug}))
    return events


def brand_events(session: Session, library: Library | None) -> list[Event]:
    """Return the events of every brand's published showcase (web-edited, else its file)."""
    brands = session.scalars(select(Brand).options(selectinload(Brand.enterprise))
                             .order_by(Brand.slug)).all()
    published = {showcase.brand_id: showcase.published_revision for showcase in session.scalars(
        select(Showcase).where(Showcase.status == "published")
        .options(selectinload(Showcase.revisions)))}
    events: list[Event] = []
    for brand in brands:
        revision = published.get(brand.id)
        if revision is not None:
            pairs = list(revision.events or [])
        else:
            pairs = file_events(library, brand.slug)
        events += _brand_events(brand, pairs)
    return events


def file_events(library: Library | None, slug: str) -> list[dict]:
    """Return a showcase file's events as pairs: the Chinese file's events beside the English
    file's, matched by their place in the list when their dates agree."""
    versions = library.folders.get("brands", {}).get(slug, {}) if library else {}
    zh = list(versions["zh"].meta.get("events") or []) if "zh" in versions else []
    en = list(versions["en"].meta.get("events") or []) if "en" in versions else []
    pairs: list[dict] = []
    for number in range(max(len(zh), len(en))):
        first = zh[number] if number < len(zh) else None
        second = en[number] if number < len(en) else None
        if first and second and first.get("date") != second.get("date"):
            pairs += [_pair(first, None), _pair(None, second)]
        else:
            pairs.append(_pair(first, second))
    return pairs


def _pair(zh: dict | None, en: dict | None) -> dict:
    either = zh or en or {}
    return {"date": str(either.get("date", "")),
            "title_zh": (zh or {}).get("title", ""), "title_en": (en or {}).get("title", ""),
            "description_zh": (zh or {}).get("description", ""),
            "description_en": (en or {}).get("description", "")}


def _brand_events(brand: Brand, pairs: Iterable[dict]) -> list[Event]:
    events: list[Event] = []
    seen: dict[date, int] = {}
    for pair in pairs:
        try:
            day = date.fromisoformat(str(pair.get("date", "")))
        except ValueError:
            continue
        seen[day] = seen.get(day, 0) + 1
        events.append(Event(
            kind="brand", key=f"brand-{brand.id}-{day:%Y%m%d}-{seen[day]}", starts=day,
            ends=day + timedelta(days=1), title_zh=pair.get("title_zh") or "",
            title_en=pair.get("title_en") or "",
            description_zh=pair.get("description_zh") or "",
            description_en=pair.get("description_en") or "", enterprise=brand.enterprise,
            brand=brand, endpoint="brands.detail", values={"slug": brand.slug},
            anchor="events-heading"))
    return events


# Choosing and ordering -----------------------------------------------------------------------

def matching(events: Iterable[Event], filters: Filters) -> list[Event]:
    """Return the events that pass the month, enterprise and kind filters."""
    return [event for event in events
            if (not filters.month or event.month == filters.month)
            and (not filters.kind or event.kind == filters.kind)
            and (not filters.enterprise or (event.enterprise is not None
                                            and event.enterprise.slug == filters.enterprise))]


def _start_moment(event: Event) -> datetime:
    if isinstance(event.starts, datetime):
        return event.starts
    return datetime.combine(event.starts, time(), SHANGHAI)


def in_order(events: Iterable[Event], now: datetime) -> tuple[list[Event], list[Event]]:
    """Return (upcoming soonest first, past newest first)."""
    chosen = list(events)
    upcoming = sorted((e for e in chosen if e.is_upcoming(now)),
                      key=lambda e: (_start_moment(e), KINDS.index(e.kind), e.key))
    past = sorted((e for e in chosen if not e.is_upcoming(now)),
                  key=lambda e: (_start_moment(e), -KINDS.index(e.kind), e.key), reverse=True)
    return upcoming, past


def months(events: Iterable[Event]) -> list[str]:
    """Return the months that have events, newest first."""
    return sorted({event.month for event in events}, reverse=True)


def enterprises(events: Iterable[Event]) -> list[Enterprise]:
    """Return the enterprises that have events, by slug."""
    found = {event.enterprise.slug: event.enterprise for event in events if event.enterprise}
    return [found[slug] for slug in sorted(found)]


def for_feed(events: Iterable[Event], now: datetime) -> list[Event]:
    """Return the events a feed holds: all to come and the past year's, soonest first."""
    since = now - FEED_HISTORY
    kept = [event for event in events if event.end_moment > since]
    return sorted(kept, key=lambda e: (_start_moment(e), e.key))


@dataclass(frozen=True)
class EventPage:
    """One page of the ordered events, split where the upcoming ones end."""

    upcoming: list[Event]
    past: list[Event]
    page: int
    pages: int
    total: int


def page_of(events: Iterable[Event], now: datetime, page: int, per_page: int) -> EventPage:
    """Return page ``page`` of the events: upcoming first, then past."""
    upcoming, past = in_order(events, now)
    total = len(upcoming) + len(past)
    pages = page_count(total, per_page)
    start = (page - 1) * per_page
    shown = (upcoming + past)[start:start + per_page]
    split = max(0, min(len(upcoming) - start, len(shown)))
    return EventPage(shown[:split], shown[split:], page, pages, total)

