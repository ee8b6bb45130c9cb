"""The complete data files: built from the database by ``data build``, checked against their
manifest, safe in a spreadsheet, served with ETag, ranges and 304, and refreshed from the
change feed."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from formulatrust.enterprises.models import Certification, Inspection, Licence, Penalty
from formulatrust.open_data import dumps, heavy
from formulatrust.open_data.fields import DATASETS
from formulatrust.results.models import Recall, SamplingResult

from .. import bulletins_factory
from ..pagecheck import check_page
from ..waiting import eventually
from . import open_data_world

open_world = open_data_world.open_world  # the fixture
FORMULA = '=HYPERLINK("https://evil.example/","点击查看")'
TABLES = {"results": SamplingResult, "licences": Licence, "penalties": Penalty,
          "inspections": Inspection, "certifications": Certification, "recalls": Recall}


@pytest.fixture
def records_world(session, open_world):
    """The open-data world plus one record of each kind an enterprise has, a result whose
    product name is a spreadsheet formula, and a published bulletin with a statistics table."""
    first = open_world["enterprises"][0]
    session.add_all([
        Licence(enterprise_id=first.id, number="SC10631010000001", event="renewed",
                on=date(2025, 5, 1), valid_until=date(2030, 4, 30), scope_zh="婴幼儿配方乳粉"),
        Penalty(enterprise_id=first.id, decision_no="沪市监案〔2025〕1号",
                decided_on=date(2025, 8, 1), facts_zh="标签不符合规定。",
                legal_basis="第一百二十五条",
                amount_yuan=50000, publish_until=date(2028, 8, 1)),
        Inspection(enterprise_id=first.id, inspected_on=date(2025, 9, 12), scope_zh="生产过程",
                   passed=False, rectify_by=date(2025, 10, 12)),
        Certification(enterprise_id=first.id, scheme="HACCP", number="001HACCP2025",
                      valid_from=date(2025, 1, 1), valid_until=date(2028, 12, 31)),
        SamplingResult(sample_no="OD-FORMULA", enterprise_name="测试乳业有限公司",
                       product_name=FORMULA, compliant=True, announced_on=date(2025, 5, 1)),
    ])
    session.commit()
    bulletins_factory.bulletin(session)
    return open_world


@pytest.fixture
def built(app, runner, records_world):
    """Every file built by the operator's command; returns the manifest it wrote."""
    outcome = runner.invoke(args=["data", "build"])
    assert outcome.exit_code == 0, outcome.output
    return dumps.read_manifest(dumps.folder(app))


def got(client, path: str, **options):
    """GET ``path``, read the answer and close it (a served file is an open file until then)."""
    response = client.get(path, **options)
    response.get_data()
    response.close()
    return response


def unpacked(app, entry: dict) -> bytes:
    return gzip.decompress(dumps.stored_path(dumps.folder(app), entry).read_bytes())


def csv_records(data: bytes) -> tuple[list[str], list[dict]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a BOM so spreadsheets read Chinese"
    reader = csv.DictReader(io.StringIO(text[1:]))
    return list(reader.fieldnames or []), list(reader)


def test_every_file_matches_its_manifest_and_the_database(app, session, built):
    files = {entry["name"]: entry for entry in built["files"]}
    assert set(files) == {f"{slug}.{ext}" for slug in DATASETS for ext in ("csv.gz", "jsonl.gz")}
    for entry in files.values():
        stored = dumps.stored_path(dumps.folder(app), entry).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == entry["sha256"]
        assert len(stored) == entry["size"]
        data = gzip.decompress(stored)
        if entry["format"] == "csv":
            header, rows = csv_records(data)
            assert header == DATASETS[entry["dataset"]].columns
        else:
            rows = [json.loads(line) for line in data.decode("utf-8").splitlines()]
        assert len(rows) == entry["rows"], entry["name"]
    for slug, model in TABLES.items():
        in_database = session.scalar(select(func.count()).select_from(model))
        assert files[f"{slug}.csv.gz"]["rows"] == files[f"{slug}.jsonl.gz"]["rows"] == in_database
    assert files["statistics.csv.gz"]["rows"] == 6  # three months of two series
    assert {entry["change_id"] for entry in files.values()} != {None}


def test_the_csv_file_opens_as_text_in_a_spreadsheet(app, built):
    entries = dumps.entries(built)
    _, rows = csv_records(unpacked(app, entries["results.csv.gz"]))
    formula_row = next(row for row in rows if row["sample_no"] == "OD-FORMULA")
    assert formula_row["product_name"] == "'" + FORMULA
    lines = unpacked(app, entries["results.jsonl.gz"]).decode("utf-8").splitlines()
    record = next(json.loads(line) for line in lines if "OD-FORMULA" in line)
    assert record["product_name"] == FORMULA  # JSON is data, not a spreadsheet


def test_a_file_is_served_with_its_checksum_ranges_and_304(client, built):
    entry = dumps.entries(built)["recalls.jsonl.gz"]
    whole = got(client, "/data/recalls.jsonl.gz")
    assert whole.status_code == 200
    assert hashlib.sha256(whole.data).hexdigest() == entry["sha256"]
    assert whole.headers["ETag"] == f'"{entry["sha256"]}"'
    assert whole.headers["Last-Modified"]
    assert whole.headers["Content-Disposition"] == "attachment; filename=recalls.jsonl.gz"
    assert "max-age=300" in whole.headers["Cache-Control"]
    assert whole.headers["Accept-Ranges"] == "bytes"
    again = got(client, "/data/recalls.jsonl.gz", headers={"If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    part = got(client, "/data/recalls.jsonl.gz", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == whole.data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{entry['size']}"
    beyond = got(client, "/data/recalls.jsonl.gz",
                        headers={"Range": f"bytes={entry['size'] + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{entry['size']}"
    assert got(client, "/data/nothing.csv.gz").status_code == 404


def test_a_result_published_after_the_build_is_in_the_file_after_the_refresh(
        app, client, session, built):
    before = dumps.entries(built)
    session.add(SamplingResult(sample_no="OD-LATER", enterprise_name="测试乳业有限公司",
                               product_name="后来的结果", compliant=True,
                               announced_on=date(2026, 1, 5)))
    session.commit()
    served = got(client, "/data/results.csv.gz")  # the file there is, at once
    assert hashlib.sha256(served.data).hexdigest() == before["results.csv.gz"]["sha256"]

    def refreshed() -> bool:
        dumps.wait_for_refresh(app, 10)
        now = got(client, "/data/manifest.json").get_json()
        return any(f["name"] == "results.csv.gz" and f["rows"] == before["results.csv.gz"][
            "rows"] + 1 for f in now["files"])

    assert eventually(refreshed, within=30)
    _, rows = csv_records(gzip.decompress(got(client, "/data/results.csv.gz").data))
    assert "OD-LATER" in {row["sample_no"] for row in rows}
    after = dumps.entries(dumps.read_manifest(dumps.folder(app)))
    # Files no change touched were kept; they now reflect the newer change id.
    assert after["recalls.csv.gz"]["sha256"] == before["recalls.csv.gz"]["sha256"]
    assert after["recalls.csv.gz"]["change_id"] == after["results.csv.gz"]["change_id"]
    assert after["recalls.csv.gz"]["built_at"] == before["recalls.csv.gz"]["built_at"]


def test_the_files_are_built_on_the_first_request_when_there_are_none(app, client,
                                                                      records_world):
    first = got(client, "/data/penalties.csv.gz", headers={"Accept-Language": "en"})
    assert first.status_code == 503 and first.headers["Retry-After"]
    soup = check_page(first.get_data(as_text=True), "en")
    assert "being prepared" in soup.main.get_text()

    def ready() -> bool:
        dumps.wait_for_refresh(app, 10)
        return got(client, "/data/penalties.csv.gz").status_code == 200

    assert eventually(ready, within=30)
    _, rows = csv_records(gzip.decompress(got(client, "/data/penalties.csv.gz").data))
    assert [row["decision_no"] for row in rows] == ["沪市监案〔2025〕1号"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_data_page_lists_every_file_and_the_manifest(client, built, lang):
    soup = check_page(client.get(f"/data?lang={lang}").get_data(as_text=True), lang)
    table = soup.find(id="files-caption").find_parent("table")
    rows = {tr.find_all("td")[1].get_text(strip=True): [td.get_text(strip=True)
                                                        for td in tr.find_all("td")]
            for tr in table.tbody.find_all("tr")}
    for entry in built["files"]:
        shown = rows[entry["name"]]
        assert shown[4] == f"{entry['rows']:,}" and shown[3] == f"{entry['size']:,}"
        assert shown[6] == entry["sha256"] and shown[5] == entry["built_at"][:10]
    assert rows["results.csv.gz"][0] == ("抽检结果" if lang == "zh" else "Sampling results")
    link = table.find("a", string="results.csv.gz")["href"]
    assert got(client, link).status_code == 200
    assert soup.select_one('#files ~ p a[href="/data/manifest.json"]')


def test_the_manifest_gives_absolute_addresses(client, built):
    manifest = got(client, "/data/manifest.json").get_json()
    names = {entry["name"]: entry for entry in manifest["files"]}
    assert names["results.csv.gz"]["url"] == "https://localhost/data/results.csv.gz"
    assert manifest["licence"] == "https://creativecommons.org/licenses/by/4.0/"  # CC-BY-4.0
    for key in ("size", "rows", "sha256", "built_at", "change_id"):
        assert key in names["ratings.jsonl.gz"]


def test_sending_a_file_takes_a_heavy_slot_and_frees_it(app, client, built):
    taken = [heavy.try_slot(app) for _ in range(app.config["HEAVY_REQUESTS"])]
    try:
        busy = got(client, "/data/results.csv.gz", headers={"Accept-Language": "en"})
        assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0
    finally:
        for slot in taken:
            slot.release()
    answers = [got(client, "/data/results.csv.gz").status_code for _ in range(4)]
    assert answers == [200] * 4
