"""Every write route × every role (and signed out): allowed or refused as the roles require.

The expected answers are written out below from the roles the README describes, not read from
``authz.RULES``, so a wrong rule fails here. A write route (POST, PUT, PATCH or DELETE) without
a rule, or missing from the table below, fails too. Refused means 403 for a signed-in user and
a redirect to the sign-in page for the signed out; allowed means neither (the view may still
answer 400 for the empty form, or 404).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from formulatrust.domain.authz import ROLES, RULES, OwnEnterprise
from formulatrust.enterprises.models import Enterprise
from formulatrust.publishing import api_tokens
from formulatrust.publishing.accounts import role_required
from formulatrust.scan.models import ProblemReport

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..open_days_factory import open_day

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
EVERYONE = [None, *ROLES]

ADMIN, REGULATOR, ASSOCIATION, ENTERPRISE = "admin", "regulator", "association", "enterprise"
SCIENCE = "science"
ANYONE, SIGNED_IN, TOKEN = "anyone", "signed in", "API token"


def own(*also: str) -> tuple[str, frozenset[str]]:
    """Enterprise editors of the owning enterprise, and ``also`` these roles for any."""
    return ("own", frozenset(also))


# Who may send each write route. Public forms for anyone; sign-out for any account; regulators
# publish results, records, recalls, penalties and waivers; associations (and admins) write
# bulletins; enterprise editors their own enterprise's data; the push API takes only a token
# (the view answers 401 without one, which is not a refusal by role).
EXPECTED: dict[str, object] = {
    "scan.report": ANYONE, "scan.report_status": ANYONE, "open_days.book": ANYONE,
    "follow.follow": ANYONE, "follow.confirm": ANYONE, "follow.stop": ANYONE,
    "open_days.cancel": ANYONE,
    "open_days.manage": ANYONE, "account.sign_in": ANYONE, "account.sign_in_code": ANYONE,
    "account.sign_out": SIGNED_IN, "account.sign_out_everywhere": SIGNED_IN,
    "account.totp": {ADMIN, REGULATOR},
    "admin.report_status": {REGULATOR},
    "api_push.trace": TOKEN, "api_push.serials": TOKEN,
    **{f"bulletins.{name}": {ADMIN, ASSOCIATION}
       for name in ("new", "edit", "unpublish", "delete", "attach", "detach")},
    "checkin.visit": own(ADMIN),
    "enterprise_admin.new_reply": own(), "enterprise_admin.edit_reply": own(),
    "enterprise_admin.withdraw_reply": own(), "enterprise_admin.file_appeal": own(),
    "appeals.decide": {REGULATOR}, "assess.enterprise": {REGULATOR},
    "open_days_editor.new_visit": own(ADMIN), "open_days_editor.edit_visit": own(ADMIN),
    "open_days_editor.cancel_visit": own(ADMIN),
    "publish.results": {REGULATOR}, "publish.records": {REGULATOR},
    "publish.recall": {REGULATOR}, "publish.penalty": {REGULATOR}, "review.decide": {REGULATOR},
    "publish.edit_recall": {REGULATOR},
    "publish.trace": own(ADMIN, REGULATOR), "publish.serials": own(ADMIN, REGULATOR),
    "publish.codes": own(),
    "showcases.edit": own(ADMIN), "showcases.unpublish": own(ADMIN),
    "showcases.waive": {REGULATOR},
    "showcases.upload_image": own(ADMIN), "showcases.review_image": {REGULATOR},
    "tokens.create": {ADMIN, ENTERPRISE}, "tokens.revoke": own(ADMIN),
    # Industry statistics: association editors publish their association's figures.
    "industry_publish.index": {ASSOCIATION}, "industry_publish.upload": {ASSOCIATION},
    # Learn articles: science editors write; reviewers among them approve (the view checks
    # the reviewer flag and the author: test_learn_articles.py).
    "learn_editor.new": {SCIENCE}, "learn_editor.edit": {SCIENCE},
    "learn_editor.approve": {SCIENCE}, "learn_editor.upload_image": {SCIENCE},
    # An article is withdrawn by its editors or an administrator; regulators waive findings
    # of stored articles (test_learn_withdraw_and_waive.py checks each in detail).
    "learn_editor.unpublish": {SCIENCE, ADMIN}, "learn_waivers.waive": {REGULATOR},
}


def expected_allowed(role: str | None, endpoint: str, owner_id: int | None,
                     user_enterprise_id: int | None) -> bool:
    """Tell from EXPECTED whether ``role`` may send ``endpoint`` for a record of ``owner_id``."""
    who = EXPECTED[endpoint]
    if who in (ANYONE, TOKEN):
        return True
    if who == SIGNED_IN:
        return role is not None
    if isinstance(who, tuple):
        return role in who[1] or (role == ENTERPRISE and owner_id is not None
                                  and owner_id == user_enterprise_id)
    return role in who

# A value for each URL argument of a write route. A route with a new argument name fails
# until a sample is added here.
SAMPLES = {
    "visit_id": lambda world: world["visit"].id,
    "reference": lambda world: "NOSUCHREF0",
    "token": lambda world: "no-such-token",
    "report_id": lambda world: world["report"].id,
    # No such bulletin: allowed roles get 404 (ownership is tested in test_bulletins.py).
    "bulletin_id": lambda world: 999999,
    "attachment_id": lambda world: 999999,
    # No such showcase: regulators get 404 (waivers are tested in test_showcases.py).
    "showcase_id": lambda world: 999999,
    # No such image: regulators get 404 (reviews are tested in test_images.py).
    "image_id": lambda world: 999999,
    # No such proposal: regulators get 404 (decisions are tested in test_review.py).
    "proposal_id": lambda world: 999999,
    "recall_id": lambda world: 999999,
    "appeal_id": lambda world: 999999,
    "slug": lambda world: world["enterprises"][0].slug,
    # No such article version: science editors get 404.
    "number": lambda world: 1,
}
# For routes whose rule depends on the owning enterprise: URL arguments naming a record of
# ``enterprise``. The matrix tries each such route on the user's enterprise and on another.
OWNED: dict[str, object] = {
    "tokens.revoke": lambda world, enterprise: {"token_id": world["tokens"][enterprise.id].id},
    "checkin.visit": lambda world, enterprise: {"visit_id": world["visits"][enterprise.id].id},
    # Publishing (test_publish.py checks what each of these refuses in detail).
    "publish.trace": lambda world, enterprise: {"slug": enterprise.slug},
    "publish.serials": lambda world, enterprise: {"slug": enterprise.slug},
    "publish.codes": lambda world, enterprise: {"slug": enterprise.slug},
    # Brand showcases: a brand of the enterprise (test_showcases.py checks each route).
    "showcases.edit": lambda world, enterprise: {"slug": next(
        brand.slug for brand in world["brands"] if brand.enterprise_id == enterprise.id)},
    "showcases.unpublish": lambda world, enterprise: {"slug": next(
        brand.slug for brand in world["brands"] if brand.enterprise_id == enterprise.id)},
    "showcases.upload_image": lambda world, enterprise: {"slug": next(
        brand.slug for brand in world["brands"] if brand.enterprise_id == enterprise.id)},
    # An enterprise's open days and replies (test_enterprise_admin.py checks them in detail);
    # no such reply or record: allowed roles get 404.
    "open_days_editor.new_visit": lambda world, enterprise: {"slug": enterprise.slug},
    "open_days_editor.edit_visit": lambda world, enterprise: {
        "slug": enterprise.slug, "visit_id": world["visits"][enterprise.id].id},
    "open_days_editor.cancel_visit": lambda world, enterprise: {
        "slug": enterprise.slug, "visit_id": world["visits"][enterprise.id].id},
    "enterprise_admin.new_reply": lambda world, enterprise: {
        "slug": enterprise.slug, "target": "penalty", "target_id": 999999},
    "enterprise_admin.edit_reply": lambda world, enterprise: {
        "slug": enterprise.slug, "reply_id": 999999},
    "enterprise_admin.withdraw_reply": lambda world, enterprise: {
        "slug": enterprise.slug, "reply_id": 999999},
    "enterprise_admin.file_appeal": lambda world, enterprise: {
        "slug": enterprise.slug, "target": "penalty", "target_id": 999999},
}


def write_routes(app) -> list[tuple[str, str, list[str]]]:
    """Return (endpoint, method, argument names) for every write route of ``app``."""
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITE_METHODS):
            routes.append((rule.endpoint, method, sorted(rule.arguments)))
    return sorted(routes)


@pytest.fixture
def matrix_world(session, world):
    enterprise = world["enterprises"][0]
    visit = open_day(session, enterprise)
    report = ProblemReport(reference="MATRIX01", gtin="09521234500018", category="other",
                           description="A report for the matrix.", contact="13800001234")
    session.add(report)
    session.commit()
    other = world["enterprises"][1]
    visits = {enterprise.id: visit, other.id: open_day(session, other)}
    tokens = {each.id: api_tokens.issue(session, each, "matrix")[0] for each in (enterprise, other)}
    session.commit()
    return {**world, "visit": visit, "report": report, "visits": visits, "tokens": tokens}


def test_every_write_route_has_a_rule(app):
    routes = write_routes(app)
    assert routes, "the app should have write routes"
    missing = sorted({endpoint for endpoint, _, _ in routes if endpoint not in RULES})
    assert missing == [], f"write routes without a rule in authz.RULES: {missing}"


def test_the_expected_table_names_every_write_route_and_nothing_else(app):
    assert sorted({endpoint for endpoint, _, _ in write_routes(app)}) == sorted(EXPECTED)


def test_every_ownership_rule_says_how_to_reach_a_record(app):
    for endpoint, _, _ in write_routes(app):
        if callable(RULES.get(endpoint)):
            assert endpoint in OWNED, f"add {endpoint} to OWNED in this test"


def url_for_route(app, endpoint: str, arguments: list[str], world, owned=None) -> str:
    values = {}
    for name in arguments:
        assert name in SAMPLES or owned, f"add a sample value for <{name}> ({endpoint})"
        if name in SAMPLES:
            values[name] = SAMPLES[name](world)
    values.update(owned or {})
    with app.test_request_context():
        return url_for(endpoint, **values)


def refused(response, role) -> bool:
    if role is None:
        location = urlsplit(response.headers.get("Location", ""))
        return response.status_code in (302, 303) and location.path == "/sign-in"
    return response.status_code == 403


def wrong_answers(app, client, session, world, role) -> list[str]:
    """Try every write route as ``role``; return the answers that disagree with the rules."""
    own, other = world["enterprises"]
    user = make_user(session, role, own if role == "enterprise" else None) if role else None
    token = csrf_token(client)
    wrong = []
    for endpoint, method, arguments in write_routes(app):
        cases = [(None, None)]
        if endpoint in OWNED:
            cases = [(OWNED[endpoint](world, each), each) for each in (own, other)]
        for owned, enterprise in cases:
            if user is not None:
                session.refresh(user)  # "sign out everywhere" changes the session version
            sign_in_as(client, user)
            url = url_for_route(app, endpoint, arguments, world, owned)
            response = client.open(url, method=method, data={"csrf_token": token})
            expected = expected_allowed(role, endpoint, enterprise.id if enterprise else None,
                                        user.enterprise_id if user else None)
            if refused(response, role) == expected:
                wrong.append(f"{method} {url} ({endpoint}): {response.status_code}, "
                             f"expected {'allowed' if expected else 'refused'}")
    return wrong


@pytest.mark.parametrize("role", EVERYONE, ids=lambda role: role or "signed-out")
def test_write_routes_answer_each_role_as_the_rules_say(app, client, session, matrix_world,
                                                        role):
    assert wrong_answers(app, client, session, matrix_world, role) == []


@pytest.mark.parametrize("role", EVERYONE, ids=lambda role: role or "signed-out")
def test_enterprise_editors_change_only_their_own_enterprise(make_app, app_overrides, session,
                                                             matrix_world, monkeypatch, role):
    app = make_app(app_overrides)

    def enterprise_id(slug: str) -> int | None:
        return session.scalar(select(Enterprise.id).where(Enterprise.slug == slug))

    @role_required(owner=enterprise_id)
    def edit(slug: str):
        return "changed"

    @role_required()  # an ownership rule without an owner: only the "also" roles pass
    def careless(slug: str):
        return "changed"

    app.add_url_rule("/test/<slug>/edit", "test.edit", edit, methods=["POST"])
    app.add_url_rule("/test/<slug>/careless", "test.careless", careless, methods=["POST"])
    rule = OwnEnterprise(also=frozenset({"admin"}))
    monkeypatch.setitem(RULES, "test.edit", rule)
    monkeypatch.setitem(RULES, "test.careless", rule)
    monkeypatch.setitem(EXPECTED, "test.edit", own(ADMIN))
    monkeypatch.setitem(EXPECTED, "test.careless", own(ADMIN))
    for endpoint in ("test.edit", "test.careless"):
        monkeypatch.setitem(OWNED, endpoint, lambda world, enterprise: {"slug": enterprise.slug})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    wrong = wrong_answers(app, client, session, matrix_world, role)
    careless_wrong = [line for line in wrong if "test.careless" in line]
    if role == "enterprise":  # allowed by the table for its own records, refused by the view
        assert len(careless_wrong) == 1 and "expected allowed" in careless_wrong[0]
    else:
        assert careless_wrong == []
    assert [line for line in wrong if "test.careless" not in line] == []


def test_a_route_missing_from_the_rules_is_refused_to_everyone(app, client, session,
                                                              matrix_world, monkeypatch):
    monkeypatch.delitem(RULES, "account.sign_out")
    admin = make_user(session, "admin")
    sign_in_as(client, admin)
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 403
