"""The short-lived cache of batch-level facts."""

from __future__ import annotations

import re
from datetime import date

from formulatrust.core import db
from formulatrust.core.cache import TTLCache
from formulatrust.core.freshness import facts_cache as freshness_cache
from formulatrust.results.models import Recall
from formulatrust.scan.models import Batch

from .waiting import eventually


def test_values_are_reused_until_they_expire():
    now = [0.0]
    cache, made = TTLCache(seconds=30, clock=lambda: now[0]), []
    make = lambda: made.append(1) or len(made)  # noqa: E731
    assert cache.get_or_make("k", make) == 1
    now[0] = 29.9
    assert cache.get_or_make("k", make) == 1
    now[0] = 30.0
    assert cache.get_or_make("k", make) == 2


def test_none_is_not_kept_and_size_is_bounded():
    cache, calls = TTLCache(seconds=60, size=2), []
    assert cache.get_or_make("missing", lambda: calls.append(1)) is None
    assert cache.get_or_make("missing", lambda: calls.append(1)) is None
    assert len(calls) == 2
    for key in "abc":
        cache.get_or_make(key, lambda key=key: key)
    assert cache.get_or_make("a", lambda: "again") == "again"  # the oldest entry was dropped


def test_zero_seconds_disables_caching():
    cache, made = TTLCache(seconds=0), []
    make = lambda: made.append(1) or len(made)  # noqa: E731
    assert [cache.get_or_make("k", make) for _ in range(3)] == [1, 2, 3]


def test_can_pages_reuse_batch_facts_but_never_the_query_count(make_app, app_overrides,
                                                               trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    client = app.test_client()
    path = "/01/09521234500018/10/20260301A1/21/REG0001?lang=en"
    with client.get(path, headers={"User-Agent": "a"}) as response:  # closing records it
        first = response.get_data(as_text=True)
    with client.get(path, headers={"User-Agent": "b"}) as response:
        second = response.get_data(as_text=True)
    assert "Queried 1 time" in first and "Queried 2 times" in second
    assert first.split('id="product-heading"')[1].split("Something wrong")[0] == \
        second.split('id="product-heading"')[1].split("Something wrong")[0]


def test_each_query_count_reads_right_in_both_languages_from_the_reused_line(
        make_app, app_overrides, trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    path = "/01/09521234500018/10/20260301A1/21/REG0001"
    seen = []
    for device in range(1, 13):  # twelve phones, each its first query of this can
        with app.test_client().get(f"{path}?lang={'en' if device % 2 else 'zh'}",
                                   headers={"User-Agent": f"phone {device}"}) as response:
            seen.append(response.get_data(as_text=True))
    assert "Queried 1 time" in seen[0] and "Queried 1 times" not in seen[0]
    assert "已被查询2次" in seen[1] and "Queried 3 times" in seen[2]
    assert "已被查询10次" in seen[9] and "Queried 11 times" in seen[10]
    assert "已被查询12次" in seen[11]
    assert not any(re.search(r"(Queried |查询)9\d{9}", page) for page in seen)  # no stand-in


def test_cans_of_one_batch_share_the_page_but_keep_their_own_serial_and_code_check(
        make_app, app_overrides, trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    client = app.test_client()
    batch = "/01/09521234500018/10/20260301A1"
    registered = client.get(f"{batch}/21/REG0001?lang=en").get_data(as_text=True)
    unknown = client.get(f"{batch}/21/NOT%2FKNOWN?lang=en").get_data(as_text=True)
    assert "The maker registered this serial number" in registered
    assert "serial=REG0001" in registered and "NOT%2FKNOWN" not in registered
    assert "This serial number is not on record" in unknown
    assert "serial=NOT%2FKNOWN" in unknown and "REG0001" not in unknown
    assert f'href="{batch}/21/NOT%2FKNOWN?lang=zh"' in unknown  # its own language switch


def test_a_recall_committed_elsewhere_shows_within_a_second_on_cached_pages(
        make_app, app_overrides, trace):
    """Another worker (or a command) publishes a recall: this worker's cached page drops it."""
    settings = {**app_overrides, "FACTS_CACHE_SECONDS": 600}
    worker, elsewhere = make_app(settings), make_app(settings)
    path = "/01/09521234500018/10/20260301A1/21/REG0001?lang=en"
    assert "recall-banner" not in worker.test_client().get(path).get_data(as_text=True)
    assert "July 1, 2026" not in worker.test_client().get("/?lang=en").get_data(as_text=True)
    with elsewhere.app_context():
        session = db.session()
        batch = session.get(Batch, trace["ordinary"].id)
        session.add(Recall(product_id=batch.product_id, lots=[batch.lot],
                           announced_on=date(2026, 7, 1), reason_zh="测试召回。",
                           reason_en="Test recall.", action_zh="停止食用。",
                           action_en="Stop using it."))
        session.commit()
    assert eventually(lambda: "Test recall." in worker.test_client().get(path).get_data(
        as_text=True), within=5)
    home = worker.test_client().get("/?lang=en").get_data(as_text=True)
    assert "July 1, 2026" in home
    assert 'href="/?lang=zh"' in home


def test_made_up_lots_do_not_push_real_batches_out_of_the_cache(make_app, app_overrides,
                                                                trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    client = app.test_client()
    client.get("/01/09521234500018/10/20260301A1?lang=en")
    with app.app_context():
        cache = freshness_cache()
        before = len(cache)
    for number in range(30):
        assert client.get(f"/01/09521234500018/10/MADEUP{number}?lang=en").status_code == 200
    with app.app_context():
        assert len(freshness_cache()) == before  # nothing kept for made-up lots


def test_a_refused_value_is_made_again(make_app):
    cache, made = TTLCache(seconds=60), []
    make = lambda: made.append(1) or len(made)  # noqa: E731
    assert cache.get_or_make("k", make, keep=lambda value: False) == 1
    assert cache.get_or_make("k", make, keep=lambda value: False) == 2


def test_a_value_made_while_the_cache_was_emptied_is_not_kept():
    cache = TTLCache(seconds=60)

    def made_while_a_change_arrives() -> str:
        cache.clear()  # another thread learns of a change while this value is being made
        return "stale page"
    assert cache.get_or_make("page", made_while_a_change_arrives) == "stale page"
    assert cache.get_or_make("page", lambda: "fresh page") == "fresh page"


def test_a_request_that_began_before_a_change_keeps_nothing_it_makes_afterwards():
    began: list[int] = []
    cache = TTLCache(seconds=60, started=lambda: began[0] if began else None)
    facts = cache.get_or_make("facts", lambda: "facts before the recall")
    began.append(cache.generation)  # the request starts with these facts in hand
    cache.clear()  # a recall is noticed halfway through the request
    cache.get_or_make("page", lambda: f"page from {facts}")
    began.clear()  # the next request
    assert cache.get_or_make("page", lambda: "page with the recall") == "page with the recall"


def test_expired_entries_do_not_stay_in_memory():
    now = [0.0]
    cache = TTLCache(seconds=30, clock=lambda: now[0])
    for lot in ("A1", "B2", "C3"):
        cache.get_or_make(lot, lambda: "facts")
    now[0] = 31.0  # all three have expired
    cache.get_or_make("D4", lambda: "facts")
    assert len(cache) == 1


def test_a_can_page_after_its_json_shows_the_batch_results(make_app, app_overrides, trace):
    # The JSON answer caches the batch's facts first; the page rendered later from them, in
    # another request, must still name the failed result's product and enterprise.
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    client = app.test_client()
    can = "/01/09521234500032/10/20260503C3/21/REG0003?lang=en"
    assert client.get(can, headers={"Accept": "application/json"}).status_code == 200
    response = client.get(can)
    assert response.status_code == 200
    assert "Cronobacter" in response.get_data(as_text=True)


def test_the_verdict_of_one_can_never_shows_on_another_of_its_batch(make_app, app_overrides,
                                                                     trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    client = app.test_client()
    batch = "/01/09521234500018/10/20260301A1"
    unknown = client.get(f"{batch}/21/FORGED1?lang=en").get_data(as_text=True)
    registered = client.get(f"{batch}/21/REG0001?lang=en").get_data(as_text=True)
    again = client.get(f"{batch}/21/FORGED2?lang=en").get_data(as_text=True)
    assert "This code is not on record" in unknown and "This code is not on record" in again
    assert "This code is not on record" not in registered
    assert "No warnings" in registered and "No warnings" not in again


def test_the_json_verdict_of_one_can_never_answers_for_another(make_app, app_overrides,
                                                                 trace):
    app = make_app({**app_overrides, "FACTS_CACHE_SECONDS": 60})
    client = app.test_client()
    batch = "/01/09521234500018/10/20260301A1"

    def reasons(serial: str) -> list[str]:
        answer = client.get(f"{batch}/21/{serial}", headers={"Accept": "application/json"})
        return [reason["kind"] for reason in answer.get_json()["verdict"]["reasons"]]
    assert "serial_unknown" in reasons("FORGED1")
    assert "serial_unknown" not in reasons("REG0001")
    assert "serial_unknown" in reasons("FORGED2")
