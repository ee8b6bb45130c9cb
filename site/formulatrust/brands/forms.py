"""The showcase editor's form and the regulator's waiver form."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, StringField, TextAreaField
from wtforms.fields import FieldList, FormField, HiddenField
from wtforms.validators import DataRequired, Length

from formulatrust.brands.models import ShowcaseRevision
from formulatrust.brands.showcases import REASON_MAX, REASON_MIN, image_problems, static_file
from formulatrust.images.store import key_of
from formulatrust.publishing.bulletins.forms import (
    TOO_LONG,
    clean_text,
    english_all_or_none,
    english_version,
    error_links,
)

SLOTS = 3


def _line(text: str | None) -> str:
    return " ".join(clean_text(text).split())


class PhotoForm(Form):
    """One photo, uploaded for the brand or from ``static/``, described in both languages."""

    src = StringField(_l("Photo address"), validators=[Length(max=300, message=TOO_LONG)],
                      render_kw={"spellcheck": "false", "autocomplete": "off"})
    alt_zh = StringField(_l("What the photo shows (Chinese)"),
                         validators=[Length(max=200, message=TOO_LONG)])
    alt_en = StringField(_l("What the photo shows (English)"),
                         validators=[Length(max=200, message=TOO_LONG)])


class EventForm(Form):
    """One event, such as a new-brand launch."""

    date = StringField(_l("Date"), validators=[Length(max=10, message=TOO_LONG)],
                       render_kw={"type": "date"})
    title_zh = StringField(_l("Event title (Chinese)"),
                           validators=[Length(max=200, message=TOO_LONG)])
    title_en = StringField(_l("Event title (English)"),
                           validators=[Length(max=200, message=TOO_LONG)])
    description_zh = TextAreaField(_l("Description (Chinese)"),
                                   validators=[Length(max=1000, message=TOO_LONG)],
                                   render_kw={"rows": 2})
    description_en = TextAreaField(_l("Description (English)"),
                                   validators=[Length(max=1000, message=TOO_LONG)],
                                   render_kw={"rows": 2})


class ShowcaseForm(FlaskForm):
    """A showcase: Chinese required, English optional (title, summary and text together)."""

    title_zh = StringField(_l("Title (Chinese)"),
                           validators=[DataRequired(_l("Enter the title in Chinese.")),
                                       Length(max=200, message=TOO_LONG)])
    summary_zh = TextAreaField(_l("Summary (Chinese)"),
                               validators=[DataRequired(_l("Enter a short summary in Chinese.")),
                                           Length(max=500, message=TOO_LONG)],
                               render_kw={"rows": 3})
    body_zh = TextAreaField(_l("Brand story (Chinese, Markdown)"),
                            validators=[DataRequired(_l("Enter the brand story in Chinese.")),
                                        Length(max=50000, message=TOO_LONG)],
                            render_kw={"rows": 14})
    title_en, summary_en, body_en = english_version(_l("Brand story (English, Markdown)"))
    photos = FieldList(FormField(PhotoForm), min_entries=SLOTS, max_entries=SLOTS)
    events = FieldList(FormField(EventForm), min_entries=SLOTS, max_entries=SLOTS)
    # Keys of the brand's uploaded images a photo slot may use (the view fills it in).
    image_keys: frozenset[str] = frozenset()

    def validate_all(self) -> bool:
        """Validate every field, keeping every message."""
        return all([self.validate(), self.check_english(), self.check_images(),
                    self.check_photos(), self.check_events()])

    def check_english(self) -> bool:
        return english_all_or_none([self.title_en, self.summary_en, self.body_en])

    def check_images(self) -> bool:
        problems = image_problems({"body_zh": self.body_zh.data, "body_en": self.body_en.data})
        if "alt" in problems:
            self.body_zh.errors = [*self.body_zh.errors, _(
                "An image has no description. Write images as ![what the image shows]"
                "(address).")]
        if "src" in problems:
            self.body_zh.errors = [*self.body_zh.errors, _(
                "An image is not a file of this site. Use an address starting with /static/.")]
        return not problems

    def check_photos(self) -> bool:
        ok = True
        for number, entry in enumerate(self.photos.entries, 1):
            slot = entry.form
            src = _line(slot.src.data)
            if not src:
                if _line(slot.alt_zh.data) or _line(slot.alt_en.data):
                    slot.src.errors = [*slot.src.errors, _(
                        "Photo %(number)d: enter its address, or clear its descriptions.",
                        number=number)]
                    ok = False
                continue
            if not (static_file(src) or key_of(src) in self.image_keys):
                slot.src.errors = [*slot.src.errors, _(
                    "Photo %(number)d: “%(src)s” is neither a photo uploaded for this brand "
                    "nor a file of this site. Upload the photo below, or use an address "
                    "starting with /static/.", number=number, src=src[:100])]
                ok = False
            if not _line(slot.alt_zh.data):
                slot.alt_zh.errors = [*slot.alt_zh.errors, _(
                    "Photo %(number)d: describe what it shows, in Chinese.", number=number)]
                ok = False
            if key_of(src) and not _line(slot.alt_en.data):  # uploads: both languages
                slot.alt_en.errors = [*slot.alt_en.errors, _(
                    "Photo %(number)d: describe what it shows, in English.", number=number)]
                ok = False
        return ok

    def check_events(self) -> bool:
        ok = True
        for number, entry in enumerate(self.events.entries, 1):
            slot = entry.form
            used = any(_line(field.data) for field in slot)
            if not used:
                continue
            try:
                date.fromisoformat(_line(slot.date.data))
            except ValueError:
                slot.date.errors = [*slot.date.errors, _(
                    "Event %(number)d: enter the date like 2026-12-12.", number=number)]
                ok = False
            if not _line(slot.title_zh.data):
                slot.title_zh.errors = [*slot.title_zh.errors, _(
                    "Event %(number)d: enter its title in Chinese.", number=number)]
                ok = False
        return ok

    def error_links(self) -> list[tuple[str, str]]:
        """Return (field id, message) for every problem, in the order of the form."""
        return error_links(self, ("photos", "events"))

    def content(self) -> dict:
        """Return the showcase fields from a validated form."""
        text = {name: _line(getattr(self, name).data)
                for name in ("title_zh", "title_en", "summary_zh", "summary_en")}
        for name in ("body_zh", "body_en"):  # keep Markdown's meaningful indentation
            text[name] = clean_text(getattr(self, name).data).strip("\n")
        photos = [{"src": _line(e.form.src.data), "alt_zh": _line(e.form.alt_zh.data),
                   "alt_en": _line(e.form.alt_en.data)}
                  for e in self.photos.entries if _line(e.form.src.data)]
        events = [{"date": _line(e.form.date.data), "title_zh": _line(e.form.title_zh.data),
                   "title_en": _line(e.form.title_en.data),
                   "description_zh": _line(e.form.description_zh.data),
                   "description_en": _line(e.form.description_en.data)}
                  for e in self.events.entries if any(_line(f.data) for f in e.form)]
        return {**text, "photos": photos, "events": events}


def form_data(revision: ShowcaseRevision | None) -> dict:
    """Return the form's values for the newest version (empty slots to fill)."""
    if revision is None:
        return {"photos": [{}] * SLOTS, "events": [{}] * SLOTS}
    content = revision.content()
    photos = list(content["photos"] or [])[:SLOTS]
    events = list(content["events"] or [])[:SLOTS]
    return {**content, "photos": photos + [{}] * (SLOTS - len(photos)),
            "events": events + [{}] * (SLOTS - len(events))}


class WaiverForm(FlaskForm):
    """A regulator's waiver of one finding: which rule, which phrase, and why."""

    rule = HiddenField()
    phrase = HiddenField()
    reason = TextAreaField(
        _l("Why this phrase does not break the rule"),
        validators=[DataRequired(_l("Write the reason for the waiver.")),
                    Length(min=REASON_MIN, max=REASON_MAX,
                           message=_l("Write the reason in %(min)d to %(max)d characters."))],
        render_kw={"rows": 3})
