"""The events calendar page and its iCalendar feeds: all events, and one enterprise's."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from babel.dates import format_skeleton
from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formulatrust.core import clock, db
from formulatrust.core.clock import SHANGHAI
from formulatrust.core.errors import render_error
from formulatrust.core.i18n import current_language
from formulatrust.domain.calendar import CalendarEvent, ics_calendar
from formulatrust.enterprises import lookup
from formulatrust.open_data.downloads import clean_args
from formulatrust.open_days import events
from formulatrust.open_days.events import Event
from formulatrust.results.query import FilterError

bp = Blueprint("events", __name__)
PER_PAGE = 20
KIND_NAMES = {"brand": _l("Brand launches and events"), "open-day": _l("Factory open days"),
              "bulletin": _l("Bulletins")}
FILTER_PROBLEMS = {
    "month": _l("Choose a month from the list."),
    "enterprise": _l("Choose an enterprise from the list."),
    "kind": _l("Choose a kind of event from the list."),
    "page": _l("“page” must be a whole number from 1 to %(max)s.", max=events.MAX_PAGE),
}


@bp.errorhandler(FilterError)
def bad_filter(error: FilterError) -> Response:
    """Answer a filter value the page does not offer with the bilingual 400 page."""
    return render_error(400, FILTER_PROBLEMS[error.field])


def all_events(now) -> list[Event]:
    return events.collect(db.session(), current_app.extensions.get("formulatrust.content"), now)


@bp.get("/events")
def index():
    """List events: upcoming soonest first, then past newest first; filters by GET."""
    now = clock.utcnow()
    filters = events.read_filters(clean_args(request.args), db.session())
    everything = all_events(now)
    matching = events.matching(everything, filters)
    page = events.page_of(matching, now, filters.page, PER_PAGE)
    if filters.page > page.pages:  # past the last: show the last
        page = events.page_of(matching, now, page.pages, PER_PAGE)
    months = events.months(everything)
    if filters.month and filters.month not in months:
        months = sorted([*months, filters.month], reverse=True)
    enterprise = lookup.by_slug(db.session(), filters.enterprise) \
        if filters.enterprise else None
    return render_template("events/index.html", page=page, filters=filters, months=months,
                           enterprises=events.enterprises(everything), kinds=KIND_NAMES,
                           enterprise=enterprise, anything=bool(everything))


@bp.get("/events.ics")
def feed():
    """Every event to come and of the past year, as an iCalendar feed in the reader's language."""
    now = clock.utcnow()
    return calendar_response(all_events(now), now, _("Events: Shanghai Infant Formula Trust"),
                             "events")


@bp.get("/enterprises/<slug>/events.ics")
def enterprise_feed(slug: str):
    """One enterprise's events (its brands' events and its open days) as an iCalendar feed."""
    enterprise = lookup.get_enterprise(slug)
    now = clock.utcnow()
    chosen = events.matching(all_events(now), events.Filters(enterprise=slug))
    name = _("Events: %(name)s", name=pick(enterprise.name_zh, enterprise.name_en))
    return calendar_response(chosen, now, name, f"events-{slug}")


def calendar_response(chosen: list[Event], now, name: str, filename: str) -> Response:
    host = current_app.config["SITE_HOST"]
    body = ics_calendar([calendar_event(event, host) for event in events.for_feed(chosen, now)],
                        name, now)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{filename}.ics"'})


def pick(zh: str, en: str) -> str:
    """Return the text in the reader's language, the Chinese when there is no English."""
    return (en or zh) if current_language() == "en" else (zh or en)


def summary(event: Event) -> str:
    """Return the event's one-line title in the reader's language."""
    if event.kind == "open-day":
        assert event.enterprise is not None  # an open day is the enterprise's
        text = _("Factory open day: %(name)s",
                 name=pick(event.enterprise.name_zh, event.enterprise.name_en))
    elif event.kind == "bulletin":
        text = _("Bulletin: %(title)s", title=pick(event.title_zh, event.title_en))
    else:
        assert event.brand is not None  # the rest are brands' events
        text = _("%(brand)s: %(title)s", brand=pick(event.brand.name_zh, event.brand.name_en),
                 title=pick(event.title_zh, event.title_en))
    return _("Cancelled: %(title)s", title=text) if event.cancelled else text


def event_url(event: Event) -> str:
    """Return the absolute address of the event's own page, in the reader's language."""
    return url_for(event.endpoint, _external=True, _anchor=event.anchor,
                   lang=current_language(), **event.values)


def calendar_event(event: Event, host: str) -> CalendarEvent:
    return CalendarEvent(
        uid=event.uid(host), starts_at=event.starts, ends_at=event.ends, summary=summary(event),
        location=pick(event.location_zh, event.location_en),
        description=pick(event.description_zh, event.description_en), url=event_url(event),
        status="CANCELLED" if event.cancelled else "CONFIRMED")


def when(event: Event) -> str:
    """Return the event's day (and hours, for a timed event) in Shanghai, for people."""
    if event.all_day:
        return format_date(event.day, "full")
    start, end = (cast(datetime, moment).astimezone(SHANGHAI)  # not all day: moments
                  for moment in (event.starts, event.ends))
    hours = [format_time(moment, "HH:mm", rebase=False) for moment in (start, end)]
    return f"{format_date(start, 'full', rebase=False)} {hours[0]}–{hours[1]}"


def month_name(key: str) -> str:
    """Return a ``YYYY-MM`` filter value as people write it: "2026年12月", "December 2026"."""
    year, month = (int(part) for part in key.split("-"))
    return format_skeleton("yMMMM", date(year, month, 1), locale=get_locale())


@bp.context_processor
def helpers() -> dict:
    return {"kind_name": lambda kind: KIND_NAMES.get(kind, kind), "when": when,
            "month_name": month_name,
            "event_url": lambda event: url_for(event.endpoint, _anchor=event.anchor,
                                               **event.values)}
