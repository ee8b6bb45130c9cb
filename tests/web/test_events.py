"""The events calendar: every kind of event in one list, upcoming first, filters, permalinks,
scheduled bulletins only once due, and iCalendar feeds that calendars can import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from formulatrust.brands import showcases
from formulatrust.core import clock

from ..bulletins_factory import bulletin
from ..open_days_factory import open_day
from ..pagecheck import check_page, text_of
from .test_open_days import book

KIND_LABELS = {"brand": "Brand launches and events", "open-day": "Factory open days",
               "bulletin": "Bulletins"}


def page(client, url: str, status: int = 200, lang: str = "en"):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return check_page(response.get_data(as_text=True), lang)


def listed(soup) -> list[tuple[str, str]]:
    """Return (kind label, title) of each event on the page, in order."""
    return [(text_of(card, ".tag-neutral"), text_of(card, "h3"))
            for card in soup.select(".card-list .card")]


def sections(soup) -> dict[str, list[str]]:
    """Return the <time datetime> values under each section heading, in order."""
    found: dict[str, list[str]] = {}
    for heading in soup.select("main h2"):
        items = heading.find_next_sibling("ol")
        if items is not None and "card-list" in items.get("class", []):
            found[heading.get_text(strip=True)] = [t["datetime"] for t in items.select("time")]
    return found


def calendar(client, url: str):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.get_data(as_text=True))


def publish_showcase(session, brand, *events: dict) -> None:
    content = {"title_zh": "河畔", "title_en": "Riverside", "summary_zh": "河畔乳品的品牌。",
               "summary_en": "A brand of Riverside Milk.",
               "body_zh": "## 品牌故事\n\n工厂在青浦区。",
               "body_en": "## Our story\n\nThe factory is in Qingpu.", "photos": [],
               "events": list(events)}
    showcase = showcases.save(session, None, brand, content)
    assert showcases.publish(session, None, showcase, brand) == []
    session.commit()


@pytest.fixture
def calendar_world(session, world):
    """An open day of the first enterprise 10 days on, a launch of the second enterprise's
    brand 40 days on, and a bulletin published yesterday."""
    first, second = world["enterprises"]
    visit = open_day(session, first, days=10)
    launch_day = (clock.shanghai_now() + timedelta(days=40)).date()
    publish_showcase(session, world["brands"][1], {
        "date": launch_day.isoformat(), "title_zh": "河畔新品发布", "title_en": "Riverside launch",
        "description_zh": "在青浦工厂介绍新品。", "description_en": "At the Qingpu factory."})
    published = bulletin(session, publish=datetime.now(UTC) - timedelta(days=1))
    return {"visit": visit, "launch_day": launch_day, "bulletin": published}


def test_the_demo_calendar_lists_every_kind_upcoming_first(client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    soup = page(client, "/events?lang=en")
    kinds = {kind for kind, _title in listed(soup)}
    assert kinds == set(KIND_LABELS.values())
    titles = " | ".join(title for _kind, title in listed(soup))
    assert "Dawnlight (demo): Factory open day: milk reception and release testing" in titles
    assert "Infant formula quality bulletin, third quarter 2026 (demo)" in titles
    found = sections(soup)
    upcoming = found.get("Today and coming up", [])
    past = found.get("Past events", [])
    assert upcoming or past
    # Upcoming soonest first, then the past newest first (comparing Shanghai days).
    assert [d[:10] for d in upcoming] == sorted(d[:10] for d in upcoming)
    assert [d[:10] for d in past] == sorted((d[:10] for d in past), reverse=True)
    assert not upcoming or not past or upcoming[0][:10] >= past[0][:10]
    chinese = page(client, "/events?lang=zh", lang="zh")
    assert "秋冬季节乳粉储存和冲调提示（示例）" in text_of(chinese, "main")
    assert len(listed(chinese)) == len(listed(soup))


def test_each_event_links_to_its_own_page(client, session, world, calendar_world):
    soup = page(client, "/events?lang=en")
    links = {text_of(card, ".tag-neutral"): card.select_one("h3 a")["href"]
             for card in soup.select(".card-list .card")}
    assert links == {
        "Factory open days": f"/open-days/{calendar_world['visit'].id}",
        "Brand launches and events": "/brands/river-brand#events-heading",
        "Bulletins": "/bulletins/q3-quality",
    }
    assert [title for _kind, title in listed(soup)] == [
        "Factory open day", "Riverside: Riverside launch", "Third-quarter quality bulletin"]
    assert sections(soup)["Past events"] == [calendar_world["bulletin"].published_at
                                             .astimezone(clock.SHANGHAI).date().isoformat()]


@pytest.mark.parametrize(("query", "expected"), [
    ("kind=open-day", ["Factory open day"]),
    ("kind=brand", ["Riverside: Riverside launch"]),
    ("kind=bulletin", ["Third-quarter quality bulletin"]),
    ("enterprise=river-milk", ["Riverside: Riverside launch"]),
    ("enterprise=test-dairy&kind=brand", []),
])
def test_filters_choose_by_kind_and_enterprise(client, calendar_world, query, expected):
    soup = page(client, f"/events?lang=en&{query}")
    assert [title for _kind, title in listed(soup)] == expected
    if not expected:
        assert "No events match these filters" in text_of(soup, ".empty-state")
    for name, value in (pair.split("=") for pair in query.split("&")):
        assert soup.select_one(f"#filter-{name} option[selected]")["value"] == value


def test_the_month_filter_keeps_one_month(client, calendar_world):
    month = calendar_world["launch_day"].strftime("%Y-%m")
    soup = page(client, f"/events?lang=en&month={month}")
    titles = [title for _kind, title in listed(soup)]
    assert "Riverside: Riverside launch" in titles
    chosen = soup.select_one("#filter-month option[selected]")
    assert chosen["value"] == month
    assert chosen.get_text() == calendar_world["launch_day"].strftime("%B %Y")  # "January 2027"
    assert "Third-quarter quality bulletin" not in titles or \
        calendar_world["bulletin"].published_at.astimezone(clock.SHANGHAI).strftime(
            "%Y-%m") == month
    empty = page(client, "/events?lang=en&month=2031-02")
    assert listed(empty) == []
    assert "No events match these filters" in text_of(empty, ".empty-state")


@pytest.mark.parametrize(("query", "english", "chinese"), [
    ("month=2026-13", "Choose a month from the list.", "请从列表中选择月份。"),
    ("month=december", "Choose a month from the list.", "请从列表中选择月份。"),
    ("enterprise=no-such", "Choose an enterprise from the list.", "请从列表中选择企业。"),
    ("kind=party", "Choose a kind of event from the list.", None),
    ("page=0", "“page” must be a whole number", "“page”"),
    ("page=abc", "“page” must be a whole number", "“page”"),
])
def test_bad_filter_values_are_refused_in_both_languages(client, calendar_world, query,
                                                         english, chinese):
    soup = page(client, f"/events?lang=en&{query}", status=400)
    assert english in text_of(soup, "main")
    other = soup.select_one(".other-language")
    assert other["lang"] == "zh-Hans" and other.get_text(strip=True)
    if chinese:
        assert chinese in other.get_text()


def test_a_page_past_the_last_shows_the_last_page(client, calendar_world):
    past = client.get("/events?page=2")
    assert past.status_code == 200
    assert text_of(check_page(past.get_data(as_text=True)), "main") == text_of(
        check_page(client.get("/events").get_data(as_text=True)), "main")


def test_long_lists_are_paginated_with_the_filters_kept(client, session, world):
    for number in range(23):
        open_day(session, world["enterprises"][0], days=3 + number)
    first = page(client, "/events?lang=en&kind=open-day")
    assert len(listed(first)) == 20
    following = first.select_one(".pagination a[rel=next]")["href"]
    assert "kind=open-day" in following and "page=2" in following
    second = page(client, following)
    assert len(listed(second)) == 3


def test_a_scheduled_bulletin_appears_only_once_published(client, session, monkeypatch,
                                                          world):
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    bulletin(session, slug="winter-notice", publish=due, title_en="Winter notice")
    assert listed(page(client, "/events?lang=en&kind=bulletin")) == []
    summaries = [str(e["SUMMARY"]) for e in calendar(client, "/events.ics?lang=en")
                 .walk("VEVENT")]
    assert "Bulletin: Winter notice" not in summaries

    later = due + timedelta(minutes=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)  # the site's clock moves on
    assert listed(page(client, "/events?lang=en&kind=bulletin")) == [
        ("Bulletins", "Winter notice")]
    summaries = [str(e["SUMMARY"]) for e in calendar(client, "/events.ics?lang=en")
                 .walk("VEVENT")]
    assert "Bulletin: Winter notice" in summaries


def test_a_cancelled_open_day_stays_listed_and_marked(client, session, world):
    visit = open_day(session, world["enterprises"][0], cancelled_at=datetime.now(UTC),
                     cancel_reason="The line is being serviced.")
    soup = page(client, "/events?lang=en")
    assert "Cancelled" in text_of(soup, f"#event-open-day-{visit.id} .tag-warn")
    [event] = calendar(client, "/events.ics?lang=en").walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_feed_parses_with_unique_uids_in_the_reader_s_language(client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    soup = page(client, "/events?lang=en")
    feed_link = soup.select_one('link[rel=alternate][type="text/calendar"]')
    assert feed_link["href"] == "/events.ics?lang=en"
    assert soup.select_one('main a[rel=alternate][type="text/calendar"]')
    english = calendar(client, feed_link["href"]).walk("VEVENT")
    uids = [str(event["UID"]) for event in english]
    assert len(uids) == len(set(uids)) == len(listed(soup))
    assert all(uid.endswith("@localhost") for uid in uids)
    for event in english:
        assert event.get("DTSTAMP") and event.get("DTSTART") and event.get("SUMMARY")
        assert str(event["URL"]).startswith("https://localhost/")
    summaries = {str(event["SUMMARY"]) for event in english}
    assert "Factory open day: Songze Infant Nutrition Co., Ltd. (demo)" in summaries
    chinese = calendar(client, "/events.ics?lang=zh").walk("VEVENT")
    assert "工厂开放日：松泽婴童营养品有限公司（示例）" in {str(e["SUMMARY"]) for e in chinese}
    assert sorted(str(e["UID"]) for e in chinese) == sorted(uids)  # the same events, same UIDs


def test_an_enterprise_has_its_own_feed_linked_from_its_page(client, calendar_world):
    soup = page(client, "/enterprises/river-milk?lang=en")
    link = soup.select_one('link[rel=alternate][type="text/calendar"]')
    assert link["href"] == "/enterprises/river-milk/events.ics?lang=en"
    assert soup.select_one(f'main a[type="text/calendar"][href="{link["href"]}"]')
    [event] = calendar(client, link["href"]).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Riverside: Riverside launch"
    assert event.decoded("DTSTART") == calendar_world["launch_day"]
    assert str(event["URL"]) == "https://localhost/brands/river-brand?lang=en#events-heading"
    assert client.get("/enterprises/no-such/events.ics").status_code == 404


def test_the_open_day_uid_is_the_same_in_both_feeds(client, calendar_world):
    visit = calendar_world["visit"]
    own = {str(e["UID"]) for e in calendar(client, "/open-days/feed.ics").walk("VEVENT")}
    everything = {str(e["UID"]) for e in calendar(client, "/events.ics").walk("VEVENT")}
    assert f"open-day-{visit.id}@localhost" in own & everything


def test_the_command_lists_what_the_page_lists(runner, calendar_world):
    result = runner.invoke(args=["events", "list", "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("#")]
    assert [line.split("\t")[1] for line in lines] == ["open-day", "brand", "bulletin"]
    assert "Riverside: Riverside launch" in result.output
    refused = runner.invoke(args=["events", "list", "--month", "2026-13"])
    assert refused.exit_code != 0 and "--month" in refused.output


@pytest.mark.parametrize(("adults", "children", "english"), [
    ("1", "0", "1 person."), ("2", "1", "3 people.")])
def test_a_ticket_has_its_own_uid_and_counts_people_in_words(client, calendar_world, adults,
                                                             children, english):
    visit = calendar_world["visit"]
    confirmation = book(client, visit, adults=adults, children=children)
    assert confirmation.status_code == 303
    ticket_url = confirmation.headers["Location"] + "/ticket.ics"
    [ticket] = calendar(client, ticket_url + "?lang=en").walk("VEVENT")
    assert english in str(ticket["DESCRIPTION"]) and "1 people" not in str(ticket["DESCRIPTION"])
    [in_chinese] = calendar(client, ticket_url + "?lang=zh").walk("VEVENT")
    # A calendar that imports the ticket and subscribes to the events keeps both entries.
    feed_uids = [str(e["UID"]) for e in calendar(client, "/events.ics").walk("VEVENT")]
    visit_uid = f"open-day-{visit.id}@localhost"
    assert visit_uid in feed_uids
    assert str(ticket["UID"]) not in feed_uids and str(ticket["UID"]) != visit_uid
    assert str(in_chinese["UID"]) == str(ticket["UID"])  # stable: the same booking, same UID
