"""The whole record in the API: the key-supervision list, every producer's licences,
certifications, penalties and inspections, the bulletins and their statistics, every rating
assessment, products, batches, appeals and replies, paged like recalls."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from formulatrust.enterprises.models import (
    Appeal,
    Certification,
    Inspection,
    Licence,
    Penalty,
    Product,
    Rating,
    Reply,
)
from formulatrust.open_data import records_api
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.models import SupervisionListing
from formulatrust.scan.models import Batch

from .. import bulletins_factory
from . import test_data_files

open_world = test_data_files.open_world  # the fixtures
records_world = test_data_files.records_world


@pytest.fixture
def whole_record_world(session, records_world):
    """The records world plus older ratings, a draft bulletin, two appeals and two replies."""
    first = records_world["enterprises"][0]
    penalty = session.scalars(select(Penalty)).one()
    session.add_all([
        Rating(enterprise_id=first.id, grade="C", score=61.0, assessed_on=date(2024, 2, 1),
               valid_until=date(2025, 1, 31), assessor="测试评定组"),
        Rating(enterprise_id=first.id, grade="A", score=91.0, assessed_on=date(2025, 2, 1),
               valid_until=date(2026, 1, 31), assessor="测试评定组"),
        Appeal(enterprise_id=first.id, target="penalty", target_id=penalty.id,
               grounds_zh="检验方法有误。", grounds_en="The test method was wrong.",
               filed_on=date(2025, 8, 20)),
        Reply(enterprise_id=first.id, target="penalty", target_id=penalty.id,
              body_zh="我们已整改。", body_en="We have put it right.", appeal_status="filed",
              replied_on=date(2025, 8, 21)),
        Appeal(enterprise_id=first.id, target="penalty", target_id=penalty.id,
               grounds_zh="罚款过重。", filed_on=date(2025, 9, 1), status="upheld",
               outcome_reason_zh="维持原决定。", decided_on=date(2025, 10, 1)),
        Reply(enterprise_id=first.id, target="penalty", target_id=penalty.id,
              body_zh="复议已维持。", replied_on=date(2025, 10, 2)),
    ])
    session.commit()
    bulletins_factory.bulletin(session, slug="draft-bulletin", publish=False)
    return records_world

TABLES = {"supervision": SupervisionListing, "licences": Licence,
          "certifications": Certification, "penalties": Penalty, "inspections": Inspection}


@pytest.mark.parametrize(("slug", "model"), TABLES.items())
def test_every_record_is_listed_with_its_enterprise(client, session, records_world, slug, model):
    body = client.get(f"/api/v1/{slug}").get_json()
    count = session.scalar(select(func.count()).select_from(model))
    assert count and body["total"] == count == len(body[slug])
    assert all(record["enterprise_name_zh"] for record in body[slug])
    assert body["links"]["self"] == f"https://localhost/api/v1/{slug}"
    assert body["licence"] == "https://creativecommons.org/licenses/by/4.0/"


def test_every_published_figure_is_a_record(client, session, records_world):
    bulletin = session.scalars(select(Bulletin)).one()
    expected = sum(len(table["rows"]) * len(table["series"]) for table in bulletin.statistics)
    body = client.get("/api/v1/statistics").get_json()
    assert expected and body["total"] == expected
    assert {figure["bulletin_slug"] for figure in body["statistics"]} == {bulletin.slug}


@pytest.mark.parametrize("page", ["0", "two", "100001"])
def test_a_bad_page_is_named_in_both_languages(client, page):
    response = client.get(f"/api/v1/penalties?page={page}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["parameter"] == "page" and error["messages"]["zh"] != error["messages"]["en"]


def test_a_page_past_the_last_gives_the_last(client, records_world):
    body = client.get("/api/v1/licences?page=9").get_json()
    assert body["page"] == body["pages"] == 1 and body["licences"]


NEW_TABLES = {"ratings": Rating, "products": Product, "batches": Batch, "appeals": Appeal,
              "replies": Reply}


@pytest.mark.parametrize(("slug", "model"), NEW_TABLES.items())
def test_every_row_is_listed_oldest_first(client, session, whole_record_world, slug, model):
    body = client.get(f"/api/v1/{slug}").get_json()
    ids = list(session.scalars(select(model.id).order_by(model.id)))
    assert len(ids) >= 2 and body["total"] == len(ids)
    assert [record["id"] for record in body[slug]] == ids
    assert body["links"]["self"] == f"https://localhost/api/v1/{slug}"


def test_every_rating_assessment_is_listed_not_only_the_current(client, whole_record_world):
    first = whole_record_world["enterprises"][0]
    grades = [r["grade"] for r in client.get("/api/v1/ratings").get_json()["ratings"]
              if r["enterprise_slug"] == first.slug]
    assert grades[-2:] == ["C", "A"]


def test_only_published_bulletins_are_listed(client, session, whole_record_world):
    body = client.get("/api/v1/bulletins").get_json()
    assert session.scalar(select(func.count()).select_from(Bulletin)) == 2
    assert body["total"] == 1 and body["bulletins"][0]["slug"] != "draft-bulletin"
    bulletin = body["bulletins"][0]
    assert bulletin["title_zh"] and bulletin["summary_zh"] and "body_zh" not in bulletin
    assert bulletin["permalink"] == f"https://localhost/bulletins/{bulletin['slug']}"


def test_products_and_batches_link_their_pages(client, session, whole_record_world):
    product = client.get("/api/v1/products").get_json()["products"][0]
    assert product["permalink"] == f"https://localhost/01/{product['gtin']}"
    batch = session.scalars(select(Batch).where(Batch.issued_count > 0)).first()
    answer = next(b for b in client.get("/api/v1/batches").get_json()["batches"]
                  if b["id"] == batch.id)
    assert answer["lot"] == batch.lot and answer["factory_licence_no"]
    assert answer["permalink"] == f"https://localhost/01/{answer['gtin']}/10/{batch.lot}"
    assert not {key for key in answer if "serial" in key or "issued" in key}


def test_appeals_and_replies_show_only_what_the_pages_show(client, whole_record_world):
    appeal = client.get("/api/v1/appeals").get_json()["appeals"][0]
    assert appeal["grounds_en"] == "The test method was wrong." and appeal["status"] == "filed"
    assert appeal["decided_on"] is None
    assert not {key for key in appeal if key.endswith("_by_id") or "contact" in key}
    reply = client.get("/api/v1/replies").get_json()["replies"][0]
    assert reply["body_zh"] == "我们已整改。" and reply["appeal_status"] == "filed"
    assert "created_at" not in reply


def test_batches_page_in_sql(client, session, whole_record_world, monkeypatch):
    monkeypatch.setattr(records_api, "PAGE_SIZE", 2)
    ids = list(session.scalars(select(Batch.id).order_by(Batch.id)))
    assert len(ids) > 2
    first = client.get("/api/v1/batches").get_json()
    assert first["total"] == len(ids) and first["pages"] == -(-len(ids) // 2)
    second = client.get(first["links"]["next"]).get_json()
    assert [b["id"] for b in first["batches"] + second["batches"]] == ids[:4]
    last = client.get(f"/api/v1/batches?page={first['pages'] + 3}").get_json()
    assert last["page"] == first["pages"] and "next" not in last["links"]
    assert [b["id"] for b in last["batches"]] == ids[(first["pages"] - 1) * 2:]


def test_a_bad_page_of_products_is_named(client):
    response = client.get("/api/v1/products?page=0")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "page"
