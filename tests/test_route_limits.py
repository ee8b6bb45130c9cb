"""Rate limits are checked where they are set: a route's own limit still refuses the request
past it, and a default limit, when an operator configures one, still covers every page."""

from __future__ import annotations

CAN_PAGE = "/01/09521234500018/10/20260301A1/21/REG0001"


def limited(make_app, app_overrides, **settings):
    return make_app({**app_overrides, "RATELIMIT_ENABLED": True, **settings}).test_client()


def test_a_routes_own_limit_refuses_the_request_past_it(make_app, app_overrides, trace):
    client = limited(make_app, app_overrides, SEARCH_RATE_LIMIT="2/minute")
    first, second, refused = (client.get("/search?q=milk&lang=en") for _ in range(3))
    assert [first.status_code, second.status_code, refused.status_code] == [200, 200, 429]
    # A client is told its allowance as it goes, and when to come back once refused.
    assert [first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]] \
        == ["1", "0"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    can = client.get(CAN_PAGE + "?lang=en")
    assert can.status_code == 200  # no limit of its own, so no allowance to tell
    assert "X-RateLimit-Limit" not in can.headers


def test_without_a_default_limit_pages_are_never_refused(make_app, app_overrides, trace):
    client = limited(make_app, app_overrides)
    assert {client.get(CAN_PAGE).status_code for _ in range(30)} == {200}


def test_a_configured_default_limit_covers_the_can_page(make_app, app_overrides, trace):
    client = limited(make_app, app_overrides, RATELIMIT_DEFAULT="3/minute")
    answers = [client.get(CAN_PAGE + "?lang=en").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert "Too many requests" in client.get(CAN_PAGE + "?lang=en").get_data(as_text=True)
    # An app built afterwards without it (as the tests build many) is not limited by it, on
    # pages or on routes with limits of their own.
    later = limited(make_app, app_overrides, SEARCH_RATE_LIMIT="2/minute")
    assert [later.get("/search?q=milk").status_code for _ in range(3)] == [200, 200, 429]
    assert {later.get(CAN_PAGE).status_code for _ in range(5)} == {200}
    assert {later.get("/open-days/manage").status_code for _ in range(5)} == {200}
