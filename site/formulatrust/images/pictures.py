"""Images on pages and in forms: the ``srcset`` of a stored image, and receiving an upload
from a form.

``receive`` reads the upload form of any editor (showcases today, articles later) and returns
the stored image or the problems, each in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from formulatrust.core import db
from formulatrust.core.i18n import current_language, other_language
from formulatrust.images import store
from formulatrust.images.models import ImageVariant, StoredImage
from formulatrust.images.processing import ImageProblem, prepare
from formulatrust.publishing.accounts import current_user

# Photos take the page's width on phones and at most about 45rem on wider screens.
SIZES = "(max-width: 48rem) 100vw, 45rem"
PROBLEMS = {
    "empty": _l("Choose a photo to upload (JPEG, PNG or WebP)."),
    "too_large": _l("The photo is larger than %(limit)s. Upload a photo of at most %(limit)s."),
    "not_image": _l("The file is not a JPEG, PNG or WebP photo (its content was checked, not "
                    "its name). Upload a JPEG, PNG or WebP photo."),
    "too_small": _l("The photo is too small: each side must be at least %(min)d pixels."),
    "too_wide": _l("The photo is too large: no side may be longer than %(max)d pixels."),
    "too_many_pixels": _l("The photo has too many pixels: at most %(pixels)s million."),
    "alt_zh": _l("Describe what the photo shows, in Chinese (at most 200 characters)."),
    "alt_en": _l("Describe what the photo shows, in English (at most 200 characters)."),
    "declaration": _l("Confirm that the photo shows no infant and does not compare formula "
                      "with breast milk."),
}
# Which form field each problem belongs to.
FIELDS = {"alt_zh": "image-alt_zh", "alt_en": "image-alt_en", "declaration": "image-declared"}


@dataclass(frozen=True)
class Picture:
    """What an ``<img>`` needs: the default address, the widths, and its size to reserve."""

    src: str
    srcset: str
    sizes: str
    width: int
    height: int


def picture(image: StoredImage) -> Picture:
    """Return the image's attributes: a middle width by default, every width in srcset."""
    variants = image.variants

    def address(each: ImageVariant) -> str:
        return url_for("images.served", key=image.key, width=each.width, ext=image.extension)

    default = next((each for each in variants if each.width >= 960), variants[-1])
    return Picture(src=address(default),
                   srcset=", ".join(f"{address(each)} {each.width}w" for each in variants),
                   sizes=SIZES, width=default.width, height=default.height)


@dataclass
class Upload:
    """An upload form's outcome: the stored image, or the problems with their fields."""

    image: StoredImage | None = None
    status: int = 200
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # field, here, other
    values: dict = field(default_factory=dict)


def limits_text() -> dict:
    """The upload limits as an upload form states them."""
    limits = store.limits_from(current_app.config)
    size = (f"{round(limits.max_bytes / 2**20, 1):g} MB" if limits.max_bytes >= 2**20
            else f"{max(1, round(limits.max_bytes / 1024))} KB")
    return {"size": size, "min_side": limits.min_side,
            "max_side": limits.max_side, "pixels": f"{limits.max_pixels / 1e6:g}"}


def message(code: str) -> tuple[str, str]:
    """Say what is wrong in the page's language and in the other one."""
    stated = limits_text()
    values = {"limit": stated["size"], "min": stated["min_side"], "max": stated["max_side"],
              "pixels": stated["pixels"]}
    said = []
    for lang in (current_language(), other_language()):
        with force_locale(lang):
            said.append(str(PROBLEMS[code]) % values)
    return said[0], said[1]


def receive(owner_kind: str, owner_ref: str, enterprise_id: int | None) -> Upload:
    """Store the uploaded photo of the posted form (fields ``image-file``, ``image-alt_zh``,
    ``image-alt_en``, ``image-declared``), committed with its audit entry."""
    limits = store.limits_from(current_app.config)
    upload = request.files.get("image-file")
    alt_zh = request.form.get("image-alt_zh", "")[:1000]
    alt_en = request.form.get("image-alt_en", "")[:1000]
    declared = request.form.get("image-declared") == "yes"
    values = {"alt_zh": alt_zh, "alt_en": alt_en, "declared": declared}
    codes = store.describe_problems(alt_zh, alt_en, declared)
    data = upload.stream.read(limits.max_bytes + 1) if upload is not None else b""
    image = None
    try:
        if codes:  # still check the file, to name every problem at once
            prepare(data, limits)
        else:
            image = store.upload(db.session(), current_user(), owner_kind=owner_kind,
                                 owner_ref=owner_ref, enterprise_id=enterprise_id, data=data,
                                 limits=limits, alt_zh=alt_zh, alt_en=alt_en, declared=declared)
    except ImageProblem as problem:
        codes = [problem.code, *codes]
    if codes:
        status = 413 if "too_large" in codes else 400
        return Upload(status=status, values=values, problems=[
            (FIELDS.get(code, "image-file"), *message(code)) for code in codes])
    return Upload(image=image, values=values)


def pictures(keys: list[str]) -> dict[str, Picture]:
    """Return the attributes of each shown image among ``keys`` (rejected ones are left out)."""
    found = store.by_keys(db.session(), keys)
    return {key: picture(image) for key, image in found.items() if image.shown}
