"""Publishing from the browser: uploads, code issuance, recalls, penalties (publishing/views.py)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from formulatrust.enterprises import integrity_import
from formulatrust.enterprises.models import Licence, Penalty, Product
from formulatrust.publishing.models import AuditEntry
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.scan.models import Batch, RegisteredSerial
from formulatrust.search import query_index

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page, text_of

RESULTS = Path(__file__).parent.parent / "domain/data/results/samr_rows_sample.csv"
TRACE = {
    "enterprise": "test-dairy",
    "factories": [{"key": "main", "name_zh": "测试乳业浦东工厂", "name_en": "Test Dairy Pudong",
                   "licence_no": "SC10631010000001", "address_zh": "上海市浦东新区测试路1号",
                   "address_en": "1 Test Road, Pudong"}],
    "products": [{"gtin": "09521234500049", "brand": "test-brand", "name_zh": "测试幼儿配方乳粉",
                  "name_en": "Test young child formula", "stage": 3,
                  "registration_no": "国食注字YP20180003", "net_content_g": 800}],
    "batches": [{"gtin": "09521234500049", "lot": "20260301A1", "factory": "main",
                 "produced_on": "2026-03-01", "best_before": "2028-02-28",
                 "serials": ["A0000001", "A0000002"]}],
}
RECORDS = {"enterprises": [{"slug": "test-dairy", "licences": [
    {"number": "SC10631010000001", "event": "granted", "on": "2021-01-05",
     "valid_until": "2026-01-04"}]}]}
XSS_NAME = "<img src=x onerror=alert('x')><b>.json"


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def as_role(client, session, role, enterprise=None):
    user = make_user(session, role, enterprise)
    sign_in_as(client, user)
    return user


def upload(client, url: str, name: str, content: bytes, **fields):
    """Send ``content`` as the file ``name`` through the upload form at ``url``."""
    token = csrf_token(client, url)
    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(content), name),
                                  **fields}, content_type="multipart/form-data")


def problems(response) -> list[list[str]]:
    """Return the problem table's rows (where, field, message) of a refused upload."""
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    return [[" ".join(td.get_text().split()) for td in tr.find_all("td")]
            for tr in soup.select("table.problems tbody tr")]


def summary(soup) -> dict[str, str]:
    """Return the import summary's terms and values."""
    terms = soup.select(".notice dl dt")
    return {" ".join(dt.get_text().split()): " ".join(dt.find_next_sibling("dd").get_text()
                                                         .split()) for dt in terms}


def audit_entries(session, object_type: str) -> list[AuditEntry]:
    session.expire_all()
    return session.scalars(select(AuditEntry).where(AuditEntry.object_type == object_type)).all()


# --- the dashboard -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    ("regulator", {"/publish/results", "/publish/records", "/publish/recalls/new",
                   "/publish/penalties/new", "/publish/enterprises/river-milk/trace"},
     {"/publish/enterprises/test-dairy/codes"}),
    ("enterprise", {"/publish/enterprises/test-dairy/trace",
                    "/publish/enterprises/test-dairy/serials",
                    "/publish/enterprises/test-dairy/codes", "/publish/check-in",
                    "/account/tokens"},
     {"/publish/results", "/publish/recalls/new", "/publish/enterprises/river-milk/trace",
      "/publish/bulletins"}),
    ("association", {"/publish/bulletins", "/publish/bulletins/new"},
     {"/publish/results", "/publish/check-in"}),
    ("science", set(), {"/publish/results", "/publish/enterprises/test-dairy/trace",
                        "/publish/bulletins"}),
])
def test_the_dashboard_links_only_what_the_role_may_do(client, session, world, role, shown,
                                                       hidden):
    as_role(client, session, role, world["enterprises"][0] if role == "enterprise" else None)
    soup = check_page(client.get("/publish?lang=en").get_data(as_text=True), "en")
    links = {a["href"] for a in soup.main.find_all("a")}
    assert shown <= links and not hidden & links
    for url in shown:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("role", "paths"), [
    ("regulator", ["/publish", "/publish/results", "/publish/records", "/publish/recalls/new",
                   "/publish/penalties/new", "/publish/enterprises/river-milk/trace",
                   "/publish/enterprises/river-milk/serials"]),
    ("enterprise", ["/publish", "/publish/enterprises/test-dairy/codes"]),
])
def test_every_publishing_page_passes_the_page_checks(client, session, trace, role, paths,
                                                      lang):
    as_role(client, session, role, trace["ordinary"].product.brand.enterprise
            if role == "enterprise" else None)
    for path in paths:
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store"
        check_page(response.get_data(as_text=True), lang)


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/publish/results")
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]


# --- sampling results --------------------------------------------------------------------------


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_results_workbook_is_imported_searchable_and_audited(app, client, session, world):
    user = as_role(client, session, "regulator")
    with RESULTS.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    response = upload(client, "/publish/results?lang=en", "2026第9期.xlsx", xlsx(rows))
    assert response.status_code == 200
    soup = check_page(response.get_data(as_text=True), "en")
    assert "“2026第9期.xlsx” was imported." in soup.main.get_text()
    assert summary(soup)["New results"] == "11"
    assert count(session, SamplingResult) == 11
    hits = query_index(app.config["SEARCH_INDEX_DIR"], "阪崎", kind="result")
    assert hits, "the search index is updated after the import"
    entry = audit_entries(session, "results")[0]
    assert entry.user_id == user.id and entry.summary["created"] == 11
    assert entry.summary["file"] == "2026第9期.xlsx"


def test_a_bad_results_table_writes_nothing_and_names_row_and_column(client, session, world):
    as_role(client, session, "regulator")
    bad = RESULTS.read_bytes() + b"99,,,,,,,,,,,,,,2099-13-45,,,,\n"
    rows = problems(upload(client, "/publish/results?lang=en", "bad.csv", bad))
    assert rows and all(row[0].isdigit() for row in rows)
    assert any(row[0] == "13" and row[1] != "—" for row in rows), rows
    assert count(session, SamplingResult) == 0
    assert audit_entries(session, "results") == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("results.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not an Excel workbook"),
    ("results.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 40, "save it as .xlsx"),
    ("results.csv", b"PK\x03\x04" + b"\0" * 40, "ZIP archive"),
    ("results.txt", b"a,b\n1,2\n", "wrong file type"),
    ("results.csv", b"   \n", "the file is empty"),
    ("results.xlsx", b"PK\x03\x04 broken", "cannot open the Excel file"),
])
def test_files_that_are_not_what_they_claim_are_refused(client, session, world, name, content,
                                                        message):
    as_role(client, session, "regulator")
    rows = problems(upload(client, "/publish/results?lang=en", name, content))
    assert rows[0][0] == "whole file" and message in rows[0][2]
    assert count(session, SamplingResult) == 0


def test_an_empty_upload_form_asks_for_a_file(client, session, world):
    as_role(client, session, "regulator")
    token = csrf_token(client, "/publish/results")
    response = client.post("/publish/results?lang=en", data={"csrf_token": token})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert "Choose a file to upload." in text_of(soup, ".error-summary")


def test_uploads_over_the_size_limit_get_the_413_page(make_app, app_overrides, session, world):
    app = make_app({**app_overrides, "MAX_CONTENT_LENGTH": 4096})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    as_role(client, session, "regulator")
    response = upload(client, "/publish/results?lang=en", "big.csv", b"a," * 4096)
    assert response.status_code == 413
    assert "too large" in check_page(response.get_data(as_text=True)).main.get_text()


# --- enterprise records ------------------------------------------------------------------------


def test_enterprise_records_are_imported_and_a_bad_file_writes_nothing(client, session, world):
    as_role(client, session, "regulator")
    bad = json.loads(json.dumps(RECORDS))
    bad["enterprises"][0]["licences"][0]["number"] = "XX1"
    rows = problems(upload(client, "/publish/records?lang=en", "records.json",
                           json.dumps(bad).encode()))
    assert rows == [["enterprises[0].licences[0]", "number",
                     "a licence number is SC and 14 digits"]]
    assert count(session, Licence) == 0
    response = upload(client, "/publish/records?lang=en", "records.json",
                      json.dumps(RECORDS).encode())
    assert response.status_code == 200 and count(session, Licence) == 1
    assert audit_entries(session, "records")[0].summary["licences"] == 1


def test_a_regulators_upload_with_replies_is_refused_whole(client, session, world):
    as_role(client, session, "regulator")
    records = json.loads(json.dumps(RECORDS))
    records["enterprises"][0]["replies"] = [{
        "target": "penalty", "ref": "沪罚〔2026〕404号", "body_zh": "我们已申请复议。",
        "appeal_status": "filed", "replied_on": "2026-06-10"}]
    rows = problems(upload(client, "/publish/records?lang=en", "records.json",
                           json.dumps(records).encode()))
    assert rows == [["enterprise test-dairy · replies[0]", "replies", "replies are written "
                     "only by the enterprise's own accounts; nothing was written"]]
    assert count(session, Licence) == 0


def test_an_enterprises_own_reply_to_a_record_that_is_nowhere_is_named(session, world):
    records = json.loads(json.dumps(RECORDS))
    records["enterprises"][0]["replies"] = [{
        "target": "penalty", "ref": "沪罚〔2026〕404号", "body_zh": "我们已申请复议。",
        "appeal_status": "filed", "replied_on": "2026-06-10"}]
    records["enterprises"][0].pop("penalties", None)
    with pytest.raises(integrity_import.RecordsImportError) as refused:
        integrity_import.import_records(session, json.dumps(records),
                                        replies_of=world["enterprises"][0].id)
    assert [(p.record, p.field) for p in refused.value.problems] == [
        ("enterprise test-dairy · replies[0]", "ref")]
    assert count(session, Licence) == 0


def test_file_names_are_shown_inert(client, session, world):
    as_role(client, session, "regulator")
    response = upload(client, "/publish/records", XSS_NAME, b"{not json")
    soup = check_page(response.get_data(as_text=True))
    assert soup.main.find("img") is None and soup.main.find("b") is None
    assert XSS_NAME in soup.main.get_text()


# --- trace data and serials ----------------------------------------------------------------------


def test_an_enterprise_editor_imports_trace_data_for_their_enterprise(client, session, world):
    user = as_role(client, session, "enterprise", world["enterprises"][0])
    url = "/publish/enterprises/test-dairy/trace?lang=en"
    dry = upload(client, url, "trace.json", json.dumps(TRACE).encode(), dry_run="y")
    assert "nothing was written" in check_page(dry.get_data(as_text=True)).main.get_text()
    assert count(session, Batch) == 0
    response = upload(client, url, "trace.json", json.dumps(TRACE).encode())
    assert response.status_code == 200
    assert "1 new, 0 corrected" in check_page(response.get_data(as_text=True)).main.get_text()
    assert count(session, RegisteredSerial) == 2
    entry = audit_entries(session, "trace")[0]
    assert (entry.user_id, entry.object_id) == (user.id, "test-dairy")
    assert entry.summary["batches_created"] == 1


def test_a_bad_trace_file_writes_nothing_and_names_record_and_field(client, session, world):
    as_role(client, session, "enterprise", world["enterprises"][0])
    bad = json.loads(json.dumps(TRACE))
    bad["batches"][0]["best_before"] = "2026-02-30"
    rows = problems(upload(client, "/publish/enterprises/test-dairy/trace?lang=en", "t.json",
                           json.dumps(bad).encode()))
    assert rows == [["batches[0] (lot 20260301A1)", "best_before", "not a real date"]]
    assert count(session, Product) == 3 and count(session, Batch) == 0


@pytest.mark.parametrize("role", ["enterprise", "regulator"])
def test_a_file_of_another_enterprise_is_refused_whole(client, session, world, role):
    as_role(client, session, role, world["enterprises"][0] if role == "enterprise" else None)
    foreign = {**TRACE, "enterprise": "river-milk"}
    rows = problems(upload(client, "/publish/enterprises/test-dairy/trace?lang=en", "t.json",
                           json.dumps(foreign).encode()))
    assert rows[0][:2] == ["document", "enterprise"] and "river-milk" in rows[0][2]
    sneaky = json.loads(json.dumps(TRACE))
    sneaky["batches"].append({**TRACE["batches"][0], "gtin": "09521234500032", "serials": []})
    rows = problems(upload(client, "/publish/enterprises/test-dairy/trace?lang=en", "t.json",
                           json.dumps(sneaky).encode()))
    assert ["batches[1] (lot 20260301A1)", "gtin"] in [row[:2] for row in rows]
    assert "another enterprise" in rows[0][2]
    assert count(session, Batch) == 0 and count(session, RegisteredSerial) == 0


def test_serials_are_registered_only_for_the_enterprises_own_batches(client, session, trace):
    as_role(client, session, "enterprise", trace["ordinary"].product.brand.enterprise)
    url = "/publish/enterprises/test-dairy/serials?lang=en"
    own = "gtin,lot,serial\n09521234500018,20260301A1,S1\n09521234500018,20260301A1,S2\n"
    foreign = own + "09521234500032,20260503C3,S3\n09521234500032,20260503C3,S4\n"
    rows = problems(upload(client, url, "serials.csv", foreign.encode()))
    assert rows == [["row 4", "gtin", "this GTIN already belongs to another enterprise "
                                     "(Riverside Milk Co., Ltd.)"]]
    assert count(session, RegisteredSerial) == 1  # only the fixture's
    response = upload(client, url, "serials.csv", own.encode())
    assert "2 registered" in check_page(response.get_data(as_text=True)).main.get_text()
    assert count(session, RegisteredSerial) == 3


@pytest.mark.parametrize("page", ["trace", "serials", "codes"])
def test_enterprise_editors_cannot_use_another_enterprises_pages(client, session, world, page):
    as_role(client, session, "enterprise", world["enterprises"][0])
    url = f"/publish/enterprises/river-milk/{page}"
    assert client.get(url).status_code == 403
    token = csrf_token(client, f"/publish/enterprises/test-dairy/{page}")
    fields = {"gtin": "09521234500032", "lot": "20260503C3", "count": "1", "fmt": "svg",
              "lang": "zh"} if page == "codes" else {
        "file": (io.BytesIO(json.dumps({**TRACE, "enterprise": "river-milk"}).encode()),
                 "t.json")}
    response = client.post(url, data={"csrf_token": token, **fields},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert count(session, Batch) == 0
    assert client.get("/publish/enterprises/nobody/trace").status_code == 403


# --- code issuance -------------------------------------------------------------------------------


def issue(client, slug: str = "test-dairy", **fields):
    url = f"/publish/enterprises/{slug}/codes?lang=en"
    data = {"csrf_token": csrf_token(client, url), "gtin": "09521234500018",
            "lot": "20260301A1", "count": "30", "fmt": "pdf", "lang": "zh", **fields}
    return client.post(url, data=data)


@pytest.mark.parametrize(("fmt", "sheets"), [("pdf", ["labels.pdf"]),
                                             ("svg", ["labels-001.svg", "labels-002.svg"])])
def test_enterprise_editors_issue_codes_and_download_the_labels(client, session, trace, fmt,
                                                                sheets):
    user = as_role(client, session, "enterprise", trace["ordinary"].product.brand.enterprise)
    response = issue(client, fmt=fmt)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == ["codes.csv", *sheets]
    rows = list(csv.DictReader(io.StringIO(archive.read("codes.csv").decode("utf-8-sig"))))
    assert len(rows) == 30 and len({row["serial"] for row in rows}) == 30
    session.expire_all()
    assert session.get(Batch, trace["ordinary"].id).issued_count == 130
    entry = audit_entries(session, "code_issue")[0]
    assert entry.user_id == user.id and entry.summary["count"] == 30
    path = rows[0]["uri"].split("://", 1)[1].split("/", 1)[1]
    assert "signature checks out" in client.get(f"/{path}?lang=en").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"count": "2001"}, "Enter a whole number from 1 to 2,000."),
    ({"count": "ten"}, "Enter a whole number from 1 to 2,000."),
    ({"lot": "NOPE"}, "There is no lot “NOPE” of this product on record."),
    ({"gtin": "09521234500032", "lot": "20260503C3"}, "Choose one of your products."),
    ({"fmt": "png"}, "Choose SVG or PDF."),
])
def test_code_issuance_refuses_bad_requests_and_issues_nothing(client, session, trace, fields,
                                                               message):
    as_role(client, session, "enterprise", trace["ordinary"].product.brand.enterprise)
    response = issue(client, **fields)
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert message in text_of(soup, ".error-summary")
    session.expire_all()
    assert session.get(Batch, trace["ordinary"].id).issued_count == 100
    assert session.get(Batch, trace["failed"].id).issued_count == 0


# --- recalls and penalties ---------------------------------------------------------------------


def recall_fields(recalled, **changes) -> dict:
    return {"product": str(recalled.id), "lots": "20260301A1", "announced_on": "2026-07-01",
            "reason_zh": "检出异物。", "reason_en": "A foreign body was found.",
            "action_zh": "停止食用。", "action_en": "Stop using it.",
            "source_url": "https://example.gov.cn/recall/1", **changes}


def test_a_published_recall_shows_at_once_everywhere(make_app, app_overrides, session, trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 600})
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    can = "/01/09521234500018/10/20260301A1/21/REG0001?lang=en"
    assert "A foreign body was found." not in client.get(can).get_data(as_text=True)  # cached
    as_role(client, session, "regulator")
    product = trace["ordinary"].product
    token = csrf_token(client, "/publish/recalls/new")
    response = client.post("/publish/recalls/new", data={"csrf_token": token,
                                                         **recall_fields(product)})
    assert response.status_code == 303
    detail = check_page(client.get(response.headers["Location"] + "?lang=en")
                        .get_data(as_text=True))
    assert "Published" in text_of(detail, ".published") and "Test regulator" in text_of(
        detail, ".published")
    assert "A foreign body was found." in client.get("/recalls?lang=en").get_data(as_text=True)
    assert "A foreign body was found." in client.get(can).get_data(as_text=True)
    recall = session.scalars(select(Recall).where(Recall.reason_zh == "检出异物。")).one()
    assert recall.lots == ["20260301A1"] and recall.published_by_id is not None
    hits = query_index(app.config["SEARCH_INDEX_DIR"], "异物", kind="recall")
    assert [hit.key for hit in hits] == [str(recall.id)]
    assert audit_entries(session, "recall")[0].action == "publish"


@pytest.mark.parametrize(("changes", "message"), [
    ({"reason_zh": " "}, "Enter the reason in Chinese."),
    ({"lots": "20260301A1, 批号一"}, "“批号一” is not a lot number"),
    ({"source_url": "javascript:alert(1)"}, "Enter a web address starting with https://"),
    ({"announced_on": "2026-02-30"}, "Enter a real date as YYYY-MM-DD"),
    ({"product": "999999"}, "Choose the recalled product."),
    ({"product": ""}, "Choose the recalled product."),
])
def test_a_bad_recall_form_publishes_nothing(client, session, trace, changes, message):
    as_role(client, session, "regulator")
    token = csrf_token(client, "/publish/recalls/new")
    response = client.post("/publish/recalls/new?lang=en", data={
        "csrf_token": token, **recall_fields(trace["ordinary"].product, **changes)})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True))
    assert message in text_of(soup, ".error-summary")
    sent = recall_fields(trace["ordinary"].product, **changes)
    assert soup.find("textarea", id="lots").get_text().strip() == sent["lots"]  # kept as typed
    assert count(session, Recall) == 1  # the fixture's


def penalty_fields(**changes) -> dict:
    return {"enterprise": "river-milk", "decision_no": "沪市监罚〔2026〕12号",
            "decided_on": "2026-06-01", "facts_zh": "标签不符合规定。",
            "facts_en": "The label broke the rules.", "legal_basis": "食品安全法第一百二十五条",
            "amount_yuan": "20,000", "status": "in_force", "publish_until": "2029-05-31",
            "source_url": "", **changes}


def test_a_published_penalty_shows_on_the_enterprise_page_with_its_author(client, session,
                                                                          world):
    user = as_role(client, session, "regulator")
    token = csrf_token(client, "/publish/penalties/new")
    response = client.post("/publish/penalties/new",
                           data={"csrf_token": token, **penalty_fields()})
    assert response.status_code == 303
    page = check_page(client.get("/enterprises/river-milk?lang=en").get_data(as_text=True))
    timeline = text_of(page, ".timeline")
    assert "The label broke the rules." in timeline and "Test regulator" in timeline
    penalty = session.scalars(select(Penalty)).one()
    assert (penalty.amount_yuan, penalty.published_by_id) == (20000, user.id)
    assert audit_entries(session, "penalty")[0].summary["decision_no"] == "沪市监罚〔2026〕12号"


def test_a_penalty_cannot_stop_being_public_before_it_was_decided(client, session, world):
    as_role(client, session, "regulator")
    token = csrf_token(client, "/publish/penalties/new")
    response = client.post("/publish/penalties/new?lang=en", data={
        "csrf_token": token, **penalty_fields(publish_until="2025-01-01", amount_yuan="-1")})
    soup = check_page(response.get_data(as_text=True))
    summary = text_of(soup, ".error-summary")
    assert "cannot end before the decision" in summary and "Enter the fine" in summary
    assert soup.find("input", id="amount_yuan")["value"] == "-1"
    no_enterprise = client.post("/publish/penalties/new?lang=en", data={
        "csrf_token": token, **penalty_fields(enterprise="")})
    assert "Choose the enterprise." in no_enterprise.get_data(as_text=True)
    assert count(session, Penalty) == 0


def test_a_regulator_changes_a_recalls_lifecycle_and_every_version_stays_public(
        client, session, trace):
    recall = session.query(Recall).one()
    as_role(client, session, "regulator")
    url = f"/publish/recalls/{recall.id}/edit?lang=en"
    form = check_page(client.get(url).get_data(as_text=True))
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    base = {"csrf_token": token, "level": "1", "status": "withdrawn", "status_reason": "",
            "quantity_affected": "1,200", "quantity_recovered": "300"}
    refused = client.post(url, data=base)
    assert refused.status_code == 400
    assert "Say why the recall is withdrawn" in refused.get_data(as_text=True)
    assert client.post(url, data={**base, "status": "ongoing"}).status_code == 303
    session.expire_all()
    changed = session.get(Recall, recall.id)
    assert (changed.level, changed.quantity_affected, changed.version) == (1, 1200, 2)
    page = check_page(client.get(f"/recalls/{recall.id}?lang=en").get_data(as_text=True))
    text = " ".join(page.main.get_text().split())
    assert "Level 1 (most serious)" in text and "Version 2" in text and "1200" in text
    can = client.get("/01/09521234500025/10/20260402B2?lang=en").get_data(as_text=True)
    assert "Level 1 (most serious)" in can
    reason = "The maker's test was wrong, and the lot was retested."
    assert client.post(url, data={**base, "status_reason": reason}).status_code == 303
    can = client.get("/01/09521234500025/10/20260402B2?lang=en").get_data(as_text=True)
    assert 'class="recall-banner"' not in can and "the lot was retested" in can
