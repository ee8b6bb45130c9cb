"""The fields of an industry figure, as the CSV and JSON downloads, the API and its OpenAPI
description give them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from formulatrust.open_data.fields import Dataset, flat

INDUSTRY_STATISTICS = Dataset("industry_statistics", _l("Industry statistics (figures)"), _l(
    "Production volume, sales volume and sales value published by industry associations, one "
    "figure a record, each with its unit, source note and version."), (
    flat("id", "integer", _l("Stable identifier of the figure on this site."), "12"),
    flat("organisation_slug", "text", _l("Identifier of the publishing association."),
         "demo-federation"),
    flat("organisation_zh", "text", _l("Publishing association, in Chinese."), "示例乳业协会"),
    flat("organisation_en", "text", _l("Publishing association, in English."),
         "Example Dairy Association"),
    flat("period", "text", _l("Month (YYYY-MM) or quarter (YYYY-Qn)."), "2026-03"),
    flat("period_kind", "text", _l("month or quarter."), "month"),
    flat("category_zh", "text", _l("Product category, in Chinese."), "婴儿配方乳粉"),
    flat("category_en", "text", _l("Product category, in English (may be empty)."),
         "Infant formula"),
    flat("stage_zh", "text", _l("Stage, in Chinese; empty for all stages."), "1段"),
    flat("stage_en", "text", _l("Stage, in English (may be empty)."), "Stage 1"),
    flat("measure", "text", _l("production_volume, sales_volume or sales_value."),
         "production_volume"),
    flat("measure_zh", "text", _l("The measure, in Chinese."), "产量"),
    flat("measure_en", "text", _l("The measure, in English."), "Production volume"),
    flat("unit", "text", _l("t (tonnes) for volumes, yuan for sales value."), "t"),
    flat("value", "number", _l("The figure, in its unit."), "1250.5"),
    flat("source_zh", "text", _l("Where the figure comes from, in Chinese."), "会员企业月报汇总"),
    flat("source_en", "text", _l("Where the figure comes from, in English (may be empty)."),
         "Members' monthly returns"),
    flat("version", "integer", _l("1 for the first value, counting up with each correction."),
         "1"),
    flat("updated_at", "datetime", _l("When the current value was published."),
         "2026-04-01T02:00:00+00:00"),
    flat("permalink", "url", _l("The figure's page, with every value it had."),
         "https://example.org/industry-statistics/figures/12"),
))
