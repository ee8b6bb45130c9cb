"""Never overbook: 200+ simultaneous bookings at a 30-seat visit through gunicorn workers."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

from sqlalchemy import select

from formulatrust import create_app
from formulatrust.core import db
from formulatrust.core.migrate import upgrade
from formulatrust.open_days.models import Booking, OpenDay

from . import factories
from .liveserver import gunicorn, sibling_database
from .open_days_factory import open_day

CLIENTS = 220
SEATS = 30
WAITLIST = 20


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


def visitor(base: str, visit_id: int):
    """A browser of its own: a cookie jar, and the booking form's CSRF token."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()),
                                         NoRedirect)
    with opener.open(f"{base}/open-days/{visit_id}/book", timeout=30) as response:
        html = response.read().decode()
    return opener, re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]


def post(opener, base: str, visit_id: int, token: str, number: int,
         start: threading.Barrier) -> tuple[int, str]:
    data = urllib.parse.urlencode({"csrf_token": token, "name": f"访客{number}",
                                   "phone": f"139{number:08d}", "adults": "1", "children": "0",
                                   "consent": "y"}).encode()
    start.wait()
    try:
        with opener.open(f"{base}/open-days/{visit_id}/book", data, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")


def test_two_hundred_simultaneous_bookings_never_overbook(database_url, tmp_path):
    url = sibling_database(database_url, "booking_race", tmp_path)
    secret = "concurrency-test-secret-" + "y" * 20
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        upgrade(db.engine())
        world = factories.small_world(db.session())
        visit_id = open_day(db.session(), world["enterprises"][0], capacity=SEATS,
                            waitlist=WAITLIST).id
    env = {"DATABASE_URL": url, "FORMULATRUST_SECRET_KEY": secret,
           "FORMULATRUST_INSTANCE_PATH": str(tmp_path / "instance"),
           "FORMULATRUST_SEARCH_INDEX_DIR": str(tmp_path / "index"),
           "FORMULATRUST_SESSION_COOKIE_SECURE": "false",  # plain http on loopback
           "FORMULATRUST_BOOKING_RATE_LIMIT": "100000/minute"}
    with gunicorn(env, workers=4, log=tmp_path / "gunicorn.log") as base:
        with ThreadPoolExecutor(32) as pool:
            visitors = list(pool.map(lambda _n: visitor(base, visit_id), range(CLIENTS)))
        start = threading.Barrier(CLIENTS)
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = list(pool.map(
                lambda n: post(visitors[n][0], base, visit_id, visitors[n][1], n, start),
                range(CLIENTS)))
        statuses = Counter(status for status, _ in answers)
        assert set(statuses) <= {303, 400}, statuses
        confirmed = {}
        for (opener, _token), (status, location) in zip(visitors, answers, strict=True):
            if status != 303:
                continue
            reference = location.rsplit("/", 1)[-1]
            with opener.open(base + urllib.parse.urlsplit(location).path + "?lang=en",
                             timeout=30) as page:
                html = page.read().decode()
            assert reference[:5] + "-" + reference[5:] in html
            heading = re.search(r"<h1>(.*?)</h1>", html)[1]
            confirmed[reference] = {"Booking confirmed": "booked",
                                    "You are on the waiting list": "waiting list"}[heading]

    with app.app_context():
        session = db.session()
        visit = session.get(OpenDay, visit_id)
        stored = session.scalars(select(Booking).where(Booking.visit_id == visit_id)).all()
        assert visit.seats_taken == SEATS
        assert sum(b.party for b in stored if b.status == "booked") == SEATS
        assert visit.waitlist_taken == WAITLIST
        assert sum(b.party for b in stored if b.status == "waitlisted") == WAITLIST
        assert statuses[303] == SEATS + WAITLIST
        assert statuses[400] == CLIENTS - SEATS - WAITLIST
        assert {b.reference: "booked" if b.status == "booked" else "waiting list"
                for b in stored} == confirmed
    db.dispose(app)
