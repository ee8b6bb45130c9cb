"""Photos in learn articles: uploaded through the images store, placed in the Markdown as
``![what it shows](/images/<key>)`` and rendered with every stored width, ``srcset`` and the
size reserved. Only photos uploaded for the article may be placed; any other image in the
text is refused when saving and left out when rendering."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core import db
from formulatrust.core.content import render_markdown
from formulatrust.images import pictures as picture_service
from formulatrust.images import store as images
from formulatrust.images.models import StoredImage
from formulatrust.learn.models import ArticleVersion

OWNER_KIND = "article"
IMG_TAG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"')


def image_sources(markdown: str) -> list[str]:
    """Return the address of each image in ``markdown``, as the sanitised page would have it."""
    return [attributes(tag).get("src", "") for tag in IMG_TAG.findall(str(render_markdown(
        markdown or "")))]


def attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in ATTRIBUTE.findall(tag)}


def image_keys(*texts: str) -> list[str]:
    """Return the keys of the stored images the texts place, in order, once each."""
    keys: list[str] = []
    for text in texts:
        for source in image_sources(text):
            key = images.key_of(source)
            if key and key not in keys:
                keys.append(key)
    return keys


def foreign_images(text: str, allowed: Iterable[str]) -> list[str]:
    """Return the image addresses in ``text`` that are not photos in ``allowed`` (keys)."""
    allowed = set(allowed)
    return [source for source in image_sources(text) if images.key_of(source) not in allowed]


def place(rendered: Markup, pictures: Mapping[str, picture_service.Picture]) -> Markup:
    """Give each placed photo its widths and reserved size; drop any other image."""

    def replace(match: re.Match[str]) -> str:
        found = attributes(match.group())
        picture = pictures.get(images.key_of(found.get("src", "")) or "")
        if picture is None:
            return ""
        return str(Markup('<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" '
                          'alt="{}" loading="lazy" decoding="async">').format(
            picture.src, picture.srcset, picture.sizes, picture.width, picture.height,
            found.get("alt", "")))

    return Markup(IMG_TAG.sub(replace, str(rendered)))


def for_article(session: Session, slug: str) -> list[StoredImage]:
    """The photos uploaded for article ``slug``, newest first."""
    return images.for_owner(session, OWNER_KIND, slug)


def placeable_keys(session: Session, slug: str | None) -> set[str]:
    """The keys of the photos the article may place (uploaded for it, not rejected)."""
    if not slug:
        return set()
    return {image.key for image in for_article(session, slug) if image.shown}


def upload(slug: str) -> picture_service.Upload:
    """Store the photo of the posted upload form for article ``slug`` (uploaded by the
    signed-in account), in one transaction."""
    with db.transaction():
        return picture_service.receive(OWNER_KIND, slug, None)


def markdown_line(image: StoredImage, lang: str) -> str:
    """The Markdown that places ``image`` in a text in ``lang``."""
    alt = image.alt_en if lang == "en" else image.alt_zh
    return f"![{alt.replace(']', '')}]({image.address})"


def referenced_keys(session: Session) -> set[str]:
    """Every stored image any saved version of any article places (kept by ``images purge``)."""
    keys: set[str] = set()
    for body_zh, body_en in session.execute(select(ArticleVersion.body_zh,
                                                   ArticleVersion.body_en)):
        for address in re.findall(r"/images/[0-9a-f]{32}", f"{body_zh}\n{body_en}"):
            key = images.key_of(address)
            if key is not None:  # the pattern found is an image address
                keys.add(key)
    return keys


images.register_user(referenced_keys)
