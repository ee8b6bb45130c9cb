"""Quality bulletins: readers see only what is published and due; editors write, preview,
publish, schedule, revise, attach PDFs, unpublish and delete, each step in the audit log."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import select

from formulatrust.core.clock import utcnow
from formulatrust.publishing.bulletins import demo
from formulatrust.publishing.bulletins.models import Bulletin, BulletinAttachment, BulletinRevision
from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import make_user, sign_in_as
from ..bulletins_factory import PDF, bulletin, form_fields
from ..pagecheck import check_page, text_of

ATOM = "{http://www.w3.org/2005/Atom}"
XSS_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)>'
XSS_BODY = ('Hello <script>alert("body")</script>\n\n<img src=x alt=x onerror="alert(2)">\n\n'
            '[click](javascript:alert(3)) <a href="#" onclick="alert(4)">x</a>')


@pytest.fixture
def editor(client, session):
    user = make_user(session, "association")
    sign_in_as(client, user)
    return user


def token(client, path="/publish/bulletins/new") -> str:
    soup = check_page(client.get(path).get_data(as_text=True))
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def submit(client, action="publish", path="/publish/bulletins/new", lang="en", **changes):
    data = {**form_fields(**changes), "csrf_token": token(client), "action": action}
    return client.post(f"{path}?lang={lang}", data=data)


def reader(app):
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return client


def slugs_listed(client, path="/bulletins?lang=en") -> list[str]:
    soup = check_page(client.get(path).get_data(as_text=True))
    return [a["href"].rsplit("/", 1)[1] for a in soup.select(".card h2 a")]


def feed_titles(client) -> list[str]:
    response = client.get("/bulletins/feed.atom?lang=en")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


def stored(session, slug) -> Bulletin:
    session.expire_all()
    return session.scalar(select(Bulletin).where(Bulletin.slug == slug))


def test_publishing_lists_feeds_and_finds_the_bulletin(app, client, session, editor):
    response = submit(client, slug="q3-2026")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/edit?done=published")
    public = reader(app)
    assert slugs_listed(public) == ["q3-2026"]
    assert feed_titles(public) == ["Third-quarter quality bulletin"]
    soup = check_page(public.get("/bulletins/q3-2026?lang=en").get_data(as_text=True), "en")
    assert text_of(soup, "h1") == "Third-quarter quality bulletin"
    table = soup.select_one(".bulletin-statistics table")
    headings = [th.get_text() for th in table.select("thead th")]
    assert headings == ["Month", "Production (tonnes)", "Sales (tonnes)"]  # the vocabulary's
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    assert [td.get_text() for td in table.select("tbody tr")[1].select("td")] == ["1,310.5",
                                                                               "1,265"]
    assert table.caption.get_text() == "Monthly production and sales"
    chart = soup.select_one(".bulletin-statistics svg[role=img]")
    assert chart.title.get_text() == "Monthly production and sales"
    assert soup.find("link", rel="alternate", type="application/atom+xml")
    hits = check_page(public.get("/search?q=quarter&lang=en").get_data(as_text=True))
    assert [a["href"] for a in hits.select(".hits a")] == ["/bulletins/q3-2026"]


def test_the_chinese_reader_sees_the_chinese_version(app, client, session, editor):
    submit(client, slug="q3-2026")
    soup = check_page(reader(app).get("/bulletins/q3-2026?lang=zh").get_data(as_text=True), "zh")
    assert text_of(soup, "h1") == "第三季度质量通报"
    assert soup.select_one(".bulletin-statistics table").caption.get_text() == "月度产销"
    assert not soup.select(".notice")


def test_without_english_the_chinese_is_shown_with_a_notice(app, session):
    bulletin(session, title_en="", summary_en="", body_en="", organisation_en="")
    soup = check_page(reader(app).get("/bulletins/q3-quality?lang=en").get_data(as_text=True),
                      "en")
    heading = text_of(soup, "h1")  # a <title> cannot mark Chinese, so the heading is English
    assert heading.startswith("Quality bulletin of ") and heading.endswith("(Chinese only)")
    original = soup.select_one("main [lang=zh-Hans] h2")
    assert original.get_text() == "第三季度质量通报"
    assert "not yet available in your language" in text_of(soup, ".notice")
    assert soup.select_one(".lede").find_parent(attrs={"lang": True})["lang"] == "zh-Hans"


def test_drafts_are_invisible_to_readers(app, client, session, editor):
    submit(client, action="save", slug="draft-one")
    public = reader(app)
    assert public.get("/bulletins/draft-one").status_code == 404
    assert public.get("/bulletins/draft-one/revisions").status_code == 404
    assert slugs_listed(public) == [] and feed_titles(public) == []
    own = client.get("/bulletins/draft-one?lang=en")  # the editor who wrote it may look
    assert "Draft: readers cannot see" in text_of(check_page(own.get_data(as_text=True)),
                                                   ".notice")
    assert own.headers["Cache-Control"] == "private, no-store"


def test_a_scheduled_bulletin_appears_only_once_due(app, client, session, editor):
    response = submit(client, action="schedule", slug="later", publish_at="2099-01-01 09:30")
    assert response.status_code == 303
    record = stored(session, "later")
    assert record.published_at == utcnow().replace(2099, 1, 1, 1, 30, 0, 0)  # 09:30 Shanghai
    public = reader(app)
    assert public.get("/bulletins/later").status_code == 404
    assert slugs_listed(public) == [] and feed_titles(public) == []
    search = check_page(public.get("/search?q=quarter&lang=en").get_data(as_text=True))
    assert search.select(".hits a") == []
    record.publish_at = utcnow() - timedelta(minutes=1)  # time passes; no timer is needed
    session.commit()
    assert public.get("/bulletins/later").status_code == 200
    assert slugs_listed(public) == ["later"]
    search = check_page(public.get("/search?q=quarter&lang=en").get_data(as_text=True))
    assert [a["href"] for a in search.select(".hits a")] == ["/bulletins/later"]


@pytest.mark.parametrize(("when", "message"), [
    ("", "Enter the date and time to publish it"), ("2001-01-01 10:00", "a time still to come"),
    ("tomorrow", "like 2026-12-01 09:30")])
def test_scheduling_needs_a_time_to_come(client, session, editor, when, message):
    response = submit(client, action="schedule", publish_at=when)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert message in text_of(soup, ".error-summary")
    assert session.scalar(select(Bulletin.id)) is None


def test_preview_shows_the_sanitised_text_and_table_without_saving(client, session, editor):
    response = submit(client, action="preview", body_zh=XSS_BODY)
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True))
    preview = soup.select_one(".bulletin-preview")
    assert [h.get_text() for h in preview.select("h3")] == ["第三季度质量通报",
                                                            "Third-quarter quality bulletin"]
    assert len(preview.select("svg[role=img]")) == 2 and len(preview.select("table")) == 2
    assert "Hello" in preview.get_text()
    assert not soup.select("script") and not soup.select("[onerror], [onclick]")
    assert not [a for a in soup.select("a[href]") if a["href"].startswith("javascript")]
    assert soup.find("textarea", id="body_zh").get_text().strip() == XSS_BODY  # input kept
    assert session.scalar(select(Bulletin.id)) is None


@pytest.mark.parametrize(("data", "message"), [
    ("月份,产量\n2026-07,1250\n2026-08,abc", "Table 1, row 3, column 2 (产量): “abc” is not a "
                                             "number."),
    ("月份,产量,销量\n2026-07,1250", "Table 1, row 2: it has 2 cells, but the header row has 3."),
    ("月份\n2026-07", "Table 1, row 1: after the period heading, add at least one series"),
    ("月份,产量\n2026-07,-5", "Table 1, row 2, column 2 (产量): enter zero or more, not “-5”."),
    ("月份,产量\n2026-07,1\n2026-07,2", "Table 1, row 3, column 1: the period “2026-07” is "
                                      "listed twice.")])
def test_bad_tables_are_refused_naming_row_and_column(client, session, editor, data, message):
    response = submit(client, **{"tables-0-figures": data})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error:")
    assert message in text_of(soup, ".error-summary")
    assert soup.select_one(".error-summary a")["href"] == "#tables-0-figures"
    assert soup.find("textarea", id="tables-0-figures").get_text().strip() == data
    assert session.scalar(select(Bulletin.id)) is None


def test_images_need_a_description(client, session, editor):
    response = submit(client, body_en="![](/static/favicon.svg)")
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert "An image has no description." in text_of(soup, ".error-summary")
    assert soup.select_one(".error-summary a")["href"] == "#body_en"
    assert submit(client, body_en="![Logo](/static/favicon.svg)").status_code == 303


def test_control_characters_are_dropped_before_saving(client, session, editor):
    response = submit(client, slug="nul", title_zh="通报\x00标题", body_zh="正文\x00\r\n第二行",
                      **{"tables-0-figures": "月份,产量\x00\n7月,1"})
    assert response.status_code == 303
    record = stored(session, "nul")
    assert (record.title_zh, record.body_zh) == ("通报标题", "正文\n第二行")
    assert record.statistics[0]["series"] == ["产量"]


def test_english_is_all_or_nothing_and_chinese_is_required(client, session, editor):
    response = submit(client, title_zh="", summary_en="")
    soup = check_page(response.get_data(as_text=True))
    assert response.status_code == 400
    summary = text_of(soup, ".error-summary")
    assert "Enter the title in Chinese." in summary
    assert "Fill in the English title, summary and text, or leave all three empty." in summary


def test_every_save_keeps_the_previous_version(app, client, session, editor):
    submit(client, action="save", slug="rev", body_zh="第一稿")
    record = stored(session, "rev")
    edit = f"/publish/bulletins/{record.id}/edit"
    submit(client, action="publish", path=edit, body_zh="第二稿（已发布）")
    submit(client, action="save", path=edit, body_zh="第三稿（更正）")
    session.expire_all()
    versions = session.scalars(select(BulletinRevision).order_by(BulletinRevision.number)).all()
    assert [(v.number, v.body_zh, v.public) for v in versions] == [
        (1, "第一稿", False), (2, "第二稿（已发布）", True)]
    assert versions[1].edited_by.display_name == "Test association"
    public = reader(app)
    soup = check_page(public.get("/bulletins/rev/revisions?lang=en").get_data(as_text=True))
    assert [a["href"] for a in soup.select("tbody a")] == ["/bulletins/rev/revisions/2"]
    assert "Test association" in text_of(soup, "tbody")
    old = check_page(public.get("/bulletins/rev/revisions/2?lang=zh").get_data(as_text=True))
    assert "第二稿（已发布）" in text_of(old, ".prose")
    assert public.get("/bulletins/rev/revisions/1").status_code == 404  # never shown: private
    assert client.get("/bulletins/rev/revisions/1").status_code == 200  # its editor sees it
    assert "第三稿（更正）" in text_of(check_page(public.get("/bulletins/rev").get_data(
        as_text=True)), ".prose")


def test_saving_unchanged_text_adds_no_version(client, session, editor):
    submit(client, action="save", slug="same")
    record = stored(session, "same")
    submit(client, action="save", path=f"/publish/bulletins/{record.id}/edit")
    assert session.scalar(select(BulletinRevision.id)) is None


def attach(client, bulletin_id, name, data, mimetype="application/pdf"):
    path = f"/publish/bulletins/{bulletin_id}/edit"
    return client.post(f"/publish/bulletins/{bulletin_id}/files?lang=en",
                       data={"csrf_token": token(client, path),
                             "file": (io.BytesIO(data), name, mimetype)},
                       content_type="multipart/form-data")


def test_a_pdf_is_attached_and_downloaded_under_a_clean_name(app, client, session, editor):
    record = bulletin(session, editor)
    response = attach(client, record.id, "../季度  报告\x07.PDF", PDF)
    assert response.status_code == 303
    found = session.scalar(select(BulletinAttachment))
    assert found.filename == "季度 报告.pdf" and found.size == len(PDF)
    download = reader(app).get(f"/bulletins/q3-quality/files/{found.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=\"q3-quality-{found.id}.pdf\"; "
        "filename*=UTF-8''%E5%AD%A3%E5%BA%A6%20%E6%8A%A5%E5%91%8A.pdf")
    soup = check_page(reader(app).get("/bulletins/q3-quality?lang=en").get_data(as_text=True))
    assert text_of(soup, "#files-heading + ul") == "季度 报告.pdf (PDF, 1 KB)"


@pytest.mark.parametrize(("name", "data", "mimetype", "message"), [
    ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf",
     "“report.pdf” is not really a PDF: its content is not a PDF document."),
    ("setup.exe", PDF, "application/x-msdownload", "“setup.exe” is not a PDF file."),
    ("big.pdf", PDF + b"0" * 2048, "application/pdf",
     "“big.pdf” is larger than 2 KB. Attach a PDF of at most 2 KB."),
    ("", b"", "application/octet-stream", "Choose a PDF file to attach.")])
def test_files_that_are_not_small_pdfs_are_refused(make_app, app_overrides, session, name, data,
                                                   mimetype, message):
    app = make_app({**app_overrides, "BULLETIN_ATTACHMENT_MAX_BYTES": 2048})
    client = reader(app)
    user = make_user(session, "association")
    sign_in_as(client, user)
    record = bulletin(session, user)
    response = attach(client, record.id, name, data, mimetype)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert message in text_of(soup, ".error-summary")
    assert soup.select_one(".error-summary a")["href"] == "#file"
    assert session.scalar(select(BulletinAttachment.id)) is None


def test_script_in_title_text_and_file_name_stays_inert(app, client, session, editor):
    submit(client, slug="xss", title_en=XSS_TITLE, body_en=XSS_BODY)
    record = stored(session, "xss")
    attach(client, record.id, '<img src=x onerror=alert(5)>.pdf', PDF)
    for path in ("/bulletins?lang=en", "/bulletins/xss?lang=en", "/search?q=hello&lang=en",
                 f"/publish/bulletins/{record.id}/edit?lang=en", "/publish/bulletins?lang=en"):
        html = client.get(path).get_data(as_text=True)
        soup = check_page(html)
        assert not soup.select("script") and not soup.select("[onerror], [onclick]"), path
        assert not [a for a in soup.select("a[href]") if a["href"].startswith("javascript")]
    soup = check_page(client.get("/bulletins/xss?lang=en").get_data(as_text=True))
    assert text_of(soup, "h1") == XSS_TITLE  # shown as text
    assert text_of(soup, "#files-heading + ul").startswith("<img src=x onerror=alert(5)>.pdf")
    root = ET.fromstring(client.get("/bulletins/feed.atom?lang=en").get_data())
    assert root.find(f"{ATOM}entry/{ATOM}title").text == XSS_TITLE


def test_unpublish_and_delete_take_it_away_and_leave_an_audit_trail(app, client, session,
                                                                   editor):
    submit(client, slug="gone")
    record = stored(session, "gone")
    submit(client, action="save", path=f"/publish/bulletins/{record.id}/edit",
           title_en="Corrected title")
    response = client.post(f"/publish/bulletins/{record.id}/unpublish",
                           data={"csrf_token": token(client)})
    assert response.status_code == 303
    public = reader(app)
    assert public.get("/bulletins/gone").status_code == 404
    assert check_page(public.get("/search?q=corrected&lang=en").get_data(
        as_text=True)).select(".hits a") == []
    confirm = check_page(client.get(f"/publish/bulletins/{record.id}/delete?lang=en").get_data(
        as_text=True))
    assert text_of(confirm, "h1").startswith("Delete")
    response = client.post(f"/publish/bulletins/{record.id}/delete",
                           data={"csrf_token": token(client)})
    assert response.status_code == 303
    assert stored(session, "gone") is None
    assert session.scalar(select(BulletinRevision.id)) is None
    entries = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "bulletin")
                              .order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "publish", "change", "unpublish", "delete"]
    assert all(e.user_id == editor.id for e in entries)
    assert entries[2].summary["title_en"] == ["Third-quarter quality bulletin", "Corrected title"]
    assert entries[2].summary["changed"] == ["title_en"]
    assert entries[4].summary["slug"] == "gone"


@pytest.mark.parametrize("role", ["regulator", "enterprise", "science", None])
def test_only_association_editors_and_administrators_write(client, session, world, role):
    user = make_user(session, role, world["enterprises"][0]) if role else None
    sign_in_as(client, user)
    response = client.get("/publish/bulletins/new")
    if role is None:
        assert response.status_code == 303 and "/sign-in" in response.headers["Location"]
    else:
        assert response.status_code == 403


def test_editors_change_only_their_organisations_bulletins(client, session, editor):
    other = make_user(session, "association", email="other@example.com",
                      organisation="another-federation")
    theirs = bulletin(session, other, slug="theirs")
    for path in (f"/publish/bulletins/{theirs.id}/edit", f"/publish/bulletins/{theirs.id}/delete"):
        assert client.get(path).status_code == 403
    assert client.post(f"/publish/bulletins/{theirs.id}/unpublish",
                       data={"csrf_token": token(client)}).status_code == 403
    assert stored(session, "theirs").status == "published"
    listed = check_page(client.get("/publish/bulletins").get_data(as_text=True))
    assert listed.select("tbody a") == []
    admin = make_user(session, "admin")
    sign_in_as(client, admin)
    assert client.get(f"/publish/bulletins/{theirs.id}/edit").status_code == 200
    listed = check_page(client.get("/publish/bulletins").get_data(as_text=True))
    assert [a.get_text() for a in listed.select("tbody a")] == ["第三季度质量通报"]


def test_colleagues_of_one_organisation_share_its_bulletins(client, session, editor):
    colleague = make_user(session, "association", email="colleague@example.com")
    theirs = bulletin(session, colleague, slug="colleagues")
    assert client.get(f"/publish/bulletins/{theirs.id}/edit").status_code == 200
    listed = check_page(client.get("/publish/bulletins").get_data(as_text=True))
    assert [a.get_text() for a in listed.select("tbody a")] == ["第三季度质量通报"]


def test_a_bulletin_speaks_for_the_accounts_organisation_never_a_typed_name(
        client, session, editor):
    form = check_page(client.get("/publish/bulletins/new?lang=en").get_data(as_text=True))
    assert form.find(attrs={"name": "organisation_zh"}) is None  # nothing to type it in
    assert "Published under the name of" in form.main.get_text()
    response = submit(client, slug="speaks", organisation_zh="上海市市场监督管理局",
                      organisation_en="Shanghai Administration for Market Regulation")
    assert response.status_code == 303
    record = stored(session, "speaks")
    assert record.organisation_id == editor.organisation_id
    assert record.organisation_zh == editor.organisation.name_zh
    assert "上海市市场监督管理局" not in client.get("/bulletins/speaks").get_data(as_text=True)


def test_a_taken_slug_is_refused(client, session, editor):
    bulletin(session, slug="taken")
    response = submit(client, slug="taken")
    assert response.status_code == 400
    assert "already uses this web address name" in text_of(
        check_page(response.get_data(as_text=True)), ".error-summary")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_bulletin_page_passes_the_page_checks(app, client, session, editor, lang):
    submit(client, slug="pages")
    record = stored(session, "pages")
    submit(client, action="save", path=f"/publish/bulletins/{record.id}/edit", body_zh="改")
    for path in ("/bulletins", "/bulletins/pages", "/bulletins/pages/revisions",
                 "/bulletins/pages/revisions/1", "/publish/bulletins", "/publish/bulletins/new",
                 f"/publish/bulletins/{record.id}/edit", f"/publish/bulletins/{record.id}/delete"):
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        check_page(response.get_data(as_text=True), lang)


@pytest.mark.parametrize("path", ["/bulletins?page=0", "/bulletins?page=x",
                                  "/bulletins/nope", "/bulletins/nope/revisions/1",
                                  "/bulletins/q3-quality/revisions/7",
                                  "/bulletins/q3-quality/files/1",
                                  "/bulletins/q3-quality/files/99999999999999999999",
                                  "/bulletins/q3-quality/revisions/99999999999999999999"])
def test_bad_addresses_get_the_error_pages(app, session, path):
    bulletin(session)
    response = reader(app).get(path)
    assert response.status_code in (400, 404)
    check_page(response.get_data(as_text=True))


def test_the_list_is_newest_first_and_paginated(app, session):
    now = utcnow()
    for number in range(22):
        bulletin(session, slug=f"b{number:02d}", publish=now - timedelta(days=number))
    public = reader(app)
    first = slugs_listed(public)
    assert len(first) == 20 and first[:2] == ["b00", "b01"]
    assert slugs_listed(public, "/bulletins?page=2&lang=en") == ["b20", "b21"]


def test_the_demo_bulletins_are_fictional_visible_and_drawn(app, session):
    assert demo.build(session) == 3
    session.commit()
    public = reader(app)
    assert slugs_listed(public) == ["2026-autumn-storage", "2026-10-production-sales",
                                    "2026-q3-quality"]
    assert all(b.is_demo and "（示例）" in b.title_zh for b in session.scalars(select(Bulletin)))
    soup = check_page(public.get("/bulletins/2026-q3-quality?lang=en").get_data(as_text=True))
    assert len(soup.select(".bulletin-statistics svg[role=img]")) == 1 + 2  # a line, 2 columns
    assert "invented for demonstration" in text_of(soup, ".prose")
    assert "1 earlier version" in text_of(soup, "main")
    soup = check_page(public.get("/bulletins/2026-autumn-storage?lang=en").get_data(
        as_text=True))
    assert "not yet available in your language" in text_of(soup, ".notice")
