"""The publisher's forms: one figure typed in, or a CSV file of figures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField  # type: ignore[attr-defined]  # stubs predate 3.3

from formulatrust.core.i18n import current_language
from formulatrust.domain.industry_figures import COLUMNS, Figure, check_record

MEASURE_CHOICES = [
    SelectChoice("production_volume", _l("Production volume (tonnes)")),
    SelectChoice("sales_volume", _l("Sales volume (tonnes)")),
    SelectChoice("sales_value", _l("Sales value (yuan)")),
]


class FigureForm(FlaskForm):
    """One figure; checked by the same rules as a row of a file."""

    period = StringField(_l("Period"))
    category_zh = StringField(_l("Category in Chinese"))
    category_en = StringField(_l("Category in English"))
    stage_zh = StringField(_l("Stage in Chinese (empty: all stages)"))
    stage_en = StringField(_l("Stage in English"))
    measure = SelectField(_l("Measure"), choices=MEASURE_CHOICES, validate_choice=False)
    value = StringField(_l("Value"))
    source_zh = StringField(_l("Source note in Chinese"))
    source_en = StringField(_l("Source note in English"))

    def checked(self) -> Figure | None:
        """Return the figure, or None with each problem put on its field."""
        cells = {column.key: getattr(self, column.key).data or "" for column in COLUMNS
                 if hasattr(self, column.key)}
        figure, problems = check_record(cells, 1)
        chinese = current_language() == "zh"
        for problem in problems:
            field = getattr(self, problem.column, self.value)
            field.errors = [*field.errors, problem.message_zh if chinese else problem.message_en]
        return figure


class UploadForm(FlaskForm):
    """A CSV file of figures."""

    file = FileField(_l("CSV file of figures"))
