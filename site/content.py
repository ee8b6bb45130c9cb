"""Markdown content with front matter under ``content/``, loaded once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import markdown
import nh3
from flask import Flask
from markdown.extensions.toc import TocExtension, slugify_unicode
from markupsafe import Markup

from formulatrust import PROJECT_ROOT

LANGUAGES = ("zh", "en")
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "hr",
    "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "th": {"scope"}, "td": {"colspan"}, "abbr": {"title"},
}


class ContentError(ValueError):
    """A content file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Page:
    """One Markdown document in one language."""

    slug: str
    lang: str
    title: str
    summary: str
    html: Markup
    source: Path
    meta: dict = field(default_factory=dict)


def render_markdown(text: str) -> Markup:
    """Render Markdown to sanitised HTML with heading ids that keep Chinese text."""
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", TocExtension(slugify=slugify_unicode, toc_depth="2-3")],
        output_format="html",
    )
    return Markup(
        nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener")
    )


def load_page(path: Path) -> Page:
    """Parse one ``slug.lang.md`` file, raising ContentError naming the file and field."""
    slug, _, lang = path.name.removesuffix(".md").rpartition(".")
    if not slug or lang not in LANGUAGES:
        raise ContentError(f"{path}: file name must be <slug>.<zh|en>.md")
    try:
        post = frontmatter.load(path)
    except Exception as error:  # YAML and encoding errors come in many types
        raise ContentError(f"{path}: front matter cannot be read ({error})") from error
    for required in ("title", "summary"):
        if not isinstance(post.get(required), str) or not post[required].strip():
            raise ContentError(f"{path}: front matter field '{required}' is missing or empty")
    if not post.content.strip():
        raise ContentError(f"{path}: the body is empty")
    return Page(
        slug=slug,
        lang=lang,
        title=post["title"].strip(),
        summary=post["summary"].strip(),
        html=render_markdown(post.content),
        source=path,
        meta={k: v for k, v in post.metadata.items() if k not in ("title", "summary")},
    )


def load_folder(folder: Path) -> dict[str, dict[str, Page]]:
    """Load every page in ``folder`` as ``{slug: {lang: page}}``."""
    pages: dict[str, dict[str, Page]] = {}
    for path in sorted(folder.glob("*.md")):
        page = load_page(path)
        pages.setdefault(page.slug, {})[page.lang] = page
    return pages


class Library:
    """All loaded content, by folder (``pages``, ``learn`` …)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders = {
            folder.name: load_folder(folder) for folder in sorted(root.iterdir()) if folder.is_dir()
        }

    def get(self, folder: str, slug: str, lang: str) -> tuple[Page, bool] | None:
        """Return the page in ``lang`` or, flagged as a fallback, in the other language."""
        versions = self.folders.get(folder, {}).get(slug)
        if not versions:
            return None
        if lang in versions:
            return versions[lang], False
        return next(iter(versions.values())), True


def init_app(app: Flask) -> None:
    """Load the content library once and keep it on the application."""
    app.extensions["formulatrust.content"] = Library(
        Path(app.config.get("CONTENT_DIR") or PROJECT_ROOT / "content")
    )
