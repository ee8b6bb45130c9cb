"""The fields of an industry figure, as the CSV and JSON downloads, the complete data file, the
API and its OpenAPI description give them (``open_data.fields.INDUSTRY_STATISTICS`` makes them
a dataset)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TITLE = _l("Industry statistics (figures)")
DESCRIPTION = _l("Production volume, sales volume and sales value published by industry "
                 "associations, one figure a record, each with its unit, source note and version.")
# Each field: key (also the CSV column), kind, meaning, example.
FIELDS = (
    ("id", "integer", _l("Stable identifier of the figure on this site."), "12"),
    ("organisation_slug", "text", _l("Identifier of the publishing association."),
         "demo-federation"),
    ("organisation_zh", "text", _l("Publishing association, in Chinese."), "示例乳业协会"),
    ("organisation_en", "text", _l("Publishing association, in English."),
         "Example Dairy Association"),
    ("period", "text", _l("Month (YYYY-MM) or quarter (YYYY-Qn)."), "2026-03"),
    ("period_kind", "text", _l("month or quarter."), "month"),
    ("category_zh", "text", _l("Product category, in Chinese."), "婴儿配方乳粉"),
    ("category_en", "text", _l("Product category, in English (may be empty)."),
         "Infant formula"),
    ("stage_zh", "text", _l("Stage, in Chinese; empty for all stages."), "1段"),
    ("stage_en", "text", _l("Stage, in English (may be empty)."), "Stage 1"),
    ("measure", "text", _l("production_volume, sales_volume or sales_value."),
         "production_volume"),
    ("measure_zh", "text", _l("The measure, in Chinese."), "产量"),
    ("measure_en", "text", _l("The measure, in English."), "Production volume"),
    ("unit", "text", _l("t (tonnes) for volumes, yuan for sales value."), "t"),
    ("value", "number", _l("The figure, in its unit."), "1250.5"),
    ("source_zh", "text", _l("Where the figure comes from, in Chinese."), "会员企业月报汇总"),
    ("source_en", "text", _l("Where the figure comes from, in English (may be empty)."),
         "Members' monthly returns"),
    ("version", "integer", _l("1 for the first value, counting up with each correction."),
         "1"),
    ("updated_at", "datetime", _l("When the current value was published."),
         "2026-04-01T02:00:00+00:00"),
    ("permalink", "url", _l("The figure's page, with every value it had."),
         "https://example.org/industry-statistics/figures/12"),
)
