"""Uploaded showcase photos: checked by content, re-encoded without metadata (GPS), stored in
the database, served in several widths with immutable caching, owners only, reviewed by
regulators, and listed or purged by the operator's command."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from sqlalchemy import select

from formulatrust.images.models import ImageVariant, StoredImage
from formulatrust.publishing.models import AuditEntry

from ..accounts_factory import csrf_token, make_user, sign_in_as
from ..pagecheck import check_page, text_of

EDIT = "/publish/brands/test-brand/showcase"
UPLOAD = f"{EDIT}/images"
OTHER_UPLOAD = "/publish/brands/river-brand/showcase/images"
REVIEW = "/publish/showcases/review"
ALT_ZH = "工厂灌装车间的照片"
ALT_EN = "Photo of the factory's filling hall"
CAMERA = "SecretCam 3000"


def picture_bytes(kind: str, size=(1300, 900), mode="RGB", metadata: bool = True) -> bytes:
    """A picture in ``kind`` format carrying a camera name and a GPS position where it can."""
    image = Image.new(mode, size, (30, 120, 200) if mode == "RGB" else 1)
    out = io.BytesIO()
    exif = Image.Exif()
    if metadata:
        exif[ExifTags.Base.Make] = CAMERA
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 9.0)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 4.0)
    if kind == "JPEG":
        image.save(out, "JPEG", exif=exif)
    elif kind == "WEBP":
        image.save(out, "WEBP", exif=exif)
    else:
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", CAMERA)
        image.save(out, "PNG", pnginfo=text, exif=exif)
    return out.getvalue()


def token(client, path=EDIT) -> str:
    soup = check_page(client.get(path).get_data(as_text=True))
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def upload(client, data: bytes | None, filename="photo.jpg", mimetype="image/jpeg",
           path=UPLOAD, lang="en", **changes):
    form = {"csrf_token": csrf_token(client), "image-alt_zh": ALT_ZH, "image-alt_en": ALT_EN,
            "image-declared": "yes", **changes}
    if data is not None:
        form["image-file"] = (io.BytesIO(data), filename, mimetype)
    return client.post(f"{path}?lang={lang}", data=form, content_type="multipart/form-data")


def stored_images(session) -> list[StoredImage]:
    session.expire_all()
    return list(session.scalars(select(StoredImage).order_by(StoredImage.id)))


def reader(app):
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    return client


@pytest.fixture
def editor(client, session, world):
    user = make_user(session, "enterprise", world["enterprises"][0])
    sign_in_as(client, user)
    return user


def served_urls(image: StoredImage) -> list[str]:
    return [f"/images/{image.key}-{v.width}.{image.extension}" for v in image.variants]


@pytest.mark.parametrize(("kind", "extension", "mime"), [
    ("JPEG", "jpeg", "image/jpeg"), ("PNG", "png", "image/png"), ("WEBP", "webp", "image/webp")])
def test_each_format_is_stored_re_encoded_without_its_metadata(app, client, session, world,
                                                               editor, kind, extension, mime):
    original = picture_bytes(kind)
    with Image.open(io.BytesIO(original)) as sent:  # the upload does carry a position
        assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert CAMERA.encode() in original
    response = upload(client, original)
    assert response.status_code == 303
    [image] = stored_images(session)
    assert response.headers["Location"].endswith(
        f"{EDIT}?add={image.key}&done=uploaded#photos-heading")
    assert (image.extension, image.width, image.height) == (extension, 1300, 900)
    assert (image.alt_zh, image.alt_en, image.declared_no_infant) == (ALT_ZH, ALT_EN, True)
    assert [v.width for v in image.variants] == [480, 960, 1300]
    for url, variant in zip(served_urls(image), image.variants, strict=True):
        answer = reader(app).get(url)
        assert answer.status_code == 200 and answer.mimetype == mime
        body = answer.get_data()
        assert CAMERA.encode() not in body and b"Exif" not in body
        with Image.open(io.BytesIO(body)) as served:
            assert served.format == kind
            assert served.size == (variant.width, variant.height)
            assert not served.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert len(served.getexif()) == 0
            assert "Comment" not in served.info and "exif" not in served.info
    # The editor page offers the photo in the first free slot, with its descriptions.
    page = check_page(client.get(response.headers["Location"]).get_data(as_text=True), "en")
    assert page.find(id="photos-0-src")["value"] == f"/images/{image.key}"
    assert page.find(id="photos-0-alt_en")["value"] == ALT_EN
    assert "uploaded" in text_of(page, ".notice[role=status]")


def test_the_content_decides_the_format_not_the_name_or_declared_type(client, session, world,
                                                                      editor):
    assert upload(client, picture_bytes("PNG"), "photo.jpg", "image/jpeg").status_code == 303
    assert [image.extension for image in stored_images(session)] == ["png"]
    text = upload(client, b"<svg xmlns='http://www.w3.org/2000/svg'/>" * 50, "photo.png",
                  "image/png")
    assert text.status_code == 400
    assert len(stored_images(session)) == 1


def tiny_gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(out, "GIF")
    return out.getvalue()


def huge_bitmap() -> bytes:
    """81 million pixels in a few kilobytes: refused before its pixels are decoded."""
    out = io.BytesIO()
    Image.new("1", (9000, 9000), 1).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("data", "changes", "status", "field", "words"), [
    (None, {}, 400, "image-file", "Choose a photo to upload"),
    (b"just some text, not a picture" * 10, {}, 400, "image-file", "not a JPEG, PNG or WebP"),
    ("gif", {}, 400, "image-file", "not a JPEG, PNG or WebP"),
    ("small", {}, 400, "image-file", "too small: each side must be at least 320 pixels"),
    ("bomb", {}, 400, "image-file", "too many pixels"),
    ("ok", {"image-alt_zh": " "}, 400, "image-alt_zh", "in Chinese"),
    ("ok", {"image-alt_en": ""}, 400, "image-alt_en", "in English"),
    ("ok", {"image-declared": ""}, 400, "image-declared", "shows no infant"),
])
def test_bad_uploads_are_refused_naming_the_problem_in_both_languages(
        client, session, world, editor, data, changes, status, field, words):
    made = {"gif": tiny_gif, "small": lambda: picture_bytes("JPEG", (300, 300)),
            "bomb": huge_bitmap, "ok": lambda: picture_bytes("JPEG")}
    if isinstance(data, str):
        data = made[data]()
    response = upload(client, data, **changes)
    assert response.status_code == status
    soup = check_page(response.get_data(as_text=True), "en")
    assert soup.title.get_text().startswith("Error:")
    summary = soup.select_one(".error-summary")
    assert "not uploaded" in summary.get_text()
    link = summary.find("a", href=f"#{field}")
    assert link is not None and words in link.get_text()
    other = link.find_next_sibling("span")
    assert other["lang"] == "zh-Hans" and other.get_text().strip()
    assert soup.find(id=field) is not None
    assert stored_images(session) == []
    assert session.scalars(select(ImageVariant)).all() == []


def test_a_photo_over_the_size_setting_is_refused_with_413(make_app, app_overrides, session,
                                                            world):
    app = make_app({**app_overrides, "IMAGE_MAX_BYTES": 20 * 1024})
    client = reader(app)
    sign_in_as(client, make_user(session, "enterprise", world["enterprises"][0]))
    noise = Image.effect_noise((200, 200), 100).convert("RGB")  # under the spooling size
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 20 * 1024
    response = upload(client, out.getvalue(), "noise.png", "image/png")
    assert response.status_code == 413
    summary = check_page(response.get_data(as_text=True), "en").select_one(".error-summary")
    assert "larger than 20 KB" in summary.get_text()
    assert stored_images(session) == []


def publish_with_photo(client, src: str):
    from .test_showcases import submit
    return submit(client, **{"photos-0-src": src, "photos-0-alt_zh": ALT_ZH,
                             "photos-0-alt_en": ALT_EN})


def test_an_uploaded_photo_in_a_showcase_needs_its_english_description(client, session, world,
                                                                      editor):
    assert upload(client, picture_bytes("JPEG")).status_code == 303
    [image] = stored_images(session)
    from .test_showcases import submit
    response = submit(client, **{"photos-0-src": image.address, "photos-0-alt_zh": ALT_ZH,
                                 "photos-0-alt_en": ""})
    assert response.status_code == 400
    summary = check_page(response.get_data(as_text=True)).select_one(".error-summary")
    assert summary.find("a", href="#photos-0-alt_en").get_text() == (
        "Photo 1: describe what it shows, in English.")


def test_the_showcase_page_serves_every_width_with_its_size_reserved(app, client, session,
                                                                     world, editor):
    assert upload(client, picture_bytes("JPEG", (2400, 1600))).status_code == 303
    [image] = stored_images(session)
    assert publish_with_photo(client, image.address).status_code == 303
    page = check_page(reader(app).get("/brands/test-brand?lang=en").get_data(as_text=True),
                      "en")
    img = page.select_one(".showcase-photos img")
    assert img["alt"] == ALT_EN
    candidates = [each.strip().split(" ") for each in img["srcset"].split(",")]
    assert [width for _url, width in candidates] == ["480w", "960w", "1600w"]
    assert img["sizes"]
    default = reader(app).get(img["src"])
    with Image.open(io.BytesIO(default.get_data())) as shown:
        assert (int(img["width"]), int(img["height"])) == shown.size
    assert int(img["width"]) * 2 == int(img["height"]) * 3  # the upload's proportions
    for url, width in candidates:
        with Image.open(io.BytesIO(reader(app).get(url).get_data())) as each:
            assert f"{each.width}w" == width


def test_served_images_are_cached_for_a_year_and_change_address_with_content(
        app, client, session, world, editor):
    assert upload(client, picture_bytes("PNG")).status_code == 303
    assert upload(client, picture_bytes("PNG", (1300, 901))).status_code == 303
    first, second = stored_images(session)
    assert first.key != second.key
    url = served_urls(first)[0]
    answer = reader(app).get(url)
    cache = answer.headers["Cache-Control"]
    assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
    again = reader(app).get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert reader(app).get(f"/images/{first.key}-481.png").status_code == 404
    assert reader(app).get(f"/images/{first.key}-480.jpeg").status_code == 404


def test_only_the_brand_s_own_enterprise_uploads_and_uses_its_photos(app, client, session,
                                                                     world, editor):
    refused = upload(client, picture_bytes("JPEG"), path=OTHER_UPLOAD)
    assert refused.status_code == 403
    assert stored_images(session) == []
    # A photo of another brand cannot be put in this brand's showcase.
    river = make_user(session, "enterprise", world["enterprises"][1])
    other_client = reader(app)
    sign_in_as(other_client, river)
    assert upload(other_client, picture_bytes("JPEG"), path=OTHER_UPLOAD).status_code == 303
    [theirs] = stored_images(session)
    used = publish_with_photo(client, theirs.address)
    assert used.status_code == 400
    assert "neither a photo uploaded for this brand" in text_of(
        check_page(used.get_data(as_text=True)), ".error-summary")
    for role in ("regulator", "association", "science"):
        sign_in_as(client, make_user(session, role))
        assert upload(client, picture_bytes("JPEG"), path=UPLOAD).status_code == 403, role
    sign_in_as(client, None)
    signed_out = client.post(UPLOAD, data={"csrf_token": csrf_token(client)})
    assert signed_out.status_code in (302, 303)
    assert signed_out.headers["Location"].startswith("/sign-in")
    assert len(stored_images(session)) == 1


def test_a_regulator_reviews_uploads_and_a_rejected_photo_leaves_the_page(
        app, client, session, world, editor):
    assert upload(client, picture_bytes("JPEG")).status_code == 303
    [image] = stored_images(session)
    assert publish_with_photo(client, image.address).status_code == 303
    assert client.get(REVIEW).status_code == 403  # enterprise editors do not review
    assert client.post(f"/publish/showcases/images/{image.id}/review",
                       data={"csrf_token": token(client), "decision": "approve"}
                       ).status_code == 403
    regulator = make_user(session, "regulator")
    sign_in_as(client, regulator)
    queue = check_page(client.get(f"{REVIEW}?lang=en").get_data(as_text=True), "en")
    listed = queue.select_one("#images-review-heading ~ .uploaded-images li")
    assert ALT_EN in listed.get_text() and listed.img["src"] == served_urls(image)[1]
    csrf = token(client, REVIEW)
    without_reason = client.post(f"/publish/showcases/images/{image.id}/review?lang=en",
                                 data={"csrf_token": csrf, "decision": "reject"})
    assert without_reason.status_code == 400
    assert "Say why" in text_of(check_page(without_reason.get_data(as_text=True)),
                                ".error-summary")
    assert stored_images(session)[0].review_status == "pending"
    rejected = client.post(f"/publish/showcases/images/{image.id}/review",
                           data={"csrf_token": csrf, "decision": "reject",
                                 "reason": "The bottle in the corner is a feeding bottle."})
    assert rejected.status_code == 303
    assert stored_images(session)[0].review_status == "rejected"
    for url in served_urls(image):
        assert reader(app).get(url).status_code == 404
    page = check_page(reader(app).get("/brands/test-brand").get_data(as_text=True))
    assert page.select(".showcase-photos img") == []
    after = check_page(client.get(f"{REVIEW}?lang=en").get_data(as_text=True), "en")
    assert after.select("#images-review-heading ~ .uploaded-images li") == []
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "image").order_by(AuditEntry.id)).all()
    assert actions == ["create", "reject"]


def test_the_operator_lists_and_purges_unused_images(app, client, session, world, editor,
                                                     runner):
    assert upload(client, picture_bytes("JPEG")).status_code == 303
    assert upload(client, picture_bytes("PNG")).status_code == 303
    used, unused = stored_images(session)
    assert publish_with_photo(client, used.address).status_code == 303
    listing = runner.invoke(args=["images", "list", "--unused"])
    assert listing.exit_code == 0 and listing.output.split("\t")[0] == unused.key
    assert used.key not in listing.output
    purged = runner.invoke(args=["images", "purge", "--older-than", "0", "--yes"])
    assert purged.exit_code == 0 and "Deleted 1 unused images." in purged.output
    assert [image.key for image in stored_images(session)] == [used.key]
    assert reader(app).get(served_urls(used)[0]).status_code == 200
