"""``flask --app wsgi recalls publish``: the recall form's rules on the command line; without
the English it asks for ``--no-english-ok`` and publishes nothing until given it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.results.models import Recall
from formulatrust.search import query_index

from .accounts_factory import ActingRunner, acting_as

GTIN = "09521234500018"
CHINESE = ["recalls", "publish", GTIN, "--lot", "20260301A1", "--lot", "20260301A2",
           "--announced", "2026-07-01", "--reason-zh", "检出异物。", "--action-zh", "停止食用。"]
ENGLISH = ["--reason-en", "A foreign body was found.", "--action-en", "Stop using it."]


@pytest.fixture
def runner(runner, session):
    """Every command here runs as a regulator's account (``--by EMAIL``)."""
    return ActingRunner(runner, acting_as(session))


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


def test_an_unknown_product_is_refused(runner, session, trace):
    result = runner.invoke(args=["recalls", "publish", "09521234500001", *CHINESE[3:],
                                 "--no-english-ok"])
    assert result.exit_code != 0 and "no product with GTIN 09521234500001" in result.output
    assert published(session) == []
