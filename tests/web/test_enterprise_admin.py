"""An enterprise's own open days and replies in the browser: only ever its own."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from formulatrust.enterprises.models import Factory, Penalty, Reply
from formulatrust.open_days import bookings
from formulatrust.open_days.models import Booking, OpenDay
from formulatrust.publishing.models import AuditEntry
from formulatrust.results.models import SamplingResult

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..open_days_factory import open_day
from ..pagecheck import check_page, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "/publish/enterprises"


def book(session, visit, phone="13912345678", adults=2, children=0) -> Booking:
    return bookings.book(session, visit.id, bookings.Request("王小明", phone, adults, children))


def factory(session, enterprise, name="测试工厂") -> Factory:
    plant = Factory(enterprise_id=enterprise.id, name_zh=name, name_en=f"{name} (en)",
                    licence_no="SC10631010000001", address_zh="上海市测试路1号",
                    address_en="1 Test Road")
    session.add(plant)
    session.commit()
    return plant


def penalty(session, enterprise, number="沪市监罚〔2026〕1号") -> Penalty:
    record = Penalty(enterprise_id=enterprise.id, decision_no=number,
                     decided_on=date(2026, 3, 1), facts_zh="标签不规范。", legal_basis="第一条",
                     publish_until=date.today() + timedelta(days=365))
    session.add(record)
    session.commit()
    return record


@pytest.fixture
def ours(session, world):
    """Two enterprises each with a factory, a visit, a penalty; an editor of the first."""
    own, other = world["enterprises"]
    return {
        "own": own, "other": other,
        "plant": factory(session, own), "other_plant": factory(session, other, "河畔工厂"),
        "visit": open_day(session, own, capacity=2), "past": open_day(session, own, days=-3),
        "other_visit": open_day(session, other),
        "penalty": penalty(session, own), "other_penalty": penalty(session, other, "沪2号"),
        "editor": make_user(session, "enterprise", own),
    }


def visit_data(**changes) -> dict:
    start = (datetime.now(SHANGHAI) + timedelta(days=30)).replace(hour=9, minute=30)
    data = {"starts": start.strftime("%Y-%m-%dT%H:%M"), "duration": "120", "capacity": "25",
            "waitlist": "10", "factory_id": "", "address_zh": "上海市新路2号",
            "address_en": "2 New Road", "map_url": "https://example.org/map2",
            "language": "zh+en", "min_age": "6", "accessibility_zh": "有电梯。",
            "accessibility_en": "Lift."}
    data.update(changes)
    return data


def post(client, path: str, data: dict, lang: str = "en"):
    form_page = path.removesuffix("/withdraw") + ("/edit" if path.endswith("/withdraw") else "")
    return client.post(f"{path}?lang={lang}",
                       data={"csrf_token": csrf_token(client, form_page), **data})


def audit_entries(session, object_type: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.object_type == object_type)
                                .order_by(AuditEntry.id)))


# --- open days -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dashboard_links_and_the_list_shows_seats_and_waiting_list(client, session, ours,
                                                                      lang):
    book(session, ours["visit"], adults=2)
    book(session, ours["visit"], phone="13800001111", adults=1)  # waits: the visit is full
    sign_in_as(client, ours["editor"])
    dashboard = check_page(client.get(f"/publish?lang={lang}").get_data(as_text=True), lang)
    links = {a["href"] for a in dashboard.select("main a")}
    assert {f"{BASE}/test-dairy/open-days", f"{BASE}/test-dairy/replies"} <= links
    response = client.get(f"{BASE}/test-dairy/open-days?lang={lang}")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    soup = check_page(response.get_data(as_text=True), lang)
    upcoming, past = soup.select("table")
    assert upcoming.caption and past.caption
    cells = [td.get_text(" ", strip=True) for td in upcoming.select("tbody td")]
    assert [re.findall(r"\d+", cell) for cell in cells[1:3]] == [["2", "2"], ["1", "20"]]
    assert len(past.select("tbody tr")) == 1
    assert "13912345678" not in soup.get_text()


def test_schedule_a_visit_in_shanghai_time_at_one_of_its_own_factories(client, session, ours):
    sign_in_as(client, ours["editor"])
    form = check_page(client.get(f"{BASE}/test-dairy/open-days/new?lang=en")
                      .get_data(as_text=True))
    offered = [o["value"] for o in form.select("select[name=factory_id] option")]
    assert offered == ["", str(ours["plant"].id)]  # never the other enterprise's factory
    data = visit_data(factory_id=str(ours["plant"].id))
    response = post(client, f"{BASE}/test-dairy/open-days/new", data)
    assert response.status_code == 303
    session.expire_all()
    visit = session.scalars(select(OpenDay).where(OpenDay.capacity == 25)).one()
    local = datetime.strptime(data["starts"], "%Y-%m-%dT%H:%M").replace(tzinfo=SHANGHAI)
    assert visit.starts == local.astimezone(UTC)
    assert (visit.factory_id, visit.language, visit.min_age, visit.waitlist_capacity) == (
        ours["plant"].id, "zh+en", 6, 10)
    listing = check_page(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "09:30" in text_of(listing, "[role=status]")
    public = check_page(client.get("/open-days?lang=en").get_data(as_text=True))
    assert "2 New Road" in public.get_text()
    entry = audit_entries(session, "open_day")[-1]
    assert (entry.action, entry.user_id, entry.summary["capacity"]) == (
        "create", ours["editor"].id, 25)


def test_another_enterprises_factory_is_refused(client, session, ours):
    sign_in_as(client, ours["editor"])
    response = post(client, f"{BASE}/test-dairy/open-days/new",
                    visit_data(factory_id=str(ours["other_plant"].id)))
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert "Choose one of your own factories" in text_of(soup, ".error-summary")
    assert session.scalar(select(OpenDay).where(OpenDay.capacity == 25)) is None


def test_more_seats_move_the_waiting_list_up_and_the_public_page_follows(client, session, ours):
    visit = ours["visit"]
    book(session, visit, adults=2)
    waiting = book(session, visit, phone="13800001111", adults=1)
    sign_in_as(client, ours["editor"])
    path = f"{BASE}/test-dairy/open-days/{visit.id}/edit"
    form = check_page(client.get(f"{path}?lang=en").get_data(as_text=True))
    kept = {field["name"]: field.get("value", "") for field in form.select("form input")}
    assert (kept["capacity"], kept["min_age"]) == ("2", "")
    assert form.select_one("textarea[name=address_en]").get_text().strip() == (
        "1 Test Road, Shanghai")
    data = visit_data(starts=form.select_one("input[name=starts]")["value"], capacity="3",
                      address_en="3 Changed Road")
    response = post(client, path, data)
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Booking, waiting.id).status == "booked"
    assert (session.get(OpenDay, visit.id).capacity, session.get(OpenDay, visit.id)
            .seats_taken) == (3, 3)
    public = check_page(client.get(f"/open-days/{visit.id}?lang=en").get_data(as_text=True))
    assert "3 Changed Road" in public.get_text()
    change = audit_entries(session, "open_day")[-1]
    assert change.action == "change"
    assert change.summary["capacity"] == [2, 3]
    assert change.summary["address_en"] == ["1 Test Road, Shanghai", "3 Changed Road"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Seats already booked: 2. The capacity cannot be lower than that"),
    ("zh", "已预约名额：2 个。名额总数不能少于此数"),
])
def test_capacity_below_the_seats_taken_is_explained(client, session, ours, lang, expected):
    visit = ours["visit"]
    book(session, visit, adults=2)
    sign_in_as(client, ours["editor"])
    path = f"{BASE}/test-dairy/open-days/{visit.id}/edit"
    form = check_page(client.get(f"{path}?lang=en").get_data(as_text=True))
    response = post(client, path, visit_data(
        starts=form.select_one("input[name=starts]")["value"], capacity="1"), lang)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), lang)
    assert expected in text_of(soup, "#capacity-error")
    assert soup.select_one("input[name=capacity]")["value"] == "1"  # the input is kept
    session.expire_all()
    assert session.get(OpenDay, visit.id).capacity == 2


@pytest.mark.parametrize(("lang", "changes", "field", "expected"), [
    ("en", {"starts": "2020-01-01T10:00"}, "starts", "The start must be in the future"),
    ("zh", {"starts": "2020-01-01T10:00"}, "starts", "开始时间必须晚于现在"),
    ("en", {"address_zh": "  "}, "address_zh", "Enter the address in Chinese."),
    ("zh", {"address_zh": ""}, "address_zh", "请输入中文地址。"),
    ("en", {"starts": "next Tuesday"}, "starts", "Enter the start as YYYY-MM-DD HH:MM"),
    ("en", {"capacity": "0"}, "capacity", "Enter a whole number from 1 to 1000."),
    ("en", {"map_url": "javascript:alert(1)"}, "map_url", "starting with https://"),
])
def test_bad_visits_are_refused_in_the_pages_language(client, session, ours, lang, changes,
                                                      field, expected):
    sign_in_as(client, ours["editor"])
    response = post(client, f"{BASE}/test-dairy/open-days/new", visit_data(**changes), lang)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), lang)
    assert soup.title.get_text().startswith("Error:" if lang == "en" else "错误")
    assert expected in text_of(soup, f"#{field}-error")
    session.expire_all()
    assert session.scalar(select(OpenDay).where(OpenDay.address_en == "2 New Road")) is None


def test_the_attendee_list_is_masked_like_the_command(client, session, ours):
    booking = book(session, ours["visit"], phone="13912345678", adults=2)
    sign_in_as(client, ours["editor"])
    response = client.get(f"{BASE}/test-dairy/open-days/{ours['visit'].id}/attendees.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in response.headers
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["reference", "name", "phone", "adults", "children", "status"]
    assert rows[1][1:] == ["王**", "*******5678", "2", "0", "booked"]
    assert rows[1][0].replace("-", "") == booking.reference
    assert "13912345678" not in response.get_data(as_text=True)


def test_administrators_manage_any_enterprises_open_days(client, session, ours):
    sign_in_as(client, make_user(session, "admin"))
    assert client.get(f"{BASE}/river-milk/open-days").status_code == 200
    response = post(client, f"{BASE}/river-milk/open-days/new", visit_data())
    assert response.status_code == 303
    assert client.get(f"{BASE}/river-milk/replies").status_code == 403  # replies: editors only


# --- only its own -----------------------------------------------------------------------------


def other_enterprises_urls(ours, reply_id: int) -> list[tuple[str, str]]:
    """(method, path) of every page for the other enterprise, and of its records via ours."""
    other, visit = "river-milk", ours["other_visit"].id
    mine = "test-dairy"
    penalty_id = ours["other_penalty"].id
    urls = []
    for slug in (other, mine):  # the other's slug, and our slug with the other's records
        urls += [("GET", f"{BASE}/{slug}/open-days/{visit}/edit"),
                 ("POST", f"{BASE}/{slug}/open-days/{visit}/edit"),
                 ("GET", f"{BASE}/{slug}/open-days/{visit}/attendees.csv"),
                 ("GET", f"{BASE}/{slug}/replies/penalty/{penalty_id}/new"),
                 ("POST", f"{BASE}/{slug}/replies/penalty/{penalty_id}/new"),
                 ("GET", f"{BASE}/{slug}/replies/{reply_id}/edit"),
                 ("POST", f"{BASE}/{slug}/replies/{reply_id}/edit"),
                 ("POST", f"{BASE}/{slug}/replies/{reply_id}/withdraw")]
    urls += [("GET", f"{BASE}/{other}/open-days"), ("GET", f"{BASE}/{other}/open-days/new"),
             ("POST", f"{BASE}/{other}/open-days/new"), ("GET", f"{BASE}/{other}/replies")]
    return urls


def test_an_editor_sees_and_changes_nothing_of_another_enterprise(client, session, ours):
    theirs = Reply(enterprise_id=ours["other"].id, target="penalty",
                   target_id=ours["other_penalty"].id, body_zh="他们的回应。",
                   replied_on=date(2026, 3, 5))
    session.add(theirs)
    session.commit()
    book(session, ours["other_visit"])
    sign_in_as(client, ours["editor"])
    token = csrf_token(client, f"{BASE}/test-dairy/open-days/new")
    for method, path in other_enterprises_urls(ours, theirs.id):
        response = client.open(path, method=method, data={
            "csrf_token": token, **visit_data(capacity="1"), "body_zh": "改了"})
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"
        assert "王小明" not in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Reply, theirs.id).body_zh == "他们的回应。"
    assert session.get(OpenDay, ours["other_visit"].id).capacity == 30
    assert session.scalar(select(OpenDay).where(OpenDay.capacity == 1)) is None


@pytest.mark.parametrize("path", ["/open-days", "/open-days/new", "/replies"])
def test_signed_out_visitors_are_sent_to_sign_in(client, ours, path):
    response = client.get(f"{BASE}/test-dairy{path}")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


# --- replies --------------------------------------------------------------------------------


def test_reply_beside_a_penalty_then_edit_and_withdraw_it(client, session, ours):
    record = ours["penalty"]
    sign_in_as(client, ours["editor"])
    listing = check_page(client.get(f"{BASE}/test-dairy/replies?lang=en").get_data(as_text=True))
    new = f"{BASE}/test-dairy/replies/penalty/{record.id}/new"
    assert listing.find("a", href=new)
    response = post(client, new, {"body_zh": "已整改<script>alert(1)</script>",
                                  "body_en": "Rectified.", "appeal_status": "filed"})
    assert response.status_code == 303
    page = check_page(client.get("/enterprises/test-dairy?lang=en").get_data(as_text=True))
    reply_text = text_of(page, ".reply")
    assert "Rectified." in reply_text and "Appeal: filed" in reply_text
    zh_page = client.get("/enterprises/test-dairy?lang=zh").get_data(as_text=True)
    assert "已整改&lt;script&gt;" in zh_page and "<script>alert(1)" not in zh_page
    reply = session.scalars(select(Reply)).one()
    assert reply.replied_on == datetime.now(SHANGHAI).date()
    edit = f"{BASE}/test-dairy/replies/{reply.id}/edit"
    form = check_page(client.get(f"{edit}?lang=en").get_data(as_text=True))
    assert form.select_one("textarea[name=body_en]").get_text().strip() == "Rectified."
    # The outcome of an appeal is the regulator's to record: refused, and nothing changes.
    assert post(client, edit, {"body_zh": "已整改。", "body_en": "Fixed.",
                               "appeal_status": "overturned"}).status_code == 403
    session.expire_all()
    assert session.get(Reply, reply.id).appeal_status == "filed"
    assert post(client, edit, {"body_zh": "已整改。", "body_en": "Fixed.",
                               "appeal_status": "filed"}).status_code == 303
    page = check_page(client.get("/enterprises/test-dairy?lang=en").get_data(as_text=True))
    assert "Fixed." in text_of(page, ".reply") and "overturned" not in text_of(page, ".reply")
    assert [o["value"] for o in form.select("select[name=appeal_status] option")] == [
        "none", "filed"]
    response = post(client, f"{BASE}/test-dairy/replies/{reply.id}/withdraw", {})
    assert response.status_code == 303
    page = check_page(client.get("/enterprises/test-dairy?lang=en").get_data(as_text=True))
    assert page.select(".reply") == []
    actions = [(e.action, e.user_id) for e in audit_entries(session, "reply")]
    assert actions == [(a, ours["editor"].id) for a in ("create", "change", "delete")]
    assert audit_entries(session, "reply")[-1].summary["body_en"] == "Fixed."


def test_a_reply_to_a_result_shows_on_the_result_page(client, session, ours):
    result = SamplingResult(sample_no="S-77", enterprise_id=ours["own"].id,
                            product_name="测试奶粉", compliant=False,
                            announced_on=date(2026, 5, 1))
    session.add(result)
    session.commit()
    sign_in_as(client, ours["editor"])
    listing = check_page(client.get(f"{BASE}/test-dairy/replies?lang=en").get_data(as_text=True))
    assert "S-77" in listing.get_text()
    response = post(client, f"{BASE}/test-dairy/replies/result/{result.id}/new",
                    {"body_zh": "复检合格。", "body_en": "", "appeal_status": "none"})
    assert response.headers["Location"] == f"/results/{result.id}"
    page = check_page(client.get(f"/results/{result.id}?lang=en").get_data(as_text=True))
    assert "复检合格。" in text_of(page, ".reply")  # no English: the Chinese words


@pytest.mark.parametrize(("lang", "expected"), [("en", "Enter the reply in Chinese."),
                                                ("zh", "请输入中文回应。")])
def test_a_reply_needs_chinese(client, session, ours, lang, expected):
    sign_in_as(client, ours["editor"])
    response = post(client, f"{BASE}/test-dairy/replies/penalty/{ours['penalty'].id}/new",
                    {"body_zh": " ", "body_en": "Only English.", "appeal_status": "none"}, lang)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), lang)
    assert expected in text_of(soup, "#body_zh-error")
    assert soup.select_one("textarea[name=body_en]").get_text().strip() == "Only English."
    assert session.scalars(select(Reply)).all() == []


def test_an_unknown_appeal_status_or_target_is_refused(client, session, ours):
    sign_in_as(client, ours["editor"])
    bad = post(client, f"{BASE}/test-dairy/replies/penalty/{ours['penalty'].id}/new",
               {"body_zh": "回应。", "appeal_status": "won"})
    assert bad.status_code == 400
    assert client.get(f"{BASE}/test-dairy/replies/licence/1/new").status_code == 404
    assert session.scalars(select(Reply)).all() == []
