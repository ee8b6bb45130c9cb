"""A write made on a page and the same write made by a command go through one service: they leave
the same audit entry (only who acted differs), and a refused write leaves nothing behind."""

from __future__ import annotations

import json

from sqlalchemy import select

from formulatrust.open_days import bookings
from formulatrust.open_days.models import Booking, OpenDay
from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import acting_as, csrf_token, make_user, sign_in_as
from ..open_days_factory import open_day
from .test_enterprises import RECORDS
from .test_industry_statistics import GOOD, HEADER, RETURNS, STAGE_1, upload

REASON = "The factory line is under maintenance that week."


def book(session, visit) -> Booking:
    return bookings.book(session, visit.id, bookings.Request("王小明", "13800138000", 1))


def entries(session, object_type: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.object_type == object_type)
                                .order_by(AuditEntry.id)))


def test_checking_in_at_the_desk_and_by_command_leaves_the_same_audit_entry(
        client, runner, session, world):
    enterprise = world["enterprises"][0]
    at_desk, by_command = (open_day(session, enterprise, days=2 / 24) for _ in range(2))
    desk_booking, command_booking = book(session, at_desk), book(session, by_command)
    editor = make_user(session, "enterprise", enterprise)
    sign_in_as(client, editor)
    desk = f"/publish/open-days/{at_desk.id}/check-in"
    response = client.post(desk, data={"csrf_token": csrf_token(client, desk),
                                       "ticket": desk_booking.reference})
    assert response.status_code == 200
    result = runner.invoke(args=["open-days", "checkin", command_booking.reference])
    assert result.exit_code == 0, result.output

    first, second = entries(session, "booking")
    assert (first.user_id, first.object_id) == (editor.id, str(desk_booking.id))
    assert (second.user_id, second.object_id) == (None, str(command_booking.id))
    assert first.action == second.action == "change"
    assert first.summary == {"status": ["booked", "checked_in"], "visit": at_desk.id}
    assert second.summary == {"status": ["booked", "checked_in"], "visit": by_command.id}


def test_cancelling_a_visit_on_the_page_and_by_command_is_audited_alike(
        client, runner, session, world):
    enterprise = world["enterprises"][0]
    on_page, by_command = open_day(session, enterprise), open_day(session, enterprise)
    book(session, on_page)
    editor = make_user(session, "enterprise", enterprise)
    sign_in_as(client, editor)
    base = f"/publish/enterprises/{enterprise.slug}/open-days/{on_page.id}"
    token = csrf_token(client, f"{base}/edit")
    assert client.post(f"{base}/cancel", data={"csrf_token": token, "reason": REASON}
                       ).status_code == 303
    result = runner.invoke(args=["open-days", "cancel", str(by_command.id), "--reason", REASON])
    assert result.exit_code == 0, result.output

    page_entry, command_entry = entries(session, "open_day")
    assert (page_entry.user_id, page_entry.action, page_entry.object_id) == (
        editor.id, "change", str(on_page.id))
    assert page_entry.summary == {"cancelled": REASON, "bookings_ended": 1}
    assert (command_entry.user_id, command_entry.action, command_entry.object_id) == (
        None, "change", str(by_command.id))
    assert command_entry.summary == {"cancelled": REASON, "bookings_ended": 0}

    # Cancelling again is refused on both paths and records nothing more.
    assert client.post(f"{base}/cancel", data={"csrf_token": token, "reason": REASON}
                       ).status_code == 409
    again = runner.invoke(args=["open-days", "cancel", str(by_command.id), "--reason", REASON])
    assert again.exit_code != 0
    assert len(entries(session, "open_day")) == 2
    assert all(visit.cancel_reason == REASON for visit in session.scalars(select(OpenDay)))



def test_figures_published_by_upload_and_by_command_are_audited_alike(
        client, runner, session, tmp_path):
    association = make_user(session, "association", email="stats@example.com",
                            organisation="dairy-fed")
    sign_in_as(client, association)
    assert upload(client, GOOD, "january.csv").status_code == 303
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(HEADER + f"2026-02,{STAGE_1},production_volume,1320,t,{RETURNS}\n"
                         + f"2026-03,{STAGE_1},production_volume,1400,t,{RETURNS}\n",
                         encoding="utf-8")
    result = runner.invoke(args=["industry-statistics", "import", str(corrected),
                                 "--by", association.email])
    assert result.exit_code == 0, result.output

    by_upload, by_command = entries(session, "industry_release")
    assert by_upload.user_id == by_command.user_id == association.id
    assert by_upload.action == by_command.action == "publish"
    assert by_upload.summary == {"via": "upload", "created": 3, "corrected": 0,
                                 "filename": "january.csv"}
    assert by_command.summary == {"via": "command", "created": 1, "corrected": 1,
                                  "filename": "corrected.csv"}


def test_records_imported_by_command_are_audited_and_a_bad_file_leaves_nothing(
        runner, session, world, tmp_path):
    by = acting_as(session, "regulator")
    good = json.loads(json.dumps(RECORDS))
    del good["enterprises"][0]["replies"]  # the enterprise's own words, not the regulator's
    bad = json.loads(json.dumps(good))
    bad["enterprises"][0]["penalties"][0]["decided_on"] = "2026-13-01"
    for name, records in (("good.json", good), ("bad.json", bad)):
        (tmp_path / name).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(args=["enterprises", "import", str(tmp_path / "bad.json"), *by]
                         ).exit_code == 1
    assert entries(session, "records") == []
    result = runner.invoke(args=["enterprises", "import", str(tmp_path / "good.json"), *by])
    assert result.exit_code == 0, result.output

    [entry] = entries(session, "records")
    assert (entry.action, entry.object_id) == ("import", "good.json")
    assert entry.user_id is not None and entry.user.email == by[1]
    assert entry.summary["penalties"] == 2 and entry.summary["licences"] == 1
