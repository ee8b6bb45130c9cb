"""An enterprise editor on a phone uploads a photo and publishes a showcase; a regulator approves
the photo in the review queue."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import expect

from formulatrust.core import db
from formulatrust.publishing.models import User

from .. import factories
from ..accounts_factory import PASSWORD, PASSWORD_HASH
from ..liveserver import serving
from .conftest import check_accessible, new_phone_page

EMAIL = "photos@example.com"
REGULATOR = "regulator-photos@example.com"


@pytest.fixture(scope="module")
def photo_server(database_url, tmp_path_factory):
    """Gunicorn with an enterprise editor of the test brand's enterprise."""
    def fill(_app) -> None:
        session = db.session()
        world = factories.small_world(session)
        session.add(User(email=EMAIL, display_name="Photo editor", password_hash=PASSWORD_HASH,
                         role="enterprise", enterprise_id=world["enterprises"][0].id))
        session.add(User(email=REGULATOR, display_name="Regulator", password_hash=PASSWORD_HASH,
                         role="regulator"))

    with serving(database_url, tmp_path_factory.mktemp("photos-live"), "photos_browser",
                 fill) as base:
        yield base


def camera_photo() -> bytes:
    """A phone photo: a JPEG carrying the place it was taken."""
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 9.0)
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 110, 160)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_enterprise_uploads_a_photo_and_publishes_a_showcase(browser, photo_server,
                                                                axe_source):
    context, page = new_phone_page(browser, photo_server, locale="en-US", bypass_csp=True)
    page.goto("/sign-in?lang=en")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/publish/brands/test-brand/showcase?lang=en")
    check_accessible(page, axe_source)
    photo = {"name": "factory.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()}

    # Forgetting the declaration: nothing is stored, the problem is named.
    page.set_input_files("#image-file", files=[photo])
    page.locator("#image-alt_zh").fill("灌装车间的照片")
    page.locator("#image-alt_en").fill("Photo of the filling hall")
    page.get_by_role("button", name="Upload the photo").click()
    expect(page.locator(".error-summary")).to_contain_text("shows no infant")
    check_accessible(page, axe_source)

    page.set_input_files("#image-file", files=[photo])
    page.locator("#image-declared").check()
    page.get_by_role("button", name="Upload the photo").click()
    expect(page.locator("[role=status]")).to_contain_text("photo is uploaded")
    expect(page.locator("#photos-0-src")).to_have_value(
        page.locator(".uploaded-images .code").first.inner_text())
    expect(page.locator("#photos-0-alt_en")).to_have_value("Photo of the filling hall")
    check_accessible(page, axe_source)

    page.locator("#title_zh").fill("测试牌")
    page.locator("#summary_zh").fill("测试乳业的品牌。")
    page.locator("#body_zh").fill("## 品牌故事\n\n工厂位于浦东新区，每天清晨收奶。")
    page.locator("#title_en").fill("Testbrand")
    page.locator("#summary_en").fill("A brand of Test Dairy.")
    page.locator("#body_en").fill("## Our story\n\nThe Pudong factory takes milk at dawn.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("[role=status]")).to_contain_text("Published")

    page.goto("/brands/test-brand?lang=en")
    image = page.locator(".showcase-photos img")
    expect(image).to_have_attribute("alt", "Photo of the filling hall")
    assert image.get_attribute("srcset").count("w,") == 2  # three widths
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("960", "720")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    # At phone width the browser picks a width from srcset and the box keeps the proportions.
    box = image.bounding_box()
    assert box is not None and abs(box["width"] / box["height"] - 4 / 3) < 0.02
    check_accessible(page, axe_source)
    context.close()

    # The regulator sees the photo in the review queue and approves it.
    context, page = new_phone_page(browser, photo_server, locale="en-US", bypass_csp=True)
    page.goto("/sign-in?lang=en")
    page.get_by_label("Email address").fill(REGULATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/publish/showcases/review?lang=en")
    queued = page.locator("#images-review-heading ~ .uploaded-images li")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("Photo of the filling hall")
    check_accessible(page, axe_source)
    page.get_by_role("button", name="Approve the photo").click()
    expect(page.locator("[role=status]")).to_contain_text("decision on the photo is recorded")
    expect(queued).to_have_count(0)
    check_accessible(page, axe_source)
    context.close()
