"""Brand showcases edited in the browser: the compliance gate before publishing, regulators'
waivers per phrase, ownership of every route, inert Markdown, kept versions, search."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.brands.models import Showcase, ShowcaseRevision, ShowcaseWaiver
from formulatrust.domain.compliance import default_rules
from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import make_user, sign_in_as
from ..pagecheck import check_page, text_of

EDIT = "/publish/brands/test-brand/showcase"
OTHER = "/publish/brands/river-brand/showcase"
REVIEW = "/publish/showcases/review"
PHOTO = "/static/brands/dawnlight-factory.svg"
STORY_ZH = "## 品牌故事\n\n测试牌由测试乳业于2018年创立，工厂位于浦东新区，每天清晨收奶。"
STORY_EN = "## Our story\n\nTestbrand was founded in 2018; its Pudong factory takes milk at dawn."


def fields(**changes) -> dict:
    """A compliant showcase in both languages, with a photo and an event."""
    data = {
        "title_zh": "测试牌", "summary_zh": "测试乳业的品牌。", "body_zh": STORY_ZH,
        "title_en": "Testbrand", "summary_en": "A brand of Test Dairy.", "body_en": STORY_EN,
        "photos-0-src": PHOTO, "photos-0-alt_zh": "工厂厂房和奶罐车的插画",
        "photos-0-alt_en": "Drawing of the factory and a milk tanker",
        "events-0-date": "2026-12-12", "events-0-title_zh": "新品牌发布",
        "events-0-title_en": "Brand launch", "events-0-description_zh": "介绍追溯查询方法。",
    }
    data.update(changes)
    return data


def token(client, path=EDIT) -> str:
    soup = check_page(client.get(path).get_data(as_text=True))
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def submit(client, action="publish", path=EDIT, lang="en", **changes):
    data = {**fields(**changes), "csrf_token": token(client, path), "action": action}
    return client.post(f"{path}?lang={lang}", data=data)


def reader(app):
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return client


def stored(session, brand) -> Showcase | None:
    session.expire_all()
    return session.scalar(select(Showcase).where(Showcase.brand_id == brand.id))


def phrases_listed(soup) -> list[str]:
    return [q.get_text() for q in soup.select("#findings-caption ~ tbody .finding-phrase")]


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action)
                                .where(AuditEntry.object_type == "showcase")
                                .order_by(AuditEntry.id)))


@pytest.fixture
def editor(client, session, world):
    user = make_user(session, "enterprise", world["enterprises"][0])
    sign_in_as(client, user)
    return user


@pytest.fixture
def regulator(session):
    return make_user(session, "regulator")


def test_a_compliant_showcase_is_published_shown_and_found(app, client, session, world,
                                                           editor):
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{EDIT}?done=published")
    public = reader(app)
    soup = check_page(public.get("/brands/test-brand").get_data(as_text=True), "zh")
    assert "每天清晨收奶" in soup.select_one(".showcase").get_text()
    photo = soup.select_one(".showcase-photos img")
    assert photo["src"] == PHOTO and photo["alt"] == "工厂厂房和奶罐车的插画"
    assert "新品牌发布" in soup.select_one(".brand-events").get_text()
    assert "测试乳业有限公司" in text_of(soup, ".showcase-updated")
    english = check_page(public.get("/brands/test-brand?lang=en").get_data(as_text=True), "en")
    assert "takes milk at dawn" in english.select_one(".showcase").get_text()
    assert "Last updated" in text_of(english, ".showcase-updated")
    # Indexed on publishing, without a rebuild.
    hits = check_page(public.get("/search", query_string={"q": "清晨收奶"})
                      .get_data(as_text=True))
    assert [a["href"] for a in hits.select(".hits a")] == ["/brands/test-brand"]
    assert audit_actions(session) == ["create", "change", "publish"]


@pytest.mark.parametrize(("place", "text", "phrase"), [
    ("body_zh", "## 品牌故事\n\n本品可以替代母乳。", "替代母乳"),
    ("body_zh", "## 品牌故事\n\n配方母 乳 化设计。", "母 乳 化"),
    ("body_en", "## Our story\n\nIt tastes like breast milk.", "like breast milk"),
])
def test_a_breast_milk_claim_is_refused_with_rule_and_phrase(app, client, session, world,
                                                             editor, place, text, phrase):
    rule = default_rules().rule("breastmilk_claim")
    response = submit(client, **{place: text})
    assert response.status_code == 400
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error:")
    assert "nothing was published" in text_of(soup, ".error-summary")
    assert phrases_listed(soup) == [phrase]
    row = soup.select_one("#findings-caption ~ tbody tr")
    assert rule.name_en in row.get_text() and rule.citation("en") in row.get_text()
    assert "line 3" in row.get_text()
    chinese = check_page(client.get(f"{EDIT}?lang=zh").get_data(as_text=True), "zh")
    assert phrases_listed(chinese) == [phrase]
    row = chinese.select_one("#findings-caption ~ tbody tr").get_text()
    assert rule.name_zh in row and rule.citation("zh") in row
    showcase = stored(session, world["brands"][0])
    assert showcase.status == "draft" and len(showcase.revisions) == 1  # saved, not published
    public = reader(app).get("/brands/test-brand").get_data(as_text=True)
    assert phrase not in public and "每天清晨收奶" not in public


def test_a_draft_with_findings_can_be_saved(client, session, world, editor):
    response = submit(client, "save", body_zh="## 品牌故事\n\n本品可以替代母乳。")
    assert response.status_code == 303
    soup = check_page(client.get(response.headers["Location"]).get_data(as_text=True), "en")
    assert phrases_listed(soup) == ["替代母乳"]
    assert stored(session, world["brands"][0]).status == "draft"


def waive(client, showcase_id, rule, phrase, reason):
    return client.post(f"/publish/showcases/{showcase_id}/waive?lang=en",
                       data={"csrf_token": token(client, REVIEW), "rule": rule,
                             "phrase": phrase, "reason": reason})


def test_a_regulator_s_waiver_lets_that_phrase_through_and_only_it(app, client, session, world,
                                                                   editor, regulator):
    two = "## 品牌故事\n\n最新的检验报告在本站公开。\n\n口感接近母乳。"
    assert submit(client, body_zh=two).status_code == 400
    showcase = stored(session, world["brands"][0])
    sign_in_as(client, regulator)
    review = check_page(client.get(f"{REVIEW}?lang=en").get_data(as_text=True), "en")
    assert [q.get_text() for q in review.select(".finding-phrase")] == ["最", "接近母乳"]
    short = waive(client, showcase.id, "absolute_claim", "最", "too short")
    assert short.status_code == 400
    assert "10 to 500 characters" in text_of(check_page(short.get_data(as_text=True)),
                                             ".error-summary")
    assert session.scalars(select(ShowcaseWaiver)).all() == []
    wrong = waive(client, showcase.id, "absolute_claim", "第一", "A phrase not in the text.")
    assert wrong.status_code == 400 and session.scalars(select(ShowcaseWaiver)).all() == []
    reason = "最新 means the latest report here, not a claim to be the best."
    assert waive(client, showcase.id, "absolute_claim", "最", reason).status_code == 303
    waiver = session.scalar(select(ShowcaseWaiver))
    assert (waiver.rule, waiver.phrase, waiver.reason, waiver.waived_by_id) == (
        "absolute_claim", "最", reason, regulator.id)

    sign_in_as(client, editor)
    again = submit(client, body_zh=two)
    assert again.status_code == 400
    assert phrases_listed(check_page(again.get_data(as_text=True))) == ["接近母乳"]
    # The waiver covers that phrase only: another absolute term is still refused.
    other = submit(client, body_zh="## 品牌故事\n\n最新的检验报告在本站公开，每批100%检验。")
    assert other.status_code == 400
    assert phrases_listed(check_page(other.get_data(as_text=True))) == ["100%"]
    assert submit(client, body_zh="## 品牌故事\n\n最新的检验报告在本站公开。").status_code == 303
    public = reader(app).get("/brands/test-brand").get_data(as_text=True)
    assert "最新的检验报告在本站公开" in public
    # The unchanged resubmission added no version.
    assert audit_actions(session) == ["create", "change", "waive", "change", "change",
                                      "publish"]


def test_an_enterprise_editor_cannot_waive(client, session, world, editor):
    assert submit(client, body_zh="## 品牌故事\n\n口感接近母乳。").status_code == 400
    showcase = stored(session, world["brands"][0])
    assert client.get(REVIEW).status_code == 403
    response = client.post(f"/publish/showcases/{showcase.id}/waive",
                           data={"csrf_token": token(client), "rule": "breastmilk_claim",
                                 "phrase": "接近母乳", "reason": "I say it is a fine phrase."})
    assert response.status_code == 403
    assert session.scalars(select(ShowcaseWaiver)).all() == []


def test_an_enterprise_editor_cannot_touch_another_enterprise_s_brand(app, client, session,
                                                                      world, editor):
    assert client.get(OTHER).status_code == 403
    csrf = token(client)
    posts = [(OTHER, {**fields(), "action": "publish"}), (OTHER, {**fields(), "action": "save"}),
             (f"{OTHER}/unpublish", {})]
    for path, data in posts:
        assert client.post(path, data={**data, "csrf_token": csrf}).status_code == 403, path
    assert client.get("/publish/brands/no-such-brand/showcase").status_code == 403
    assert stored(session, world["brands"][1]) is None
    # Their own editor publishes; ours still cannot unpublish it.
    owner = make_user(session, "enterprise", world["enterprises"][1])
    sign_in_as(client, owner)
    assert submit(client, path=OTHER).status_code == 303
    sign_in_as(client, editor)
    assert client.post(f"{OTHER}/unpublish", data={"csrf_token": csrf}).status_code == 403
    assert stored(session, world["brands"][1]).status == "published"


def test_an_administrator_may_edit_any_brand(client, session, world):
    sign_in_as(client, make_user(session, "admin"))
    assert submit(client, path=OTHER).status_code == 303
    assert stored(session, world["brands"][1]).status == "published"
    assert client.get("/publish/brands/no-such-brand/showcase").status_code == 404


XSS = ('## 品牌故事\n\n测试 <script>alert("x")</script>\n\n<img src=x alt=x onerror="alert(2)">'
       '\n\n[点击](javascript:alert(3)) <a href="#" onclick="alert(4)">链接</a>')


def test_markdown_with_scripts_is_shown_inert(app, client, session, world, editor):
    preview = submit(client, "preview", body_zh=XSS.replace("<img src=x alt=x onerror="
                                                            '"alert(2)">', ""))
    assert preview.status_code == 200
    for html in (preview.get_data(as_text=True),):
        section = check_page(html).select_one(".showcase-preview")
        assert section.find("script") is None and "javascript:" not in str(section)
    # An image from outside the site is refused; without it the text publishes, inert.
    assert submit(client, body_zh=XSS).status_code == 400
    assert submit(client, body_zh=XSS.replace('<img src=x alt=x onerror="alert(2)">', ""),
                  title_zh='<script>alert("t")</script>测试牌').status_code == 303
    soup = check_page(reader(app).get("/brands/test-brand").get_data(as_text=True))
    main = soup.find("main")
    assert main.find("script") is None
    assert not [tag for tag in main.find_all(True)
                if any(name.startswith("on") for name in tag.attrs)]
    assert all(not a.get("href", "").startswith("javascript:") for a in main.find_all("a"))


def test_every_saved_version_is_kept_and_drafts_stay_unpublished(app, client, session, world,
                                                                  editor):
    assert submit(client, "save", body_zh=STORY_ZH + "\n\n甲版。").status_code == 303
    assert submit(client, "publish", body_zh=STORY_ZH + "\n\n乙版。").status_code == 303
    assert submit(client, "save", body_zh=STORY_ZH + "\n\n丙版。").status_code == 303
    # Saving the same text again adds no version.
    assert submit(client, "save", body_zh=STORY_ZH + "\n\n丙版。").status_code == 303
    showcase = stored(session, world["brands"][0])
    versions = session.scalars(select(ShowcaseRevision).order_by(ShowcaseRevision.number)).all()
    assert [v.number for v in versions] == [1, 2, 3]
    assert all(v.edited_by_id == editor.id for v in versions)
    assert "甲版" in versions[0].body_zh and showcase.published_number == 2
    public = reader(app).get("/brands/test-brand").get_data(as_text=True)
    assert "乙版" in public and "丙版" not in public
    soup = check_page(client.get(f"{EDIT}?lang=en").get_data(as_text=True), "en")
    rows = soup.select("#revisions-caption ~ tbody tr")
    assert [row.th.get_text() for row in rows] == ["3", "2", "1"]
    assert "Published" in rows[1].get_text() and "Test enterprise" in rows[0].get_text()

    csrf = token(client)
    assert client.post(f"{EDIT}/unpublish", data={"csrf_token": csrf}).status_code == 303
    assert stored(session, world["brands"][0]).status == "draft"
    public = reader(app).get("/brands/test-brand").get_data(as_text=True)
    assert "乙版" not in public
    assert audit_actions(session)[-1] == "unpublish"


def test_the_dashboard_links_each_role_to_its_showcase_pages(client, session, world, editor,
                                                            regulator):
    soup = check_page(client.get("/publish?lang=en").get_data(as_text=True))
    assert soup.find("a", href=EDIT) is not None and soup.find("a", href=OTHER) is None
    assert soup.find("a", href=REVIEW) is None
    sign_in_as(client, regulator)
    soup = check_page(client.get("/publish?lang=en").get_data(as_text=True))
    assert soup.find("a", href=REVIEW) is not None and soup.find("a", href=EDIT) is None


def test_a_rebuilt_index_has_the_published_showcase(app, client, runner, world, editor):
    assert submit(client, body_zh=STORY_ZH + "\n\n奉贤码头直送。").status_code == 303
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    hits = check_page(reader(app).get("/search", query_string={"q": "码头直送"})
                      .get_data(as_text=True))
    assert [a["href"] for a in hits.select(".hits a")] == ["/brands/test-brand"]
