"""A science editor uploads a photo for an article (checked as showcase photos are: content,
size, descriptions in both languages, the declaration), places it in the Markdown, and
readers get it in every stored width with its size reserved. Only photos uploaded for the
article may be placed; a photo a regulator rejects leaves the page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from formulatrust.images.models import StoredImage
from formulatrust.learn.models import ArticleVersion

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page
from .learn_world import approve, make_editors, save_version
from .test_images import ALT_EN, ALT_ZH, picture_bytes, upload
from .test_learn_articles import text_of

EDIT = "/publish/articles/vitamin-d/edit"
UPLOAD = "/publish/articles/vitamin-d/images"


@pytest.fixture
def editors(session):
    return make_editors(session)


@pytest.fixture
def draft(client, editors):
    """A saved article, its author signed in."""
    assert save_version(client, editors[0]) == 303
    return editors


def stored(session) -> list[StoredImage]:
    session.expire_all()
    return list(session.scalars(select(StoredImage)))


def form_values(page) -> dict:
    """The article form as the page fills it in."""
    values = {field["name"]: field.get("value", "") for field in page.select("form input")
              if field.get("name")}
    values.update({area["name"]: area.get_text() for area in page.select("form textarea")})
    values["topic"] = page.select_one("#topic option[selected]")["value"]
    return values


def test_an_uploaded_photo_is_placed_previewed_and_shown_to_readers_in_every_width(
        app, client, session, draft):
    author, reviewer = draft
    answer = upload(client, picture_bytes("JPEG"), path=UPLOAD)
    assert answer.status_code == 303
    [image] = stored(session)
    assert (image.owner_kind, image.owner_ref) == ("article", "vitamin-d")
    assert image.review_status == "pending" and image.declared_no_infant

    page = check_page(client.get(answer.headers["Location"] + "&lang=en").get_data(
        as_text=True), "en")
    assert "uploaded and placed" in page.select_one(".notice[role=status]").get_text()
    placed_zh, placed_en = (f"![{ALT_ZH}](/images/{image.key})",
                            f"![{ALT_EN}](/images/{image.key})")
    values = form_values(page)
    assert values["body_zh"].rstrip().endswith(placed_zh)
    assert values["body_en"].rstrip().endswith(placed_en)

    preview = client.post(f"{EDIT}?lang=en", data=values | {"action": "preview"})
    assert preview.status_code == 200
    shown = check_page(preview.get_data(as_text=True), "en").select(".article-preview img")
    assert [img["alt"] for img in shown] == [ALT_ZH, ALT_EN]
    widths = [f"/images/{image.key}-{width}.jpeg {width}w" for width in (480, 960, 1300)]
    assert shown[0]["srcset"] == ", ".join(widths)
    assert (shown[0]["width"], shown[0]["height"]) == ("960", "665")

    assert client.post(EDIT, data=values | {"action": "save"}).status_code == 303
    assert approve(client, reviewer, 2) == 303
    reader = app.test_client()
    article = check_page(reader.get("/learn/vitamin-d?lang=en").get_data(as_text=True), "en")
    [img] = article.select(".prose img")
    assert img["alt"] == ALT_EN and img["srcset"] == ", ".join(widths)
    assert (img["width"], img["height"]) == ("960", "665")
    served = reader.get(img["src"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"]
    assert "max-age=31536000" in served.headers["Cache-Control"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_photo_without_descriptions_or_declaration_is_refused_in_both_languages(
        client, session, draft, lang):
    refused = upload(client, picture_bytes("PNG"), path=UPLOAD, lang=lang,
                     **{"image-alt_en": "", "image-declared": ""})
    assert refused.status_code == 400
    page = check_page(refused.get_data(as_text=True), lang)
    summary = page.select_one(".error-summary").get_text()
    assert "Describe what the photo shows, in English" in summary
    assert "Confirm that the photo shows no infant" in summary
    assert "请用英文描述照片的内容" in summary and "请确认照片中没有婴儿" in summary
    assert page.title.get_text().startswith("Error:" if lang == "en" else "错误")
    assert stored(session) == []


def test_a_file_that_is_not_a_photo_is_refused_by_its_content(client, session, draft):
    refused = upload(client, b"%PDF-1.4 not a photo" * 10, path=UPLOAD, filename="a.jpg")
    assert refused.status_code == 400
    assert "not a JPEG, PNG or WebP photo" in text_of(refused)
    assert stored(session) == []


@pytest.mark.parametrize("placed", ["![logo](https://example.com/a.png)",
                                    "![photo](/static/img/logo.png)",
                                    "![photo](/images/0123456789abcdef0123456789abcdef)"])
def test_only_photos_uploaded_for_the_article_may_be_placed(client, session, draft, placed):
    token = csrf_token(client, EDIT)
    values = {"csrf_token": token, "topic": "feeding", "action": "save",
              "title_zh": "维生素D补充", "summary_zh": "摘要。", "body_zh": f"正文。\n\n{placed}",
              "sources": "Guide | Society | 2022 | https://example.org/"}
    refused = client.post(f"{EDIT}?lang=en", data=values)
    assert refused.status_code == 400
    assert "Only photos uploaded for this article can be placed" in text_of(refused)
    session.expire_all()
    assert len(session.scalars(select(ArticleVersion)).all()) == 1


def test_a_photo_a_regulator_rejects_leaves_the_article(app, client, session, draft):
    author, reviewer = draft
    upload(client, picture_bytes("JPEG"), path=UPLOAD)
    [image] = stored(session)
    page = check_page(client.get(f"{EDIT}?add={image.key}").get_data(as_text=True))
    assert client.post(EDIT, data=form_values(page) | {"action": "save"}).status_code == 303
    assert approve(client, reviewer, 2) == 303
    reader = app.test_client()
    assert check_page(reader.get("/learn/vitamin-d").get_data(as_text=True)).select(".prose img")

    regulator = make_user(session, "regulator")
    sign_in_as(client, regulator)
    queue = check_page(client.get("/publish/showcases/review?lang=en").get_data(as_text=True))
    assert "Science article vitamin-d" in " ".join(queue.get_text().split())
    token = csrf_token(client, "/publish/showcases/review")
    assert client.post(f"/publish/showcases/images/{image.id}/review",
                       data={"csrf_token": token, "decision": "reject",
                             "reason": "Shows a baby bottle as a breast-milk substitute."}
                       ).status_code == 303
    assert not check_page(reader.get("/learn/vitamin-d").get_data(as_text=True)).select("img")


def test_purge_keeps_a_photo_an_article_version_places(client, runner, session, draft):
    upload(client, picture_bytes("JPEG"), path=UPLOAD)
    [image] = stored(session)
    page = check_page(client.get(f"{EDIT}?add={image.key}").get_data(as_text=True))
    client.post(EDIT, data=form_values(page) | {"action": "save"})
    result = runner.invoke(args=["images", "purge", "--older-than", "0", "--yes"])
    assert result.exit_code == 0, result.output
    assert [each.key for each in stored(session)] == [image.key]


def test_the_command_uploads_a_photo_and_prints_its_markdown(runner, session, draft, tmp_path):
    photo = tmp_path / "hall.webp"
    photo.write_bytes(picture_bytes("WEBP"))
    args = ["learn", "image", "vitamin-d", str(photo), "--alt-zh", ALT_ZH, "--alt-en", ALT_EN,
            "--by", "author@example.com"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "declaration" in refused.output
    assert stored(session) == []
    done = runner.invoke(args=[*args, "--declare-no-infant"])
    assert done.exit_code == 0, done.output
    [image] = stored(session)
    assert f"![{ALT_EN}](/images/{image.key})" in done.output
    assert image.extension == "webp" and image.owner_ref == "vitamin-d"
