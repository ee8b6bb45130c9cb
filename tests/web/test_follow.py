"""Following a batch: feeds, double opt-in e-mail, alerts from the change feed through a real
SMTP server in the test process, one-click unsubscribe, and bad links (follow/)."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from formulatrust.follow.models import Follower

from ..accounts_factory import ActingRunner, acting_as, csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from ..smtp_server import body, work_once

GTIN, LOT = "09521234500018", "20260301A1"
ATOM = "{http://www.w3.org/2005/Atom}"


def ask_to_follow(client, address: str, language: str = "en", lot: str = LOT):
    token = csrf_token(client, f"/follow?gtin={GTIN}&lot={lot}")
    return client.post("/follow", data={"csrf_token": token, "gtin": GTIN, "lot": lot,
                                        "email": address, "language": language})


def follow_and_confirm(client, app, inbox, address: str, language: str) -> None:
    assert ask_to_follow(client, address, language).status_code == 200
    work_once(app)
    [confirmation] = inbox.take()
    assert confirmation["To"] == address
    link = re.search(r"https://localhost(/follow/confirm/\S+)", body(confirmation)).group(1)
    token = csrf_token(client, link)
    assert client.post(link, data={"csrf_token": token}).status_code == 200


def publish_recall(client, session, product_id: int, reason_en: str) -> None:
    regulator = make_user(session, "regulator", email=f"regulator-{reason_en[:6]}@example.com")
    sign_in_as(client, regulator)
    token = csrf_token(client, "/publish/recalls/new")
    response = client.post("/publish/recalls/new", data={
        "csrf_token": token, "product": str(product_id), "lots": LOT,
        "announced_on": "2026-07-01", "reason_zh": "检出异物。", "reason_en": reason_en,
        "action_zh": "停止食用。", "action_en": "Stop using it.",
        "source_url": "https://example.gov.cn/recall/1"})
    assert response.status_code == 303
    sign_in_as(client, None)


def test_can_pages_link_to_the_feeds_and_the_follow_page_without_cookies(client, trace):
    response = client.get(f"/01/{GTIN}/10/{LOT}?lang=en")
    assert "Set-Cookie" not in response.headers or "session" not in response.headers[
        "Set-Cookie"]
    soup = check_page(response.get_data(as_text=True), "en")
    atom = 'link[rel=alternate][type="application/atom+xml"]'
    feeds = {link["href"] for link in soup.select(atom)}
    assert feeds == {f"/feeds/batches/{GTIN}/{LOT}.atom?lang=en",  # the reader's language
                     f"/feeds/products/{GTIN}.atom?lang=en"}
    follow = soup.find("a", string="Follow this batch")["href"]
    page = client.get(follow + "&lang=en")
    assert page.status_code == 200 and "csrf_token" in page.get_data(as_text=True)
    check_page(page.get_data(as_text=True), "en")


def test_one_alert_per_recall_in_the_chosen_language_and_one_click_unsubscribe(
        web, mail_app, inbox, session, trace):
    handler, _port = inbox
    product = trace["ordinary"].product
    work_once(mail_app)  # the fan-out starts after what is already in the feed
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    feed = ElementTree.fromstring(web.get(f"/feeds/batches/{GTIN}/{LOT}.atom").data)
    assert feed.findall(f"{ATOM}entry") == []

    publish_recall(web, session, product.id, "A foreign body was found.")
    work_once(mail_app)
    [alert] = handler.take()
    text = body(alert)
    assert alert["Subject"].startswith("Recalled: Test infant formula (stage 1)")
    assert "A foreign body was found." in text and "Stop using it." in text
    assert f"https://localhost/01/{GTIN}/10/{LOT}" in text
    assert "https://example.gov.cn/recall/1" in text
    assert alert.get_body(("html",)) is not None
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    entries = ElementTree.fromstring(
        web.get(f"/feeds/batches/{GTIN}/{LOT}.atom").data).findall(f"{ATOM}entry")
    assert len(entries) == 1 and entries[0].findtext(f"{ATOM}updated")
    assert work_once(mail_app).startswith("0 alerts written, 0 messages sent")

    unsubscribe = str(alert["List-Unsubscribe"]).strip().strip("<>").removeprefix("https://localhost")
    fresh = mail_app.test_client()  # the mail program: no session, no CSRF token
    assert fresh.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert session.scalar(select(func.count()).select_from(Follower)) == 0
    publish_recall(web, session, product.id, "A second finding.")
    work_once(mail_app)
    assert handler.take() == []


def test_alerts_are_written_in_chinese_for_a_chinese_reader(web, mail_app, inbox, session,
                                                             trace):
    handler, _port = inbox
    work_once(mail_app)
    follow_and_confirm(web, mail_app, handler, "reader@example.com", "zh")
    publish_recall(web, session, trace["ordinary"].product.id, "Found.")
    work_once(mail_app)
    [alert] = handler.take()
    assert "测试婴儿配方乳粉（1段）" in alert["Subject"] and "批号" in alert["Subject"]
    assert "检出异物。" in body(alert) and "停止食用。" in body(alert)
    assert "Found." not in body(alert)


def test_nothing_is_sent_before_confirmation(web, mail_app, inbox, session, trace):
    handler, _port = inbox
    work_once(mail_app)
    assert ask_to_follow(web, "waiting@example.com").status_code == 200
    work_once(mail_app)
    assert len(handler.take()) == 1  # the confirmation request only
    publish_recall(web, session, trace["ordinary"].product.id, "Found.")
    work_once(mail_app)
    assert handler.take() == []


def test_a_retry_after_a_refused_message_keeps_its_message_id_and_sends_once(
        web, mail_app, inbox, session, trace):
    handler, _port = inbox
    work_once(mail_app)
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    publish_recall(web, session, trace["ordinary"].product.id, "Found.")
    handler.refuse = 1
    assert "1 failed" in work_once(mail_app)
    from formulatrust.core.outbox import MailDelivery
    delivery = session.scalars(select(MailDelivery).where(MailDelivery.change_id.is_not(None))
                               ).one()
    delivery.due_at = delivery.created_at  # the back-off has passed
    session.commit()
    work_once(mail_app)
    work_once(mail_app)
    [alert] = handler.take()
    key = f"alert-{delivery.change_id}-{delivery.subscription_id}"
    assert alert["Message-ID"] == f"<{key}@localhost>"


@pytest.mark.parametrize("address", ["not-an-address", "a@", ""])
def test_an_invalid_address_is_refused_and_nothing_is_stored(web, session, trace, address):
    response = ask_to_follow(web, address)
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Follower)) == 0


def test_altered_or_expired_confirmation_links_change_nothing(web, mail_app, inbox, session,
                                                              trace, monkeypatch):
    handler, _port = inbox
    ask_to_follow(web, "parent@example.com")
    work_once(mail_app)
    link = re.search(r"https://localhost(/follow/confirm/\S+)", body(handler.take()[0])).group(1)
    token = csrf_token(web, link)
    # Change the signature's first character: its last ones may carry only padding bits, so a
    # change there can leave the very same signature.
    signed, signature = link.rsplit(".", 1)
    first = "A" if signature[0] != "A" else "B"
    altered = web.post(f"{signed}.{first}{signature[1:]}", data={"csrf_token": token})
    assert altered.status_code == 400
    page = altered.get_data(as_text=True)
    assert "This confirmation link has expired" in page and 'class="other-language"' in page
    from formulatrust.follow import subscriptions
    monkeypatch.setattr(subscriptions, "CONFIRM_SECONDS", -1)
    assert web.post(link, data={"csrf_token": token}).status_code == 400
    item = session.scalars(select(Follower)).one().items[0]
    assert item.confirmed_at is None


def test_an_unknown_unsubscribe_token_gets_a_bilingual_404(client, trace):
    response = client.post("/follow/stop/unknown-token")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Nothing was changed." in page and 'class="other-language"' in page


def test_feeds_of_unknown_products_are_404_and_product_feed_lists_the_recall(client, trace):
    assert client.get("/feeds/products/09521234500001.atom").status_code == 404
    recalled = trace["recalled"]
    feed = ElementTree.fromstring(
        client.get(f"/feeds/products/{recalled.product.gtin}.atom").data)
    assert feed.findtext(f"{ATOM}id") and feed.find(f"{ATOM}author") is not None
    assert len(feed.findall(f"{ATOM}entry")) == 1


HEADER = ("序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,被抽样单位所在省份,"
          "食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,公告号,公告日期,"
          "任务来源/项目名称,检验机构,备注,来源URL,来源形式")


def failed_result_file(folder, sample: str, item: str):
    row = (f"{sample},测试乳业有限公司,,某母婴店,上海市某路1号,上海,"
           f"测试婴儿配方乳粉（1段）,800g/罐,测试牌,{LOT},{item}║检出║不得检出,,2026年第12号,2026-07-02,上海市婴幼儿配方乳粉抽检,"
           f"测试检验所,,https://example.gov.cn/results/{sample},通告")
    path = folder / f"results-{sample}.csv"
    path.write_text(HEADER + "\n" + row + "\n", encoding="utf-8")
    return path


def test_a_non_compliant_result_imported_for_the_lot_alerts_once_until_unsubscribed(
        web, mail_app, inbox, session, trace, tmp_path):
    handler, _port = inbox
    work_once(mail_app)
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    importer = ActingRunner(mail_app.test_cli_runner(), acting_as(session))
    imported = importer.invoke(args=["results", "import",
                                     str(failed_result_file(tmp_path, "1", "阪崎肠杆菌"))])
    assert imported.exit_code == 0, imported.output
    work_once(mail_app)
    [alert] = handler.take()
    text = body(alert)
    assert alert["Subject"].startswith("Failed sampling: Test infant formula (stage 1)")
    assert "阪崎肠杆菌" in text and f"https://localhost/01/{GTIN}/10/{LOT}" in text
    assert "https://example.gov.cn/results/1" in text
    entries = ElementTree.fromstring(
        web.get(f"/feeds/batches/{GTIN}/{LOT}.atom").data).findall(f"{ATOM}entry")
    assert len(entries) == 1

    unsubscribe = str(alert["List-Unsubscribe"]).strip().strip("<>")
    response = mail_app.test_client().post(unsubscribe.removeprefix("https://localhost"),
                                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    importer.invoke(args=["results", "import", str(failed_result_file(tmp_path, "2", "铅"))])
    work_once(mail_app)
    assert handler.take() == []


def test_a_compliant_result_and_another_lot_send_nothing(web, mail_app, inbox, session, trace,
                                                         tmp_path):
    handler, _port = inbox
    work_once(mail_app)
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    sign_in_as(web, make_user(session, "regulator"))
    token = csrf_token(web, "/publish/recalls/new")
    response = web.post("/publish/recalls/new", data={
        "csrf_token": token, "product": str(trace["ordinary"].product.id),
        "lots": "OTHERLOT1", "lots_confirmed": "y", "announced_on": "2026-07-01",
        "reason_zh": "检出异物。", "reason_en": "Found.",
        "action_zh": "停止食用。", "action_en": "Stop using it.", "source_url": ""})
    assert response.status_code == 303
    assert work_once(mail_app).startswith("0 alerts written")
    assert handler.take() == []


def test_sign_ups_are_limited_per_address_and_the_limit_answers_429(make_app, app_overrides,
                                                                    trace):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True,
                    "FOLLOW_ADDRESS_RATE_LIMIT": "2/day", "FOLLOW_RATE_LIMIT": "100/hour"})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    assert ask_to_follow(client, "target@example.com").status_code == 200
    assert ask_to_follow(client, "Target@example.com", lot="20260301A2").status_code == 200
    refused = ask_to_follow(client, "target@example.com", lot="20260301A3")
    assert refused.status_code == 429 and 'class="other-language"' in refused.get_data(
        as_text=True)
    assert ask_to_follow(client, "someone.else@example.com").status_code == 200


def test_an_address_follows_at_most_the_allowed_number_of_items(make_app, app_overrides,
                                                                session, trace):
    app = make_app({**app_overrides, "FOLLOW_MAX_ITEMS": 2})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    for lot in ("20260301A1", "20260301A2"):
        assert ask_to_follow(client, "many@example.com", lot=lot).status_code == 200
    assert ask_to_follow(client, "many@example.com", lot="20260301A3").status_code == 409
    assert len(session.scalars(select(Follower)).one().items) == 2


def test_the_manage_page_lists_everything_followed_and_stops_one(web, mail_app, inbox, session,
                                                                 trace):
    handler, _port = inbox
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    ask_to_follow(web, "parent@example.com", lot="")
    follower = session.scalars(select(Follower)).one()
    page = check_page(web.get(f"/follow/manage/{follower.token}?lang=en").get_data(
        as_text=True), "en")
    rows = page.select("main li")
    assert len(rows) == 2 and "not confirmed yet" in rows[1].get_text()
    stop = rows[0].form["action"]
    assert mail_app.test_client().post(stop).status_code == 200
    session.expire_all()
    assert [item.lot for item in session.scalars(select(Follower)).one().items] == [""]
    assert web.get("/follow/manage/not-a-token").status_code == 404


def test_purge_deletes_unconfirmed_follows_after_48_hours_and_keeps_confirmed_ones(
        web, mail_app, inbox, session, trace):
    from datetime import timedelta

    from formulatrust.follow.models import FollowedItem
    handler, _port = inbox
    follow_and_confirm(web, mail_app, handler, "kept@example.com", "en")
    ask_to_follow(web, "gone@example.com")
    for item in session.scalars(select(FollowedItem)):
        item.created_at -= timedelta(hours=49)
    session.commit()
    result = mail_app.test_cli_runner().invoke(args=["follow", "purge"])
    assert result.exit_code == 0 and "1 unconfirmed follows and 1 addresses" in result.output
    session.expire_all()
    assert [f.email for f in session.scalars(select(Follower))] == ["kept@example.com"]


def test_without_a_mail_server_messages_are_written_as_files(client, app, trace, caplog):
    caplog.set_level("INFO")
    assert ask_to_follow(client, "file@example.com").status_code == 200
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert "1 messages sent" in result.output
    [path] = (Path(app.instance_path) / "outbox-mail").glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "file@example.com" and "/follow/confirm/" in body(message)
    assert "file@example.com" not in caplog.text


def test_a_change_of_a_recalls_status_is_one_more_alert(web, mail_app, inbox, session, trace):
    from formulatrust.results.models import Recall
    handler, _port = inbox
    work_once(mail_app)
    follow_and_confirm(web, mail_app, handler, "parent@example.com", "en")
    publish_recall(web, session, trace["ordinary"].product.id, "A foreign body was found.")
    work_once(mail_app)
    assert len(handler.take()) == 1
    recall = session.scalars(select(Recall).where(Recall.reason_zh == "检出异物。")).one()
    runner = ActingRunner(mail_app.test_cli_runner(), acting_as(session))
    changed = runner.invoke(args=["recalls", "status", str(recall.id), "withdrawn",
                                  "--reason", "The finding was a laboratory mistake."])
    assert changed.exit_code == 0, changed.output
    work_once(mail_app)
    [alert] = handler.take()
    assert alert["Subject"].startswith("Recall changed: Test infant formula (stage 1)")
    assert "Withdrawn" in body(alert) and "laboratory mistake" in body(alert)

