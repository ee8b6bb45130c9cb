"""The whole record in the API: the key-supervision list, every producer's licences,
certifications, penalties and inspections, and the bulletins' statistics, paged like recalls."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from formulatrust.enterprises.models import Certification, Inspection, Licence, Penalty
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.results.models import SupervisionListing

from . import test_data_files

open_world = test_data_files.open_world  # the fixtures
records_world = test_data_files.records_world

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
