"""Feed entries carry ``published`` (the announcement) and ``updated`` (the last correction),
never the moment a row was loaded; a feed is as new as its newest entry."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from formulatrust.publishing.bulletins import store
from formulatrust.results.models import Recall

from ..accounts_factory import ActingRunner, acting_as
from ..bulletins_factory import bulletin, content

ATOM = {"a": "http://www.w3.org/2005/Atom"}
HEADER = ("抽样编号,标称生产企业名称,被抽样单位名称,食品名称,规格型号,生产日期/批号,公告号,"
          "公告日期\n")
ROWS = ("FT0001,示例乳业有限公司,示例母婴店,示例婴儿配方乳粉(1段),{spec},2026-05-01,"
        "2026年第1号,2026-06-01\n"
        "FT0002,示例乳业有限公司,示例母婴店,示例较大婴儿配方乳粉(2段),800克/罐,2026-05-02,"
        "2026年第2号,2026-06-03\n")


@pytest.fixture
def runner(runner, session):
    """Commands run as a regulator's account."""
    return ActingRunner(runner, acting_as(session))


def entries(client, path: str) -> tuple[ElementTree.Element, dict[str, tuple[str, str]]]:
    """Return the feed and, by entry link, its (published, updated)."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    return feed, {entry.find("a:link", ATOM).get("href"): (
        entry.findtext("a:published", namespaces=ATOM),
        entry.findtext("a:updated", namespaces=ATOM)) for entry in feed.findall("a:entry", ATOM)}


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def import_rows(runner, tmp_path, spec: str) -> None:
    table = tmp_path / f"results-{len(list(tmp_path.iterdir()))}.csv"
    table.write_text(HEADER + ROWS.format(spec=spec), encoding="utf-8")
    result = runner.invoke(args=["results", "import", str(table)])
    assert result.exit_code == 0, result.output


def test_a_corrected_result_keeps_its_announcement_and_moves_its_update(client, runner,
                                                                         tmp_path):
    import_rows(runner, tmp_path, "800克/罐")
    feed, times = entries(client, "/results/feed.atom")
    assert sorted(times.values()) == [  # announced on 1 and 3 June 2026, Shanghai time
        ("2026-06-01T00:00:00+08:00", "2026-06-01T00:00:00+08:00"),
        ("2026-06-03T00:00:00+08:00", "2026-06-03T00:00:00+08:00")]
    assert feed.findtext("a:updated", namespaces=ATOM) == "2026-06-03T00:00:00+08:00"

    before = datetime.now(UTC).replace(microsecond=0)
    import_rows(runner, tmp_path, "900克/罐")  # corrects FT0001's specification
    after = datetime.now(UTC)
    feed, times = entries(client, "/results/feed.atom")
    corrected = next(t for t in times.values() if t[0].startswith("2026-06-01"))
    untouched = next(t for t in times.values() if t[0].startswith("2026-06-03"))
    assert corrected[0] == "2026-06-01T00:00:00+08:00"
    assert before <= moment(corrected[1]) <= after
    assert untouched == ("2026-06-03T00:00:00+08:00", "2026-06-03T00:00:00+08:00")
    assert feed.findtext("a:updated", namespaces=ATOM) == corrected[1]


def test_a_recall_changed_later_keeps_its_announcement_day(client, runner, session, trace):
    recall = session.query(Recall).one()
    announced = f"{recall.announced_on.isoformat()}T00:00:00+08:00"
    link = f"https://localhost/recalls/{recall.id}"
    _, times = entries(client, "/recalls/feed.atom")
    assert times[link] == (announced, announced)
    before = datetime.now(UTC).replace(microsecond=0)
    done = runner.invoke(args=["recalls", "status", str(recall.id), "completed"])
    assert done.exit_code == 0, done.output
    feed, times = entries(client, "/recalls/feed.atom")
    assert times[link][0] == announced
    assert before <= moment(times[link][1]) <= datetime.now(UTC)
    assert feed.findtext("a:updated", namespaces=ATOM) == times[link][1]


def test_ratings_are_published_on_their_assessment_day(client, session, trace):
    feed, times = entries(client, "/ratings/feed.atom")
    assert times, "the trace world has ratings"
    for published, updated in times.values():
        assert published == updated and published.endswith("T00:00:00+08:00")
    assert feed.findtext("a:updated", namespaces=ATOM) == max(times.values())[1]


def test_a_bulletin_is_updated_only_when_its_published_text_changes(client, session):
    record = bulletin(session, publish=datetime(2026, 3, 2, 1, 30, tzinfo=UTC))
    link = f"https://localhost/bulletins/{record.slug}"
    # Written (and loaded) after its publication time: still published and updated then.
    feed, times = entries(client, "/bulletins/feed.atom")
    assert times[link] == ("2026-03-02T01:30:00+00:00", "2026-03-02T01:30:00+00:00")
    assert feed.findtext("a:updated", namespaces=ATOM) == "2026-03-02T01:30:00+00:00"
    before = datetime.now(UTC).replace(microsecond=0)
    assert store.save(session, None, record, content(summary_en="One sample was retested."))
    session.commit()
    feed, times = entries(client, "/bulletins/feed.atom")
    assert times[link][0] == "2026-03-02T01:30:00+00:00"
    assert before <= moment(times[link][1]) <= datetime.now(UTC)
    assert feed.findtext("a:updated", namespaces=ATOM) == times[link][1]
    assert 'rel="license"' in client.get("/bulletins/feed.atom").headers["Link"]
