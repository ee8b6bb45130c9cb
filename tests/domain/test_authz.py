"""The rule table: public, signed-in, role sets and ownership; no rule means nobody."""

from __future__ import annotations

import pytest

from formulatrust.domain import authz
from formulatrust.domain.authz import ROLES, RULES, OwnEnterprise, can, could

EVERYONE = (None, *ROLES)


@pytest.mark.parametrize("role", EVERYONE)
def test_public_routes_are_open_to_everyone(role):
    for endpoint in ("scan.report", "open_days.book", "open_days.cancel", "open_days.manage",
                     "account.sign_in"):
        assert RULES[endpoint] == authz.PUBLIC
        assert can(role, endpoint)


@pytest.mark.parametrize("role", EVERYONE)
def test_signed_in_routes_need_an_account(role):
    assert can(role, "account.sign_out") is (role is not None)


@pytest.mark.parametrize("role", EVERYONE)
def test_report_queue_and_audit_roles(role):
    assert can(role, "admin.reports") is (role in {"admin", "regulator"})
    assert can(role, "admin.report_status") is (role == "regulator")
    assert can(role, "admin.audit") is (role == "admin")
    assert can(role, "account.totp") is (role in {"admin", "regulator"})


@pytest.mark.parametrize("role", EVERYONE)
def test_routes_without_a_rule_are_refused_to_everyone(role):
    assert not can(role, "no.such_endpoint")
    assert not could(role, "no.such_endpoint")


def test_unknown_roles_are_treated_as_signed_out():
    assert not can("superuser", "account.sign_out")
    assert can("superuser", "scan.report")


def test_enterprise_editors_change_only_their_own_enterprise(monkeypatch):
    monkeypatch.setitem(RULES, "showcase.edit", OwnEnterprise(also=frozenset({"admin"})))
    assert can("enterprise", "showcase.edit", owner_enterprise_id=7, user_enterprise_id=7)
    assert not can("enterprise", "showcase.edit", owner_enterprise_id=8, user_enterprise_id=7)
    assert not can("enterprise", "showcase.edit", owner_enterprise_id=None, user_enterprise_id=7)
    assert not can("enterprise", "showcase.edit", owner_enterprise_id=7, user_enterprise_id=None)
    assert can("admin", "showcase.edit", owner_enterprise_id=8)
    for role in ("regulator", "association", "science", None):
        assert not can(role, "showcase.edit", owner_enterprise_id=7, user_enterprise_id=7)
    # Before the record is known: may this role use the route at all?
    assert could("enterprise", "showcase.edit", user_enterprise_id=7)
    assert could("admin", "showcase.edit")
    assert not could("regulator", "showcase.edit")
    assert not could(None, "showcase.edit")


def test_every_rule_is_well_formed():
    for endpoint, rule in RULES.items():
        assert "." in endpoint, endpoint
        if isinstance(rule, frozenset):
            assert rule and rule <= set(ROLES), endpoint
        else:
            assert rule in (authz.PUBLIC, authz.SIGNED_IN, authz.TOKEN) or callable(rule), endpoint


@pytest.mark.parametrize("role", EVERYONE)
def test_token_routes_leave_the_check_to_the_bearer_token(role):
    # The session says nothing about an API client: the view checks the token (401 without).
    for endpoint in ("api_push.trace", "api_push.serials"):
        assert RULES[endpoint] == authz.TOKEN
        assert can(role, endpoint)
