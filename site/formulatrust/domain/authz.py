"""Who may use which route: one declarative table, consulted by the views and the tests.

Every route that writes (POST, PUT, PATCH, DELETE) must have a rule here; the authorisation
matrix test fails for a write route without one, and the server refuses it. A rule is one of:

- ``PUBLIC``: anyone, signed in or not (the problem report form, open-day bookings, sign-in);
- ``SIGNED_IN``: any active account;
- a set of roles;
- ``OwnEnterprise(...)``: enterprise editors of the enterprise that owns the record, plus the
  roles named in ``also`` for any enterprise. Views pass the owner to the check;
- ``TOKEN``: machine clients with an API token (``Authorization: Bearer``), never a browser
  session. The session check lets every request through to the view, which refuses a missing,
  wrong, revoked or expired token with 401 and keeps each token to its own enterprise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

ADMIN = "admin"
REGULATOR = "regulator"
ASSOCIATION = "association"
ENTERPRISE = "enterprise"
SCIENCE = "science"
ROLES = (ADMIN, REGULATOR, ASSOCIATION, ENTERPRISE, SCIENCE)

PUBLIC = "public"
SIGNED_IN = "signed_in"
TOKEN = "token"


@dataclass(frozen=True)
class OwnEnterprise:
    """Enterprise editors for their own enterprise only; ``also`` roles for every enterprise."""

    also: frozenset[str] = frozenset()

    def __call__(self, role: str | None, owner_enterprise_id: int | None,
                 user_enterprise_id: int | None) -> bool:
        if role in self.also:
            return True
        return (role == ENTERPRISE and owner_enterprise_id is not None
                and user_enterprise_id is not None and owner_enterprise_id == user_enterprise_id)


Predicate = Callable[[str | None, int | None, int | None], bool]
Rule = str | frozenset[str] | Predicate

RULES: dict[str, Rule] = {
    # Public forms: anyone may send them; each has its own rate limit and CSRF token.
    "scan.report": PUBLIC,
    "scan.report_status": PUBLIC,
    "follow.follow": PUBLIC,
    "follow.confirm": PUBLIC,
    "follow.stop": PUBLIC,
    "open_days.book": PUBLIC,
    "open_days.cancel": PUBLIC,
    "open_days.manage": PUBLIC,
    "account.sign_in": PUBLIC,
    "account.sign_in_code": PUBLIC,
    # Accounts.
    "account.page": SIGNED_IN,
    "account.sign_out": SIGNED_IN,
    "account.sign_out_everywhere": SIGNED_IN,
    "account.totp": frozenset({ADMIN, REGULATOR}),
    # The regulators' report queue: administrators may look (contacts masked), not triage.
    "admin.reports": frozenset({ADMIN, REGULATOR}),
    "admin.report": frozenset({ADMIN, REGULATOR}),
    "admin.report_status": frozenset({REGULATOR}),
    # The audit log is read by administrators only.
    "admin.audit": frozenset({ADMIN}),
    # Quality bulletins: association editors change the bulletins they wrote (the view checks
    # the author), administrators any bulletin.
    "bulletins.mine": frozenset({ADMIN, ASSOCIATION}),
    "bulletins.new": frozenset({ADMIN, ASSOCIATION}),
    "bulletins.edit": frozenset({ADMIN, ASSOCIATION}),
    "bulletins.unpublish": frozenset({ADMIN, ASSOCIATION}),
    "bulletins.delete": frozenset({ADMIN, ASSOCIATION}),
    "bulletins.attach": frozenset({ADMIN, ASSOCIATION}),
    "bulletins.detach": frozenset({ADMIN, ASSOCIATION}),
    # Publishing (publishing/views.py): regulators' results, records, recalls and penalties;
    # each enterprise's own trace data, serials and codes (regulators and administrators may
    # load trace data and serials for any enterprise, but only the enterprise issues codes).
    "publish.index": SIGNED_IN,
    "publish.results": frozenset({REGULATOR}),
    "publish.records": frozenset({REGULATOR}),
    "publish.recall": frozenset({REGULATOR}),
    "publish.edit_recall": frozenset({REGULATOR}),
    "review.index": frozenset({ADMIN, REGULATOR}),
    "review.decide": frozenset({REGULATOR}),
    "assess.enterprise": frozenset({REGULATOR}),
    "publish.penalty": frozenset({REGULATOR}),
    "publish.trace": OwnEnterprise(also=frozenset({ADMIN, REGULATOR})),
    "publish.serials": OwnEnterprise(also=frozenset({ADMIN, REGULATOR})),
    "publish.codes": OwnEnterprise(),
    # API tokens: enterprise editors for their own enterprise, administrators for any.
    "tokens.index": frozenset({ADMIN, ENTERPRISE}),
    "tokens.create": frozenset({ADMIN, ENTERPRISE}),  # editors: always their own enterprise
    "tokens.revoke": OwnEnterprise(also=frozenset({ADMIN})),
    # The push API authenticates each request with a token of one enterprise.
    "api_push.trace": TOKEN,
    "api_push.serials": TOKEN,
    # Checking visitors in at an open day: the visit's enterprise, and administrators.
    "checkin.index": frozenset({ADMIN, ENTERPRISE}),
    "checkin.visit": OwnEnterprise(also=frozenset({ADMIN})),
    # An enterprise's open days (its editors and administrators) and its replies beside its
    # ratings, penalties and results (its editors only: the words are the enterprise's own).
    "open_days_editor.open_days": OwnEnterprise(also=frozenset({ADMIN})),
    "open_days_editor.new_visit": OwnEnterprise(also=frozenset({ADMIN})),
    "open_days_editor.edit_visit": OwnEnterprise(also=frozenset({ADMIN})),
    "open_days_editor.cancel_visit": OwnEnterprise(also=frozenset({ADMIN})),
    "open_days_editor.attendees_csv": OwnEnterprise(also=frozenset({ADMIN})),
    "enterprise_admin.replies": OwnEnterprise(),
    "enterprise_admin.file_appeal": OwnEnterprise(),
    "appeals.index": frozenset({ADMIN, REGULATOR}),
    "appeals.decide": frozenset({REGULATOR}),
    "enterprise_admin.new_reply": OwnEnterprise(),
    "enterprise_admin.edit_reply": OwnEnterprise(),
    "enterprise_admin.withdraw_reply": OwnEnterprise(),
    # Brand showcases: the brand's enterprise editors and administrators write and publish;
    # only regulators waive a finding of the advertising-compliance checker.
    "showcases.edit": OwnEnterprise(also=frozenset({ADMIN})),
    "showcases.unpublish": OwnEnterprise(also=frozenset({ADMIN})),
    # Photos for a brand: its enterprise's editors and administrators upload; regulators
    # review every upload (approve, or reject and take it off every page).
    "showcases.upload_image": OwnEnterprise(also=frozenset({ADMIN})),
    "showcases.review_image": frozenset({REGULATOR}),
    "showcases.review": frozenset({ADMIN, REGULATOR}),
    "showcases.waive": frozenset({REGULATOR}),
    # Industry statistics: association editors publish and correct their association's figures.
    "industry_publish.index": frozenset({ASSOCIATION}),
    "industry_publish.upload": frozenset({ASSOCIATION}),
    # Learn articles: science editors write; those an administrator made reviewers approve
    # others' versions (the view checks the flag and the author).
    # Editors and administrators may withdraw a published article; both compare versions.
    "learn_editor.index": frozenset({SCIENCE, ADMIN}),
    "learn_editor.new": frozenset({SCIENCE}),
    "learn_editor.edit": frozenset({SCIENCE}),
    "learn_editor.versions": frozenset({SCIENCE, ADMIN}),
    "learn_editor.approve": frozenset({SCIENCE}),
    "learn_editor.upload_image": frozenset({SCIENCE}),
    "learn_editor.unpublish": frozenset({SCIENCE, ADMIN}),
    "learn_editor.compare": frozenset({SCIENCE, ADMIN}),
    # Regulators waive a finding of an article kept in the database (as ``content waive``
    # does for the files).
    "learn_waivers.review": frozenset({REGULATOR}),
    "learn_waivers.waive": frozenset({REGULATOR}),
}


def rule_for(endpoint: str) -> Rule | None:
    """Return the rule for ``endpoint``, or None when it has none (which refuses everyone)."""
    return RULES.get(endpoint)


def can(role: str | None, endpoint: str, owner_enterprise_id: int | None = None,
        user_enterprise_id: int | None = None) -> bool:
    """Tell whether a user with ``role`` (None: signed out) may use ``endpoint``.

    For ownership rules, ``owner_enterprise_id`` is the enterprise owning the record and
    ``user_enterprise_id`` the user's own. An endpoint without a rule is refused to everyone.
    """
    rule = RULES.get(endpoint)
    if rule is None:
        return False
    if rule in (PUBLIC, TOKEN):  # a TOKEN route checks its bearer token in the view
        return True
    if role not in ROLES:
        return False
    if isinstance(rule, str):
        return rule == SIGNED_IN
    if isinstance(rule, frozenset):
        return role in rule
    return bool(rule(role, owner_enterprise_id, user_enterprise_id))


def could(role: str | None, endpoint: str, user_enterprise_id: int | None = None) -> bool:
    """Tell whether ``role`` may use ``endpoint`` for at least its own records.

    The role-level check made before the record (and so its owner) is known.
    """
    if can(role, endpoint, user_enterprise_id, user_enterprise_id):
        return True
    return can(role, endpoint, None, user_enterprise_id)
