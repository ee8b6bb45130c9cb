"""Markdown content with front matter under ``content/``, loaded once at start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import frontmatter
import markdown
import nh3
from flask import Flask
from markdown.extensions.toc import TocExtension, slugify_unicode
from markupsafe import Markup

from formulatrust.core.config import PROJECT_ROOT
from formulatrust.domain.compliance import (
    RulesError,
    RuleSet,
    Waiver,
    check_markdown_file,
    default_rules,
    read_rules,
    read_waivers,
    split_waived,
)

LANGUAGES = ("zh", "en")
# content/pages/: the pages linked from every footer
FOOTER_PAGES = ("about", "privacy", "accessibility", "data-licence", "contact")
RULES_FOLDER = "rules"  # content/rules/: the advertising rules and regulators' waivers
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "hr",
    "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "th": {"scope"}, "td": {"colspan"}, "abbr": {"title"},
    "span": {"lang"},  # Chinese quoted in English text is marked <span lang="zh-Hans">
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
    toc: tuple[tuple[str, str], ...] = ()  # (heading id, heading text) of the ## headings
    text: str = ""  # the Markdown body, for search and reading time

    @property
    def reading_minutes(self) -> int:
        """Estimate reading time: about 400 Chinese characters or 200 English words a minute."""
        han = sum(1 for ch in self.text if "\u4e00" <= ch <= "\u9fff")
        words = len(re.findall(r"[A-Za-z]+", self.text))
        return max(1, round(han / 400 + words / 200))


def render_markdown(text: str) -> Markup:
    """Render Markdown to sanitised HTML with heading ids that keep Chinese text."""
    return _render(text)[0]


def _render(text: str) -> tuple[Markup, tuple[tuple[str, str], ...]]:
    converter = markdown.Markdown(
        extensions=["tables", "sane_lists", TocExtension(slugify=slugify_unicode, toc_depth="2-3")],
        output_format="html",
    )
    html = converter.convert(text)
    tokens = converter.toc_tokens  # type: ignore[attr-defined]  # set by the toc extension
    toc = tuple((token["id"], token["name"]) for token in tokens)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel="noopener")
    return Markup(clean), toc


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
        value = post.get(required)
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{path}: front matter field '{required}' is missing or empty")
    if not post.content.strip():
        raise ContentError(f"{path}: the body is empty")
    html, toc = _render(post.content)
    _check_images(path, html)
    _check_events(path, post.get("events"))
    return Page(
        slug=slug,
        lang=lang,
        title=str(post["title"]).strip(),
        summary=str(post["summary"]).strip(),
        html=html,
        source=path,
        meta={k: v for k, v in post.metadata.items() if k not in ("title", "summary")},
        toc=toc,
        text=post.content,
    )


def _check_images(path: Path, html: str) -> None:
    """Refuse images without alt text (unreadable to screen readers) or without their file."""
    for tag in re.findall(r"<img\b[^>]*>", html):
        if not re.search(r'\balt="[^"]*[^"\s][^"]*"', tag):
            raise ContentError(f"{path}: an image has no alt text")
        src = re.search(r'\bsrc="([^"]*)"', tag)
        if src and src.group(1).startswith("/static/"):
            local = PROJECT_ROOT / src.group(1).lstrip("/").split("?")[0]
            if not local.is_file():
                raise ContentError(f"{path}: the image {src.group(1)} is not in static/")


def _check_events(path: Path, events: object) -> None:
    """Check the optional ``events`` front matter: a list of ``date`` and ``title``."""
    if events is None:
        return
    if not isinstance(events, list):
        raise ContentError(f"{path}: front matter field 'events' must be a list")
    for number, event in enumerate(events):
        name = f"events[{number}]"
        if not isinstance(event, dict):
            raise ContentError(f"{path}: front matter field '{name}' needs a date and a title")
        if not isinstance(event.get("date"), date):
            raise ContentError(f"{path}: front matter field '{name}.date' must be a date "
                               "like 2026-12-12")
        if not isinstance(event.get("title"), str) or not event["title"].strip():
            raise ContentError(f"{path}: front matter field '{name}.title' is missing or empty")
        if not isinstance(event.get("description", ""), str):
            raise ContentError(f"{path}: front matter field '{name}.description' must be text")


def load_folder(folder: Path) -> dict[str, dict[str, Page]]:
    """Load every page in ``folder`` as ``{slug: {lang: page}}``."""
    pages: dict[str, dict[str, Page]] = {}
    for path in sorted(folder.glob("*.md")):
        page = load_page(path)
        pages.setdefault(page.slug, {})[page.lang] = page
    return pages


def rules_and_waivers(root: Path) -> tuple[RuleSet, tuple[Waiver, ...]]:
    """Return the advertising rules and waivers of a content folder (``root/rules/``).

    A folder without its own rule file uses the repository's; a malformed file raises
    ContentError naming the file, the rule or waiver, and the field.
    """
    own = root / RULES_FOLDER / "advertising.toml"
    try:
        rules = read_rules(own) if own.is_file() else default_rules()
        return rules, read_waivers(root / RULES_FOLDER / "waivers.toml", rules)
    except RulesError as error:
        raise ContentError(str(error)) from error


def document_name(path: Path, root: Path) -> str:
    """Name a document as waivers do: its path inside the content folder, with slashes."""
    resolved = path.resolve()
    if resolved.is_relative_to(root.resolve()):
        return resolved.relative_to(root.resolve()).as_posix()
    return path.as_posix()


class Library:
    """All loaded content, by folder (``pages``, ``learn`` …).

    Every article and showcase is checked against the advertising rules when it is loaded; a
    document that breaks one (and has no regulator's waiver for it) is not published, and
    ``blocked`` says why.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rules, self.waivers = rules_and_waivers(root)
        self.blocked: dict[Path, list] = {}
        self.folders = {
            folder.name: self._compliant(load_folder(folder))
            for folder in sorted(root.iterdir()) if folder.is_dir() and folder.name != RULES_FOLDER
        }

    def _compliant(self, pages: dict[str, dict[str, Page]]) -> dict[str, dict[str, Page]]:
        kept: dict[str, dict[str, Page]] = {}
        for slug, versions in pages.items():
            for lang, page in versions.items():
                findings, _ = split_waived(document_name(page.source, self.root),
                                           check_markdown_file(page.source, rules=self.rules),
                                           self.waivers)
                if findings:
                    self.blocked[page.source] = findings
                else:
                    kept.setdefault(slug, {})[lang] = page
        return kept

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
    library = Library(Path(app.config.get("CONTENT_DIR") or PROJECT_ROOT / "content"))
    for path, findings in library.blocked.items():
        for finding in findings:
            app.logger.warning("Not published, %s:%d breaks rule %s: %r", path, finding.line,
                               finding.rule, finding.phrase)
    app.extensions["formulatrust.content"] = library


def render_with_contents(text: str) -> tuple[Markup, tuple[tuple[str, str], ...]]:
    """Render Markdown as ``render_markdown`` does, with the (id, text) of its headings."""
    return _render(text)
