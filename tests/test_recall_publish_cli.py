"""``flask --app wsgi recalls publish``: the recall form's rules on the command line; without
the English it asks for ``--no-english-ok``, with lots the site has no record of for the product
it asks for ``--unknown-lots-ok``, and publishes nothing until given them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from formulatrust.core.clock import shanghai_now
from formulatrust.results.models import Recall
from formulatrust.search import query_index

from . import factories
from .accounts_factory import ActingRunner, acting_as

GTIN = "09521234500018"
CHINESE = ["recalls", "publish", GTIN, "--lot", "20260301A1", "--lot", "20260301A2",
           "--announced", "2026-07-01", "--reason-zh", "检出异物。", "--action-zh", "停止食用。"]
ENGLISH = ["--reason-en", "A foreign body was found.", "--action-en", "Stop using it."]


@pytest.fixture
def runner(runner, session):
    """Every command here runs as a regulator's account (``--by EMAIL``)."""
    return ActingRunner(runner, acting_as(session))


@pytest.fixture
def trace(trace, session):
    """The trace world, with a second batch of the product so both recalled lots are known."""
    factories.batch(session, trace["ordinary"].product, "20260301A2")
    session.commit()
    return trace


def published(session) -> list[Recall]:
    session.expire_all()
    return session.scalars(select(Recall).where(Recall.reason_zh == "检出异物。")).all()


def test_a_recall_with_its_english_is_published_searchable_and_shown(
        app, runner, session, trace, client):
    result = runner.invoke(args=[*CHINESE, *ENGLISH])
    assert result.exit_code == 0, result.output
    [recall] = published(session)
    assert recall.lots == ["20260301A1", "20260301A2"] and recall.published_by_id is not None
    assert recall.action_en == "Stop using it."
    hits = query_index(app.config["SEARCH_INDEX_DIR"], "异物", kind="recall")
    assert [hit.key for hit in hits] == [str(recall.id)]
    page = client.get(f"/01/{GTIN}/10/20260301A1?lang=en").get_data(as_text=True)
    assert "A foreign body was found." in page


def test_without_english_it_asks_for_the_flag_and_publishes_nothing(runner, session, trace):
    result = runner.invoke(args=[*CHINESE, "--reason-en", "A foreign body was found."])
    assert result.exit_code != 0
    assert "--no-english-ok" in result.output and "英文" in result.output
    assert published(session) == []


def test_the_flag_publishes_a_chinese_only_recall_at_once(runner, session, trace, client):
    result = runner.invoke(args=[*CHINESE, "--no-english-ok"])
    assert result.exit_code == 0, result.output
    [recall] = published(session)
    assert (recall.reason_en, recall.action_en) == ("", "")
    page = client.get(f"/recalls/{recall.id}?lang=en").get_data(as_text=True)
    assert "published this recall in Chinese only" in page


@pytest.mark.parametrize(("arguments", "message"), [
    (["--lot", "批号一"], "is not a lot number"),
    (["--announced", "2026-02-30"], "Enter a real date"),
    (["--source-url", "javascript:alert(1)"], "starting with https://"),
])
def test_bad_values_are_named_in_both_languages_and_nothing_is_published(
        runner, session, trace, arguments, message):
    result = runner.invoke(args=[*CHINESE, *ENGLISH, *arguments])
    assert result.exit_code != 0 and f"{arguments[0]}: " in result.output
    assert message in result.output
    assert "没有发布召回" in result.output
    assert published(session) == []


@pytest.mark.parametrize("announced", ["2030-01-01", "tomorrow"])
def test_an_announcement_date_after_today_in_shanghai_is_refused(
        runner, session, trace, announced):
    if announced == "tomorrow":
        announced = (shanghai_now().date() + timedelta(days=1)).isoformat()
    result = runner.invoke(args=[*CHINESE, *ENGLISH, "--announced", announced])
    assert result.exit_code != 0 and "--announced: " in result.output
    assert "cannot be after today" in result.output and "不能晚于今天" in result.output
    assert published(session) == []


def test_today_in_shanghai_is_accepted(runner, session, trace):
    today = shanghai_now().date().isoformat()
    result = runner.invoke(args=[*CHINESE, *ENGLISH, "--announced", today])
    assert result.exit_code == 0, result.output
    assert [recall.announced_on.isoformat() for recall in published(session)] == [today]


def test_unknown_lots_are_listed_and_nothing_is_published_without_the_flag(
        runner, session, trace):
    result = runner.invoke(args=[*CHINESE, *ENGLISH, "--lot", "NOSUCHLOT", "--lot", "20990101Z9"])
    assert result.exit_code != 0
    assert "NOSUCHLOT, 20990101Z9" in result.output and "--unknown-lots-ok" in result.output
    assert "20260301A1," not in result.output  # the known lots are not listed
    assert published(session) == []


def test_the_flag_publishes_the_unknown_lots_as_typed(runner, session, trace, client):
    result = runner.invoke(args=[*CHINESE, *ENGLISH, "--lot", "NOSUCHLOT", "--unknown-lots-ok"])
    assert result.exit_code == 0, result.output
    [recall] = published(session)
    assert recall.lots == ["20260301A1", "20260301A2", "NOSUCHLOT"]
    page = client.get(f"/01/{GTIN}/10/NOSUCHLOT?lang=en").get_data(as_text=True)
    assert "A foreign body was found." in page


def test_an_unknown_product_is_refused(runner, session, trace):
    result = runner.invoke(args=["recalls", "publish", "09521234500001", *CHINESE[3:],
                                 "--no-english-ok"])
    assert result.exit_code != 0 and "no product with GTIN 09521234500001" in result.output
    assert published(session) == []
