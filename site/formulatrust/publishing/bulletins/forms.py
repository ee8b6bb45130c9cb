"""The bulletin editor's forms, and the words for what is wrong with a pasted table."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import Form, RadioField, SelectChoice, StringField, TextAreaField  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from formulatrust.core.clock import SHANGHAI, utcnow
from formulatrust.core.content import render_markdown
from formulatrust.domain import bulletin_tables
from formulatrust.publishing.bulletins.models import Bulletin
from formulatrust.publishing.bulletins.store import MAX_SLUG

TABLE_SLOTS = 3
MAX_PROBLEMS_SHOWN = 10
MOMENT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?")
TOO_LONG = _l("Use at most %(max)d characters.")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

PROBLEMS = {
    "empty": _l("Table %(table)d: paste the figures: a header row, then one row per period."),
    "no_series": _l("Table %(table)d, row 1: after the period heading, add at least one series "
                    "name, separated by commas."),
    "too_many_series": _l("Table %(table)d, row 1: use at most %(limit)d series."),
    "heading_blank": _l("Table %(table)d, row 1, column %(column)d: the heading is empty."),
    "heading_too_long": _l("Table %(table)d, row 1, column %(column)d: the heading is longer "
                           "than %(limit)d characters."),
    "heading_duplicate": _l("Table %(table)d, row 1, column %(column)d: the heading "
                            "“%(value)s” is used twice."),
    "no_rows": _l("Table %(table)d: add at least one row of figures below the header row."),
    "too_many_rows": _l("Table %(table)d: use at most %(limit)d rows of figures."),
    "cell_count": _l("Table %(table)d, row %(row)d: it has %(value)s cells, but the header row "
                     "has %(limit)d."),
    "period_blank": _l("Table %(table)d, row %(row)d, column 1: enter the period (for example "
                       "2026-01)."),
    "period_too_long": _l("Table %(table)d, row %(row)d, column 1: the period is longer than "
                          "%(limit)d characters."),
    "period_duplicate": _l("Table %(table)d, row %(row)d, column 1: the period “%(value)s” is "
                           "listed twice."),
    "value_blank": _l("Table %(table)d, row %(row)d, column %(column)d (%(name)s): enter a "
                      "number."),
    "not_a_number": _l("Table %(table)d, row %(row)d, column %(column)d (%(name)s): "
                       "“%(value)s” is not a number."),
    "negative": _l("Table %(table)d, row %(row)d, column %(column)d (%(name)s): enter zero or "
                   "more, not “%(value)s”."),
    "too_large": _l("Table %(table)d, row %(row)d, column %(column)d (%(name)s): “%(value)s” "
                    "is too large."),
}
CHART_CHOICES = [SelectChoice("line", _l("Line chart (all series together)")),
                 SelectChoice("column", _l("Column chart (one chart per series)"))]


def clean_text(text: str | None) -> str:
    """Drop control characters other than line breaks and tabs (PostgreSQL refuses NUL)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text)


def problem_message(table: int, problem: bulletin_tables.Problem) -> str:
    """Say what is wrong with a pasted table, naming the table, row and column."""
    return str(PROBLEMS[problem.code]) % {
        "table": table, "row": problem.row, "column": problem.column,
        "value": problem.value[:40], "name": problem.name[:40], "limit": problem.expected}


class TableForm(Form):
    """One statistics table: its titles, the chart to draw and the pasted figures."""

    title_zh = StringField(_l("Table title (Chinese)"),
                           validators=[Length(max=200, message=TOO_LONG)])
    title_en = StringField(_l("Table title (English, optional)"),
                           validators=[Length(max=200, message=TOO_LONG)])
    chart = RadioField(_l("Chart"), choices=CHART_CHOICES, default="line",
                       validators=[Optional()])
    figures = TextAreaField(_l("Figures"), validators=[Length(max=20000, message=TOO_LONG)],
                         # Headings are written in Chinese; pages take their English from the
                         # vocabulary.
                         render_kw={"rows": 8, "spellcheck": "false", "lang": "zh-Hans"})


def _required(message: str) -> list:
    return [DataRequired(message)]


def error_links(form: Form, nested: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (field id, message) for every problem of ``form``, in its order; ``nested``
    names its lists of sub-forms, whose problems link to the sub-form's own fields."""
    links = []
    for field in form:
        if isinstance(field, FieldList) and field.name in nested:
            for entry in field.entries:
                links += [(sub.id, error) for sub in entry.form for error in sub.errors]
        elif field.name != "csrf_token":
            links += [(field.id, error) for error in field.errors]
    return links


def english_version(body_label: str) -> tuple[StringField, TextAreaField, TextAreaField]:
    """The optional English title, summary and Markdown text of a bilingual editor."""
    return (StringField(_l("Title (English)"), validators=[Length(max=200, message=TOO_LONG)]),
            TextAreaField(_l("Summary (English)"), validators=[Length(max=500, message=TOO_LONG)],
                          render_kw={"rows": 3}),
            TextAreaField(body_label, validators=[Length(max=50000, message=TOO_LONG)],
                          render_kw={"rows": 14}))


class BulletinForm(FlaskForm):
    """A bulletin: Chinese required, English optional (all of it or none), tables, a time."""

    slug = StringField(
        _l("Web address name (optional)"),
        validators=[Optional(), Length(max=MAX_SLUG, message=TOO_LONG),
                    Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                           message=_l("Use lower-case letters, digits and single hyphens "
                                      "only, such as 2026-q3-quality."))],
        render_kw={"spellcheck": "false", "autocomplete": "off"})
    title_zh = StringField(_l("Title (Chinese)"),
                           validators=_required(_l("Enter the title in Chinese."))
                           + [Length(max=200, message=TOO_LONG)])
    summary_zh = TextAreaField(_l("Summary (Chinese)"),
                               validators=_required(_l("Enter a short summary in Chinese."))
                               + [Length(max=500, message=TOO_LONG)],
                               render_kw={"rows": 3})
    body_zh = TextAreaField(_l("Text (Chinese, Markdown)"),
                            validators=_required(_l("Enter the text of the bulletin in Chinese."))
                            + [Length(max=50000, message=TOO_LONG)],
                            render_kw={"rows": 14})
    title_en, summary_en, body_en = english_version(_l("Text (English, Markdown)"))
    tables = FieldList(FormField(TableForm), min_entries=TABLE_SLOTS, max_entries=TABLE_SLOTS)
    publish_at = StringField(_l("Publication time (Shanghai time)"),
                             render_kw={"type": "datetime-local"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parsed_tables: list[dict] = []
        self.moment: datetime | None = None

    def check_english(self) -> bool:
        return english_all_or_none([self.title_en, self.summary_en, self.body_en])

    def validate_publish_at(self, field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        match = MOMENT.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            year, month, day, hour, minute = (int(part) for part in match.groups())
            self.moment = datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
        except ValueError:
            raise ValidationError(_("Enter the date and time like 2026-12-01 09:30.")) from None

    def check_tables(self) -> bool:
        """Parse each table slot in use; put the problems on its figures field."""
        self.parsed_tables = []
        ok = True
        for number, entry in enumerate(self.tables.entries, 1):
            slot = entry.form
            text = clean_text(slot.figures.data).strip()
            titled = (slot.title_zh.data or "").strip() or (slot.title_en.data or "").strip()
            if not text:
                if titled:
                    slot.figures.errors = [*slot.figures.errors, _(
                        "Table %(table)d: paste the figures, or clear the table's titles.",
                        table=number)]
                    ok = False
                continue
            if not (slot.title_zh.data or "").strip():
                slot.title_zh.errors = [*slot.title_zh.errors, _(
                    "Table %(table)d: enter its title in Chinese.", table=number)]
                ok = False
            try:
                table = bulletin_tables.parse_table(text)
            except bulletin_tables.StatisticsError as error:
                messages = [problem_message(number, each)
                            for each in error.problems[:MAX_PROBLEMS_SHOWN]]
                hidden = len(error.problems) - MAX_PROBLEMS_SHOWN
                if hidden > 0:
                    messages.append(ngettext("Table %(table)d: %(num)d more problem is not "
                                             "shown.", "Table %(table)d: %(num)d more problems "
                                             "are not shown.", hidden, table=number))
                slot.figures.errors = [*slot.figures.errors, *messages]
                ok = False
                continue
            table.title_zh = clean_text(slot.title_zh.data).strip()
            table.title_en = clean_text(slot.title_en.data).strip()
            table.chart = slot.chart.data if slot.chart.data in bulletin_tables.CHARTS else "line"
            self.parsed_tables.append(table.to_json())
        return ok

    def validate_all(self) -> bool:
        """Validate the fields and the pasted tables, keeping every message."""
        results = [self.validate(), self.check_english(), self.check_tables(),
                   self.check_images()]
        return all(results)

    def check_images(self) -> bool:
        """Refuse images without a description: screen-reader users could not know them."""
        ok = True
        for field in (self.body_zh, self.body_en):
            html = render_markdown(field.data or "")
            if any(not re.search(r'\balt="[^"]+"', tag) for tag in re.findall(r"<img\b[^>]*>",
                                                                             html)):
                field.errors = [*field.errors, _(
                    "An image has no description. Write images as ![what the image shows]"
                    "(address).")]
                ok = False
        return ok

    def error_links(self) -> list[tuple[str, str]]:
        """Return (field id, message) for every problem, in the order of the form."""
        return error_links(self, ("tables",))

    def content(self) -> dict:
        """Return the bulletin fields from a validated form."""
        text = {name: clean_text(getattr(self, name).data).strip()
                for name in ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh",
                             "body_en")}
        for name in ("body_zh", "body_en"):  # keep Markdown's meaningful indentation
            text[name] = clean_text(getattr(self, name).data).strip("\n")
        return {**text, "statistics": list(self.parsed_tables)}

    def require_future(self) -> bool:
        """For scheduling: the time must be given and still to come."""
        if self.publish_at.errors:
            return False
        if self.moment is None:
            self.publish_at.errors = [_("Enter the date and time to publish it, in Shanghai "
                                        "time.")]
            return False
        if self.moment <= utcnow():
            self.publish_at.errors = [_("Choose a time still to come, or use “Publish now”.")]
            return False
        return True


def form_data(bulletin: Bulletin) -> dict:
    """Return the form's values for an existing bulletin."""
    tables = [{"title_zh": table.get("title_zh", ""), "title_en": table.get("title_en", ""),
               "chart": table.get("chart", "line"),
               "figures": bulletin_tables.Table.from_json(table).to_text()}
              for table in bulletin.statistics or []]
    tables += [{"chart": "line"}] * (TABLE_SLOTS - len(tables))
    moment = bulletin.published_at
    return {"slug": bulletin.slug, "title_zh": bulletin.title_zh,
            "title_en": bulletin.title_en, "summary_zh": bulletin.summary_zh,
            "summary_en": bulletin.summary_en, "body_zh": bulletin.body_zh,
            "body_en": bulletin.body_en, "tables": tables[:TABLE_SLOTS],
            "publish_at": moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
            if moment and bulletin.is_scheduled() else ""}


class AttachmentForm(FlaskForm):
    """A PDF to attach."""

    file = FileField(_l("PDF file"))


def english_all_or_none(english: list) -> bool:
    """English is optional, but its title, summary and text go together."""
    filled = [bool((each.data or "").strip()) for each in english]
    if any(filled) and not all(filled):
        missing = english[filled.index(False)]
        missing.errors = [*missing.errors, _("Fill in the English title, summary and "
                                             "text, or leave all three empty.")]
        return False
    return True
