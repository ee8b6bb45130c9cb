"""The licence chosen in ``DATA_LICENCE`` is the one every page, download, feed and API
answer names; an unknown one stops the site from starting."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from ..pagecheck import check_page
from . import open_data_world

open_world = open_data_world.open_world  # the fixture
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def app(make_app, app_overrides, monkeypatch):
    monkeypatch.setenv("FORMULATRUST_DATA_LICENCE", "CC0-1.0")
    return make_app(app_overrides)


@pytest.mark.parametrize("path", ["/results?format=csv", "/results.json", "/ratings.csv",
                                  "/api/v1/results", "/api/v1/recalls", "/results/feed.atom",
                                  "/recalls/feed.atom", "/bulletins/feed.atom",
                                  "/enterprises/test-dairy/results.atom"])
def test_downloads_feeds_and_the_api_name_the_chosen_licence(client, open_world, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Link"] == f'<{CC0}>; rel="license"'


def test_json_and_atom_bodies_name_it_too(client, open_world):
    assert client.get("/api/v1/results").get_json()["licence"] == CC0
    assert client.get("/recalls?format=json").get_json()["licence"] == CC0
    feed = ElementTree.fromstring(client.get("/ratings/feed.atom").data)
    assert feed.find("a:link[@rel='license']", ATOM).get("href") == CC0
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["license"]["url"] == CC0


@pytest.mark.parametrize(("lang", "name"), [("en", "Creative Commons Zero v1.0 Universal"),
                                            ("zh", "CC0 1.0 通用公共领域贡献")])
@pytest.mark.parametrize("path", ["/data", "/data-licence"])
def test_the_data_pages_name_and_link_the_licence(client, path, lang, name):
    soup = check_page(client.get(f"{path}?lang={lang}").get_data(as_text=True), lang)
    link = soup.select_one(f'main a[rel="license"][href="{CC0}"]')
    assert link is not None
    assert name in link.parent.get_text() and "CC0-1.0" in link.parent.get_text()


def test_a_licence_without_attribution_does_not_demand_credit(client):
    text = check_page(client.get("/data?lang=en").get_data(as_text=True), "en").main.get_text()
    assert "without conditions" in text and "provided you credit" not in text


def test_an_unknown_licence_stops_the_site_from_starting(make_app, app_overrides):
    with pytest.raises(RuntimeError, match="DATA_LICENCE 'CC-BY-9.9'.*CC-BY-4.0"):
        make_app({**app_overrides, "DATA_LICENCE": "CC-BY-9.9"})
