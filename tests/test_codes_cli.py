"""``flask --app wsgi codes issue``: signed serials, CSV of URIs, label sheets that scan."""

from __future__ import annotations

import csv

from sqlalchemy import select

from formulatrust.publishing.models import AuditEntry
from formulatrust.scan.models import Batch

from .accounts_factory import acting_as


def test_issued_codes_resolve_as_genuine_and_their_short_codes_work(app, client, runner, trace,
                                                                      session, tmp_path):
    by = acting_as(session, "enterprise", trace["ordinary"].product.brand.enterprise)
    result = runner.invoke(args=["codes", "issue", "--gtin", "9521234500018", "--lot",
                                 "20260301A1", "--count", "5", "--out", str(tmp_path), *by])
    assert result.exit_code == 0, result.output
    with (tmp_path / "codes.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5 and len({row["serial"] for row in rows}) == 5
    assert (tmp_path / "labels-001.svg").read_text().count(rows[0]["short_code"]) == 1
    session.expire_all()
    assert session.get(Batch, trace["ordinary"].id).issued_count == 105
    for row in rows:
        path = row["uri"].split("://", 1)[1].split("/", 1)[1]
        page = client.get(f"/{path}?lang=en").get_data(as_text=True)
        assert "signature checks out" in page
        typed = client.get("/scan", query_string={"code": row["short_code"]})
        assert typed.headers["Location"] == f"/{path}"


def test_issue_refuses_unknown_batches_and_bad_gtins(runner, session, trace, tmp_path):
    by = acting_as(session)
    unknown = runner.invoke(args=["codes", "issue", "--gtin", "09521234500018", "--lot", "NOPE",
                                  "--count", "1", "--out", str(tmp_path), *by])
    assert unknown.exit_code == 1 and "no batch NOPE" in unknown.output
    bad = runner.invoke(args=["codes", "issue", "--gtin", "123", "--lot", "X", "--count", "1",
                              "--out", str(tmp_path), *by])
    assert bad.exit_code == 2 and "not a valid GTIN" in bad.output
    assert not (tmp_path / "codes.csv").exists()


def test_an_issue_is_audited_under_the_account_named(runner, session, trace, tmp_path):
    by = acting_as(session)
    result = runner.invoke(args=["codes", "issue", "--gtin", "09521234500018", "--lot",
                                 "20260301A1", "--count", "3", "--out", str(tmp_path), *by])
    assert result.exit_code == 0, result.output
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "code_issue"))
    assert entry is not None and entry.action == "create"
    assert entry.summary["count"] == 3 and entry.summary["lot"] == "20260301A1"
    assert entry.object_id == str(trace["ordinary"].id)


def test_an_enterprise_account_issues_codes_only_for_its_own_products(runner, session, trace,
                                                                      world, tmp_path):
    owner = trace["ordinary"].product.brand.enterprise
    other = next(e for e in world["enterprises"] if e.id != owner.id)
    result = runner.invoke(args=["codes", "issue", "--gtin", "09521234500018", "--lot",
                                 "20260301A1", "--count", "1", "--out", str(tmp_path),
                                 *acting_as(session, "enterprise", other)])
    assert result.exit_code == 1 and "only for its own products" in result.output
    session.expire_all()
    assert session.get(Batch, trace["ordinary"].id).issued_count == 100
