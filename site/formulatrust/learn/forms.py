"""The science editors' article form: both languages, the topic, the sources."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, ValidationError  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.validators import InputRequired, Length

from formulatrust.domain.article_review import Source, is_web_link
from formulatrust.learn.article_images import foreign_images
from formulatrust.learn.articles import SLUG, Draft
from formulatrust.learn.topics import TOPICS

REQUIRED = _l("Fill this in.")
TOO_LONG = _l("Shorten this to %(max)d characters.")
SOURCE_SHAPE = _l("Line %(line)d: give the title, publisher, date and link, separated by |.")
SOURCE_LINK = _l("Line %(line)d: the link must start with http:// or https://.")
NO_SOURCE = _l("Give at least one source.")
ENGLISH_HALF = _l("Give the English title, summary and text together, or none of them.")
BAD_SLUG = _l("Use lower-case letters, digits and hyphens, such as preparing-a-bottle.")
FOREIGN_IMAGE = _l("Only photos uploaded for this article can be placed (save the article, "
                   "then upload them under the form). Remove or replace: %(addresses)s")


def required(maximum: int) -> list:
    return [InputRequired(message=REQUIRED), Length(max=maximum, message=TOO_LONG)]


def parse_sources(text: str) -> tuple[list[Source], list[str]]:
    """One source a line, ``title | publisher | date | link``; return them and the problems."""
    sources, problems = [], []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for number, line in enumerate(lines, 1):
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) != 4 or not all(cells):
            problems.append(str(SOURCE_SHAPE) % {"line": number})
        elif not is_web_link(cells[3]) or len(cells[3]) > 500:
            problems.append(str(SOURCE_LINK) % {"line": number})
        else:
            sources.append(Source(*(cell[:300] for cell in cells)))
    if not lines:
        problems.append(str(NO_SOURCE))
    return sources, problems


def sources_text(sources: list[dict]) -> str:
    return "\n".join(" | ".join(source.get(key, "") for key in ("title", "publisher", "date",
                                                               "url")) for source in sources)


class ArticleForm(FlaskForm):
    """An article in both languages; English may be left out (Chinese-only articles)."""

    slug = StringField(_l("Address (the end of /learn/…)"), validators=[Length(max=100)])
    topic = SelectField(_l("Topic"), validate_choice=True,
                        choices=[SelectChoice(key, label) for key, label in TOPICS.items()])
    title_zh = StringField(_l("Title in Chinese"), validators=required(200))
    summary_zh = TextAreaField(_l("Summary in Chinese"), validators=required(500))
    body_zh = TextAreaField(_l("Text in Chinese (Markdown)"), validators=required(50000))
    title_en = StringField(_l("Title in English"), validators=[Length(max=200, message=TOO_LONG)])
    summary_en = TextAreaField(_l("Summary in English"),
                               validators=[Length(max=500, message=TOO_LONG)])
    body_en = TextAreaField(_l("Text in English (Markdown)"),
                            validators=[Length(max=50000, message=TOO_LONG)])
    sources = TextAreaField(_l("Sources, one a line: title | publisher | date | link"))

    def __init__(self, *args, new: bool = False, image_keys: frozenset[str] = frozenset(),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        self.image_keys = image_keys  # the photos uploaded for the article

    def check_images(self, field: TextAreaField) -> None:
        foreign = foreign_images(field.data or "", self.image_keys)
        if foreign:
            raise ValidationError(str(FOREIGN_IMAGE) % {"addresses": ", ".join(
                dict.fromkeys(source or "?" for source in foreign))})

    def validate_body_zh(self, field: TextAreaField) -> None:
        self.check_images(field)

    def validate_slug(self, field: StringField) -> None:
        if self.new and not SLUG.match((field.data or "").strip()):
            raise ValidationError(BAD_SLUG)

    def validate_body_en(self, field: TextAreaField) -> None:
        given = [bool((value or "").strip())
                 for value in (self.title_en.data, self.summary_en.data, field.data)]
        if any(given) and not all(given):
            raise ValidationError(ENGLISH_HALF)
        self.check_images(field)

    def validate_sources(self, field: TextAreaField) -> None:
        _, problems = parse_sources(field.data or "")
        if problems:
            raise ValidationError(" ".join(problems))

    def draft(self) -> Draft:
        sources, _ = parse_sources(self.sources.data or "")
        text = {name: (getattr(self, name).data or "").strip()
                for name in ("title_zh", "summary_zh", "body_zh", "title_en", "summary_en",
                             "body_en")}
        return Draft(self.topic.data, sources=tuple(sources), **text)
