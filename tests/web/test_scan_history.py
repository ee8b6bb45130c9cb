"""A can's query history over weeks, through the real store: households are not flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from formulatrust.core import db, signing
from formulatrust.core.cache import TTLCache
from formulatrust.domain import genuine
from formulatrust.domain.gs1 import parse_path
from formulatrust.scan import scan_records
from formulatrust.scan import trace as provenance
from formulatrust.scan.models import CanQuery, CanQueryDevice, ScanDayKey

CAN = "/01/09521234500018/10/20260301A1/21/REG0001"
START = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def scan(app, now: datetime, cookie: str | None = None, address: str = "198.51.100.7",
         agent: str = "Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0") -> str:
    """Query the can at ``now`` as the resolver does; return the status shown to the visitor."""
    with app.app_context():
        link, _ = parse_path(CAN)
        facts = provenance.lookup(db.session, signing.signer(), link, TTLCache(0))
        if cookie:
            device = genuine.cookie_device(cookie)
        else:
            key = provenance.day_key(db.engine(), provenance.today_in_shanghai(now))
            device = genuine.daily_device(key, address, agent)
        _, history = provenance.status_and_history(db.session(), signing.signer(), facts, device,
                                              now)
        outcome = genuine.assess(history, now, daily=genuine.is_daily(device))
        if outcome.counted:
            scan_records.write_scans(db.engine(), [scan_records.Scan(
                provenance.can_key(facts), device, now, outcome.burst_at, outcome.burst_devices)])
        db.session().close()
        return outcome.status


def test_one_phone_every_day_for_ninety_days_with_its_cookie_is_never_unusual(app, trace):
    cookie = genuine.new_device_cookie()
    seen = {scan(app, START + timedelta(days=day), cookie) for day in range(90)}
    assert seen == {"first", "normal"}


def test_one_phone_every_day_for_ninety_days_without_cookies_is_never_unusual(app, trace):
    seen = {scan(app, START + timedelta(days=day, hours=day % 5)) for day in range(90)}
    assert "suspicious" not in seen


def test_three_phones_of_one_family_over_eight_weeks_are_not_unusual(app, trace):
    phones = [genuine.new_device_cookie() for _ in range(3)]
    seen = {scan(app, START + timedelta(days=day, hours=hour), phones[(day + hour) % 3])
            for day in range(0, 56, 2) for hour in (0, 9)}
    assert "suspicious" not in seen


def test_thirty_devices_within_a_week_are_unusual_and_the_can_stays_marked(app, trace, session):
    statuses = [scan(app, START + timedelta(hours=5 * number), genuine.new_device_cookie())
                for number in range(30)]
    assert statuses[0] == "first" and statuses[-1] == "suspicious"
    assert "suspicious" not in statuses[:genuine.HOUSEHOLD]
    months_later = START + timedelta(days=90)
    assert scan(app, months_later, genuine.new_device_cookie()) == "suspicious"
    burst = session.get(CanQuery, ("09521234500018", "20260301A1", "REG0001"))
    assert burst.burst_devices == genuine.HOUSEHOLD + 1


def test_thirty_cookieless_devices_on_one_day_are_unusual(app, trace):
    statuses = [scan(app, START + timedelta(minutes=10 * n), address=f"198.51.100.{n}")
                for n in range(30)]
    assert statuses[-1] == "suspicious"


def test_scans_purge_forgets_devices_after_the_window_and_keys_of_past_days(app, trace, session,
                                                                            runner):
    old = datetime.now(UTC) - genuine.WINDOW - timedelta(days=1)
    scan(app, old, genuine.new_device_cookie())
    scan(app, datetime.now(UTC) - timedelta(hours=1))
    result = runner.invoke(args=["scans", "purge"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    remaining = session.query(CanQueryDevice).all()
    assert len(remaining) == 1 and remaining[0].last_at.replace(tzinfo=UTC) > old
    today = provenance.today_in_shanghai(datetime.now(UTC))
    assert [key.day for key in session.query(ScanDayKey).all()] in ([], [today])
    assert session.get(CanQuery, ("09521234500018", "20260301A1", "REG0001")).count == 2


def test_a_new_days_key_destroys_the_old_ones(app, trace, session):
    with app.app_context():
        first = provenance.day_key(db.engine(), START.date())
        assert provenance.day_key(db.engine(), START.date()) == first
        second = provenance.day_key(db.engine(), START.date() + timedelta(days=1))
    assert second != first
    assert [key.day for key in session.query(ScanDayKey).all()] == [
        START.date() + timedelta(days=1)]


def test_the_can_page_gives_a_device_cookie_and_knows_the_device_when_it_comes_back(client,
                                                                                    trace):
    with client.get(CAN + "?lang=en") as first:  # closing the response records the query
        assert first.status_code == 200
    cookie = client.get_cookie("ft_device")
    assert cookie is not None and cookie.http_only and genuine.is_device_cookie(cookie.value)
    with client.get(CAN + "?lang=en") as second:
        assert "ft_device" not in second.headers.get("Set-Cookie", "")
        # The same phone reloading with its new cookie: a reload, not a second device.
        assert "Queried 1 time" in second.get_data(as_text=True)
