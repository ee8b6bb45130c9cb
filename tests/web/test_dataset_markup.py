"""``/data`` describes each published dataset as a schema.org ``Dataset`` in JSON-LD, so
dataset search engines find it with its licence, downloads and coverage."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from formulatrust.open_data.fields import DATASETS
from formulatrust.results.models import Recall, SamplingResult

from ..pagecheck import check_page
from . import open_data_world

open_world = open_data_world.open_world  # the fixture
FILE_FORMATS = {"text/csv", "application/jsonl"}  # the complete files, gzipped
PAGE_FORMATS = {"text/csv", "application/json"}  # a list page's ?format= downloads


@pytest.fixture
def built(runner, open_world):
    """The complete data files of this node, as `data build` writes them."""
    outcome = runner.invoke(args=["data", "build"])
    assert outcome.exit_code == 0, outcome.output
    return open_world
NAMES = {"en": {"results": "Sampling results", "recalls": "Recalls"},
         "zh": {"results": "抽检结果", "recalls": "召回"}}


def json_ld(html: str) -> list[dict]:
    soup = BeautifulSoup(html, "html.parser")
    return [json.loads(script.string) for script in soup.find_all(
        "script", type="application/ld+json")]


def day_span(session, column) -> str:
    first, last = session.execute(select(func.min(column), func.max(column))).one()
    return f"{first.isoformat()}/{last.isoformat()}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_published_dataset_is_described_in_the_page_language(client, built, lang):
    html = client.get(f"/data?lang={lang}").get_data(as_text=True)
    check_page(html, lang)
    described = {urlsplit(d["@id"]).fragment: d for d in json_ld(html)}
    assert set(described) == set(DATASETS)
    for dataset in described.values():
        assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
        assert dataset["description"] and dataset["dateModified"]
        assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
        for role in ("creator", "publisher"):
            assert dataset[role]["@type"] == "Organization" and dataset[role]["name"]
    for slug, name in NAMES[lang].items():
        assert described[slug]["name"] == name


def test_each_distribution_is_a_working_download_of_its_format(client, built):
    described = json_ld(client.get("/data").get_data(as_text=True))
    with_page = {"results", "recalls", "supervision", "ratings", "enterprises",
                 "industry_statistics"}
    for dataset in described:
        slug = urlsplit(dataset["@id"]).fragment
        formats = [d["encodingFormat"] for d in dataset["distribution"]]
        expected = sorted([*FILE_FORMATS, *(PAGE_FORMATS if slug in with_page else ())])
        assert sorted(formats) == expected, slug
        for download in dataset["distribution"]:
            assert download["@type"] == "DataDownload"
            address = urlsplit(download["contentUrl"])
            assert address.scheme == "https" and address.netloc == "localhost"  # SITE_HOST
            with client.get(f"{address.path}?{address.query}") as answer:  # frees its slot
                assert answer.status_code == 200
                if address.path.startswith("/data/"):  # a complete file: gzipped
                    assert answer.get_data()[:2] == b"\x1f\x8b"
                else:
                    assert answer.mimetype == download["encodingFormat"]


def test_coverage_runs_from_the_first_to_the_last_record(client, session, open_world):
    described = {urlsplit(d["@id"]).fragment: d
                 for d in json_ld(client.get("/data").get_data(as_text=True))}
    assert described["results"]["temporalCoverage"] == day_span(session,
                                                                 SamplingResult.announced_on)
    assert described["recalls"]["temporalCoverage"] == day_span(session, Recall.announced_on)
    assert "temporalCoverage" not in described["enterprises"]  # a register, not a period
