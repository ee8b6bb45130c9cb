"""Checking and re-encoding an uploaded image with Pillow; no Flask, no database.

The content decides what a file is: it must decode as JPEG, PNG or WebP, whatever its name or
declared type says. The size and pixel count are checked before the pixels are decoded, so a
small file that unpacks into a huge image (a decompression bomb) is refused unread. Every
width served is encoded afresh from the pixels alone, so no EXIF (camera, GPS position),
XMP, ICC or text chunk of the upload survives.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("jpeg", "image/jpeg"), "PNG": ("png", "image/png"),
           "WEBP": ("webp", "image/webp")}
EXTENSIONS = {ext: mime for ext, mime in FORMATS.values()}
WIDTHS = (480, 960, 1600)  # the widths served, never wider than the upload


class ImageProblem(ValueError):
    """An upload that is refused; ``code`` names why, the caller chooses the words."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Limits:
    """What an upload may be: bytes, each side in pixels, and pixels in all."""

    max_bytes: int = 5 * 1024 * 1024
    min_side: int = 320
    max_side: int = 8000
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class Variant:
    """One width of an image, encoded."""

    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class Prepared:
    """A checked upload: its format, its size after rotation, and each width encoded."""

    extension: str
    mime: str
    width: int
    height: int
    variants: tuple[Variant, ...]


def prepare(data: bytes, limits: Limits) -> Prepared:
    """Check ``data`` and return it re-encoded in each served width, or raise ImageProblem."""
    if not data:
        raise ImageProblem("empty")
    if len(data) > limits.max_bytes:
        raise ImageProblem("too_large")
    image, kind = decode(data, limits)
    extension, mime = FORMATS[kind]
    width, height = image.size
    variants = tuple(encode(resized(image, each), kind) for each in widths_for(width))
    return Prepared(extension, mime, width, height, variants)


def decode(data: bytes, limits: Limits) -> tuple[Image.Image, str]:
    """Return the upright pixels and the format, checking dimensions before decoding."""
    # Pillow reads the size from the header at open and refuses extreme ones itself
    # (DecompressionBombError); ours, lower, is checked before any pixel is decoded.
    try:
        with Image.open(io.BytesIO(data), formats=tuple(FORMATS)) as opened:
            kind = opened.format or ""
            check_dimensions(*opened.size, limits)
            opened.load()
            upright = ImageOps.exif_transpose(opened)
    except Image.DecompressionBombError as error:
        raise ImageProblem("too_many_pixels") from error
    except ImageProblem:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageProblem("not_image") from error
    if kind not in FORMATS:
        raise ImageProblem("not_image")
    return plain_pixels(upright, kind), kind


def check_dimensions(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise ImageProblem("too_many_pixels")
    if max(width, height) > limits.max_side:
        raise ImageProblem("too_wide")
    if min(width, height) < limits.min_side:
        raise ImageProblem("too_small")


def plain_pixels(image: Image.Image, kind: str) -> Image.Image:
    """Return RGB (or RGBA where the format keeps transparency) pixels with no metadata."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if transparent and kind != "JPEG" else "RGB"
    plain = image.convert(mode) if image.mode != mode else image.copy()
    plain.info = {}
    return plain


def widths_for(width: int) -> list[int]:
    """Return the widths to serve: the standard ones narrower than the image, and its own."""
    return sorted({each for each in WIDTHS if each < width} | {min(width, WIDTHS[-1])})


def resized(image: Image.Image, width: int) -> Image.Image:
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    smaller = image.resize((width, height), Image.Resampling.LANCZOS)
    smaller.info = {}
    return smaller


def encode(image: Image.Image, kind: str) -> Variant:
    """Encode the pixels alone: no EXIF, XMP, ICC profile or comments are passed on."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "WEBP":
        image.save(out, "WEBP", quality=82, method=4)
    else:
        image.save(out, "PNG", optimize=False, compress_level=6)
    return Variant(image.width, image.height, out.getvalue())
