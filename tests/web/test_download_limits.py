"""Filtered downloads cannot starve the site: they stream their rows a chunk at a time, each
client has a budget of them, and a worker runs only a few heavy requests at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, func, select

from formulatrust.core import db
from formulatrust.open_data import heavy
from formulatrust.results import query
from formulatrust.results.models import FailedItem, SamplingResult

from ..pagecheck import check_page, text_of
from . import open_data_world

open_world = open_data_world.open_world  # the fixture
DOWNLOADS = ["/results.csv", "/results?format=json&compliant=no", "/ratings.csv",
             "/recalls?format=csv", "/supervision?format=json", "/enterprises?format=csv"]


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_REFERER="https://localhost/")
    return client


@pytest.fixture
def limited(make_app, app_overrides, open_world):
    return make_app({**app_overrides, "RATELIMIT_ENABLED": True,
                     "DOWNLOAD_RATE_LIMIT": "3/hour"})


def test_one_client_past_its_download_budget_is_refused_but_not_another(limited):
    reader = client_at(limited, "203.0.113.9")
    assert [reader.get(path).status_code for path in DOWNLOADS[:3]] == [200, 200, 200]
    refused = reader.get("/recalls?format=csv", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    soup = check_page(refused.get_data(as_text=True), "en")
    assert "https://localhost/data#files" in soup.main.get_text()
    assert "/data#files" in text_of(soup, ".other-language")  # and in Chinese
    assert reader.get("/results?compliant=no").status_code == 200  # pages are not downloads
    other = client_at(limited, "198.51.100.4")
    assert [other.get(path).status_code for path in DOWNLOADS[3:]] == [200, 200, 200]


def test_behind_a_trusted_proxy_the_budget_is_the_forwarded_clients(make_app, app_overrides,
                                                                     open_world):
    app = make_app({**app_overrides, "RATELIMIT_ENABLED": True, "PROXY_COUNT": 1,
                    "DOWNLOAD_RATE_LIMIT": "1/hour"})
    first, second = client_at(app, "10.0.0.2"), client_at(app, "10.0.0.2")  # the proxy
    first.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    second.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.4"
    assert [first.get("/ratings.csv").status_code for _ in range(2)] == [200, 429]
    assert second.get("/ratings.csv").status_code == 200


def test_every_filtered_download_waits_when_the_workers_heavy_slots_are_taken(app, client,
                                                                              open_world):
    size = app.config["HEAVY_REQUESTS"]
    taken = [heavy.try_slot(app) for _ in range(size)]
    assert all(taken) and heavy.try_slot(app) is None
    assert [slot.sharers() for slot in taken] == [size] * size  # each paces for all of them
    try:
        for path in DOWNLOADS:
            busy = client.get(path, headers={"Accept-Language": "en"})
            assert busy.status_code == 503, path
            assert int(busy.headers["Retry-After"]) > 0
            assert "/data#files" in check_page(busy.get_data(as_text=True), "en").main.get_text()
        assert client.get("/results").status_code == 200  # pages still answer
    finally:
        for slot in taken:
            slot.release()
    streaming = [client.get(path) for path in DOWNLOADS[:size]]  # not read yet: slots held
    assert [answer.status_code for answer in streaming] == [200] * size
    assert client.get(DOWNLOADS[-1]).status_code == 503
    streaming[0].get_data()  # the end of a download frees its slot
    last = client.get(DOWNLOADS[-1])
    assert last.status_code == 200 and last.get_data(as_text=True).startswith("\ufeffslug,")
    for answer in streaming[1:]:
        answer.close()  # a client that goes away frees its slot too
    assert [read(client, path) for path in DOWNLOADS] == [200] * len(DOWNLOADS)


def read(client, path: str) -> int:
    response = client.get(path)
    response.get_data()
    return response.status_code


def test_a_download_reads_its_results_a_chunk_at_a_time(app, client, session, open_world,
                                                       monkeypatch):
    monkeypatch.setattr(query, "CHUNK", 2)
    session.add_all([SamplingResult(sample_no=f"CHUNK{n}", enterprise_name="测试乳业有限公司",
                                    product_name="分批", compliant=False,
                                    announced_on=date(2025, 6, 1),
                                    failed_items=[FailedItem(item="硒", measured="0.1",
                                                             limit="≥1.0")])
                     for n in range(6)])
    session.commit()
    item_queries = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM failed_item" in statement:
            item_queries.append(statement)

    engine = app.extensions[db.EXTENSION_KEY].kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/results.csv?compliant=no")
        rows = response.get_data(as_text=True).splitlines()[1:]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    failures = session.scalar(select(func.count()).select_from(SamplingResult)
                              .where(SamplingResult.compliant.is_(False)))
    assert len(rows) == failures >= 8
    # The failed items are read for each chunk of two results, never for all at once.
    assert len(item_queries) >= failures // 2



@pytest.mark.parametrize("running", [1, 2, 3])
def test_heavy_work_of_a_process_takes_at_most_half_its_time_however_many_run(running):
    now, pauses = [0.0], []
    pace = heavy.Pace(lambda: running, clock=lambda: now[0], sleep=pauses.append)
    now[0] += 0.001
    pace(1)
    assert pauses == []  # short work goes on without a pause
    now[0] += 0.03
    pace(1)
    # Taking turns, the running requests work 0.031 s each in every cycle of one request's
    # work and pause: the process is busy at most half of that cycle.
    [pause] = pauses
    assert running * 0.031 / (0.031 + pause) == pytest.approx(0.5)
