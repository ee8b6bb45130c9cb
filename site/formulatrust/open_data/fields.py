"""The fields of every download, defined once: CSV headers, JSON keys, the data dictionary page
and the OpenAPI schemas are all read from here, so none of them can drift from the others.

A field's ``key`` is its place in a JSON record: dots step into objects (``name.zh``) and ``[]``
into a list of objects (``failed_items[].item``). A field with a ``column`` is also a CSV column;
its value is the JSON value at ``key``, flattened (see :func:`csv_value`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from formulatrust.industry import dataset as industry

LIST_SEPARATOR = "；"
TYPES = {
    "integer": _l("integer"),
    "number": _l("number"),
    "text": _l("text"),
    "date": _l("date (YYYY-MM-DD)"),
    "datetime": _l("date and time (ISO 8601)"),
    "boolean": _l("true or false (CSV: yes or no)"),
    "url": _l("URL"),
    "list": _l("list (CSV: items joined by “；”)"),
    "object": _l("object"),
}


@dataclass(frozen=True)
class Field:
    """One published field: where it is in JSON and CSV, what it means, one example."""

    key: str
    kind: str
    meaning: object
    example: str = ""
    column: str | None = None
    nullable: bool = False
    flatten: Callable[[Any], str] | None = None

    @property
    def json_type(self) -> dict:
        """Return the JSON Schema of the value."""
        schema: dict[str, Any] = {"integer": {"type": "integer"}, "number": {"type": "number"},
                  "boolean": {"type": "boolean"}, "object": {"type": "object"},
                  "list": {"type": "array"}, "date": {"type": "string", "format": "date"},
                  "datetime": {"type": "string", "format": "date-time"},
                  "url": {"type": "string", "format": "uri"}}.get(self.kind, {"type": "string"})
        if self.nullable:
            schema = {**schema, "type": [schema["type"], "null"]}
        return schema


def flat(name: str, kind: str, meaning: object, example: str = "", **options: Any) -> Field:
    """A field with the same name in CSV and JSON."""
    return Field(name, kind, meaning, example, column=name, **options)


def failed_items_cell(items: Iterable[Mapping[str, str]] | None) -> str:
    """Write failed items as ``item║measured║limit`` joined by ``；`` (one CSV cell)."""
    return LIST_SEPARATOR.join(f"{i['item']}║{i['measured']}║{i['limit']}" for i in items or [])


def brand_names_cell(brands: Iterable[Mapping[str, Any]] | None) -> str:
    """Write brands by their Chinese names joined by ``；``."""
    return LIST_SEPARATOR.join(b["name"]["zh"] for b in brands or [])


@dataclass(frozen=True)
class Dataset:
    """One download: its records' fields; ``csv`` lists the CSV columns in order (or all)."""

    slug: str
    title: object
    description: object
    fields: tuple[Field, ...]
    csv: tuple[str, ...] | None = None

    @property
    def columns(self) -> list[str]:
        """Return the CSV header."""
        if self.csv is not None:
            return list(self.csv)
        return [f.column for f in self.fields if f.column]

    def csv_fields(self) -> list[Field]:
        """Return the fields of the CSV, in column order."""
        by_column = {f.column: f for f in self.fields if f.column}
        return [by_column[name] for name in self.columns]

    def keys(self) -> set[str]:
        """Return every documented JSON key."""
        return {f.key for f in self.fields}

    def row(self, record: Mapping) -> list[str]:
        """Return the CSV row of one JSON record."""
        return [csv_value(f, lookup(record, f.key)) for f in self.csv_fields()]


def lookup(record: Mapping, key: str) -> object:
    """Return the value at a dotted ``key`` of ``record`` (None where a step is missing)."""
    value: object = record
    for step in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def csv_value(field: Field, value: object) -> str:
    """Flatten one JSON value for CSV: yes/no for booleans, lists joined, nothing for null."""
    if field.flatten is not None:
        return field.flatten(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def json_keys(value: object, prefix: str = "") -> set[str]:
    """Return the key paths of a JSON record, in the notation of :attr:`Field.key`.

    An object contributes its members' paths; any other value, its own (a list of objects
    both its own and its members').
    """
    keys: set[str] = set()
    if isinstance(value, Mapping):
        for name, inner in value.items():
            path = f"{prefix}.{name}" if prefix else name
            if not isinstance(inner, Mapping):
                keys.add(path)
            keys |= json_keys(inner, path)
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for inner in value:
            keys |= json_keys(inner, prefix + "[]")
    return keys


RESULTS = Dataset("results", _l("Sampling results"), _l(
    "One record per sample the regulator tested, as announced, with corrections applied."), (
    flat("id", "integer", _l("Stable identifier of the result on this site."), "1024"),
    flat("sample_no", "text", _l("The regulator's sample number (抽样编号), where given."),
         "DBJ26310000000000001"),
    flat("announced_on", "date", _l("Date of the announcement."), "2026-06-01", nullable=True),
    flat("announcement_no", "text", _l("Announcement number (公告号)."), "2026年第9号"),
    flat("compliant", "boolean", _l("Whether the sample met the national food-safety "
                                    "standards."), "false"),
    flat("enterprise_name", "text", _l("Producer named on the label."), "示例乳业有限公司"),
    flat("enterprise_address", "text", _l("Producer's address on the label."), "上海市示例路1号"),
    flat("trademark", "text", _l("Trademark on the label."), "示例"),
    flat("product_name", "text", _l("Product name as announced."), "示例婴儿配方乳粉（1段）"),
    flat("specification", "text", _l("Package size or specification."), "800g/罐"),
    flat("production_date_or_lot", "text", _l("Production date or lot as announced."),
         "2026-03-01/20260301A1"),
    flat("lot", "text", _l("Lot number read from the production date or lot, where possible."),
         "20260301A1"),
    flat("category", "text", _l("Food category."), "婴幼儿配方食品"),
    flat("category_raw", "text", _l("Food category as announced, where it differs from the "
                                    "vocabulary's form in category."), "婴幼儿配方乳粉"),
    flat("subcategory", "text", _l("Food subcategory (食品细类), where given."),
         "婴儿配方食品"),
    flat("subcategory_raw", "text", _l("Food subcategory as announced, where it differs from "
                                       "the vocabulary's form in subcategory."), "婴儿配方乳粉"),
    flat("shelf_life", "text", _l("Shelf life, where given."), "24个月"),
    flat("sampled_unit", "text", _l("Shop or business where the sample was taken."),
         "示例母婴店"),
    flat("sampled_unit_en", "text", _l("The shop's English name, where known."), "Demo Shop"),
    flat("sampled_unit_address", "text", _l("Address of the sampled shop or business."),
         "上海市示例路2号"),
    flat("province", "text", _l("Province of the sampled shop or business."), "上海"),
    flat("province_raw", "text", _l("Province as announced, where it differs."), "上海市"),
    flat("failed_items", "list", _l("Items that failed. In CSV: item║measured║limit, several "
                                    "joined by “；”."), "阪崎肠杆菌║检出║不得检出",
         flatten=failed_items_cell),
    Field("failed_items[].item", "text", _l("Name of the failed item."), "阪崎肠杆菌"),
    Field("failed_items[].item_raw", "text", _l("The failed item as announced, where it differs "
                                                "from the vocabulary's form."), "克罗诺杆菌"),
    Field("failed_items[].measured", "text", _l("Value the laboratory measured."), "检出"),
    Field("failed_items[].limit", "text", _l("Limit or requirement in the standard."),
          "不得检出"),
    Field("failed_items[].label_requirement", "text", _l(
        "Value the label claims, for items checked against the label."), "≥14"),
    flat("lab", "text", _l("Laboratory that tested the sample."), "示例食品检验所"),
    flat("lab_en", "text", _l("The laboratory's English name, where known."), "Demo Lab"),
    flat("task_source", "text", _l("Sampling programme or task (任务来源)."),
         "上海市市场监督管理局"),
    flat("note", "text", _l("The regulator's note."), ""),
    flat("source_url", "url", _l("Address of the original announcement; null when unknown."),
         "https://example.gov.cn/notice/9", nullable=True),
    flat("updated_at", "datetime", _l("When this record last changed on this site."),
         "2026-06-02T08:00:00"),
    flat("permalink", "url", _l("Permanent page of the result on this site."),
         "https://example.org/results/1024"),
))

RECALLS = Dataset("recalls", _l("Recalls"), _l(
    "Recall notices: the product, the lots affected, the reason and what parents should do."), (
    flat("id", "integer", _l("Stable identifier of the recall on this site."), "12"),
    flat("announced_on", "date", _l("Date the recall was announced."), "2026-05-01"),
    flat("gtin", "text", _l("GTIN-14 of the recalled product."), "09520102026148"),
    flat("product_name_zh", "text", _l("Product name in Chinese."), "示例较大婴儿配方乳粉（2段）"),
    flat("product_name_en", "text", _l("Product name in English."),
         "Example follow-on formula (stage 2)"),
    flat("enterprise_slug", "text", _l("Identifier of the enterprise in this site's URLs."),
         "example-dairy"),
    flat("enterprise_name_zh", "text", _l("Enterprise name in Chinese."), "示例乳业有限公司"),
    flat("enterprise_name_en", "text", _l("Enterprise name in English."),
         "Example Dairy Co., Ltd."),
    flat("lots", "list", _l("Lots recalled; empty means every lot of the product."),
         "20260830B3"),
    flat("reason_zh", "text", _l("Reason for the recall, in Chinese."), "维生素A含量不足。"),
    flat("reason_en", "text", _l("Reason for the recall, in English."),
         "Vitamin A below the label."),
    flat("action_zh", "text", _l("What parents should do, in Chinese."), "停止食用并退货。"),
    flat("action_en", "text", _l("What parents should do, in English."),
         "Stop using it and return it."),
    flat("source_url", "url", _l("Address of the original notice; null when unknown."),
         "https://example.gov.cn/recall/12", nullable=True),
    flat("status", "text", _l("ongoing, completed (the cans stay recalled) or withdrawn."),
         "ongoing"),
    flat("status_reason", "text", _l("Why the status was set, such as why it was withdrawn."),
         ""),
    flat("level", "integer", _l("Level under the food recall measures, 1 the most serious."),
         "1", nullable=True),
    flat("version", "integer", _l("Version of the recall; every earlier version is on its "
                                  "page."), "1"),
    flat("permalink", "url", _l("Permanent page of the recall on this site."),
         "https://example.org/recalls/12"),
))

SUPERVISION = Dataset("supervision", _l("Key-supervision list"), _l(
    "Producers and products under closer supervision after a failed sampling test, with the "
    "dates they were listed and cleared."), (
    flat("id", "integer", _l("Stable identifier of the listing on this site."), "3"),
    flat("enterprise_slug", "text", _l("Identifier of the enterprise in this site's URLs."),
         "example-dairy"),
    flat("enterprise_name_zh", "text", _l("Enterprise name in Chinese."), "示例乳业有限公司"),
    flat("enterprise_name_en", "text", _l("Enterprise name in English."),
         "Example Dairy Co., Ltd."),
    flat("gtin", "text", _l("GTIN-14 of the product listed; empty when the whole producer is "
                            "listed."), "09520201024359", nullable=True),
    flat("product_name_zh", "text", _l("Product name in Chinese."), "示例幼儿配方乳粉（3段）",
         nullable=True),
    flat("product_name_en", "text", _l("Product name in English."),
         "Example young child formula (stage 3)", nullable=True),
    flat("listed_on", "date", _l("Date the listing began."), "2026-06-10"),
    flat("delisted_on", "date", _l("Date the listing ended; empty while still listed."), "",
         nullable=True),
    flat("listed", "boolean", _l("Whether the listing is still in force."), "true"),
    flat("reason_zh", "text", _l("Reason for the listing, in Chinese."), "抽检不合格。"),
    flat("reason_en", "text", _l("Reason for the listing, in English."),
         "Failed a sampling test."),
    flat("enterprise_url", "url", _l("The enterprise's page on this site."),
         "https://example.org/enterprises/example-dairy"),
))

_ENTERPRISE = {f.key: f for f in (
    Field("slug", "text", _l("Identifier of the enterprise in this site's URLs."),
          "example-dairy", column="slug"),
    Field("name.zh", "text", _l("Enterprise name in Chinese."), "示例乳业有限公司",
          column="name_zh"),
    Field("name.en", "text", _l("Enterprise name in English."), "Example Dairy Co., Ltd.",
          column="name_en"),
    Field("credit_code", "text", _l("Unified social credit code."), "91310000EXAMPLE001",
          column="credit_code"),
    Field("licence_no", "text", _l("Food production licence number."), "SC10631010000001",
          column="licence_no"),
    Field("district.zh", "text", _l("District in Chinese."), "浦东新区", column="district_zh"),
    Field("district.en", "text", _l("District in English."), "Pudong New Area",
          column="district_en"),
    Field("address.zh", "text", _l("Address in Chinese."), "上海市浦东新区示例路1号",
          column="address_zh"),
    Field("address.en", "text", _l("Address in English."), "1 Example Road, Pudong, Shanghai",
          column="address_en"),
    Field("brands", "list", _l("The enterprise's brands (CSV: Chinese names)."), "示例",
          column="brands", flatten=brand_names_cell),
    Field("brands[].slug", "text", _l("Identifier of the brand in this site's URLs."),
          "example-brand"),
    Field("brands[].name.zh", "text", _l("Brand name in Chinese."), "示例"),
    Field("brands[].name.en", "text", _l("Brand name in English."), "Example"),
    Field("rating", "object", _l("The current integrity rating; null when not yet rated."), "",
          nullable=True),
    Field("rating.grade", "text", _l("Integrity grade, A (best) to D."), "A", column="grade"),
    Field("rating.score", "number", _l("Total score out of 100, where scored."), "92.5",
          column="score", nullable=True),
    Field("rating.assessed_on", "date", _l("Date of the assessment."), "2026-01-10",
          column="assessed_on"),
    Field("rating.valid_until", "date", _l("Last day the grade is valid."), "2027-01-09",
          column="valid_until"),
    Field("rating.assessor", "text", _l("Who assessed the enterprise."), "示例评定组",
          column="assessor"),
    Field("rating.criteria", "list", _l(
        "Score by criterion: [criterion, weight in %, score, evidence]."),
        '[["sampling", 30, 100, "…"]]', nullable=True),
    Field("rating.capped_by", "list", _l("Rules that limited the grade, if any."),
          '["serious_failure_12_months"]', nullable=True),
    Field("url", "url", _l("The enterprise's page on this site."),
          "https://example.org/enterprises/example-dairy", column="url"),
)}
_RATING_KEYS = ("slug", "name.zh", "name.en", "credit_code", "licence_no", "district.zh",
                "district.en", "rating", "rating.grade", "rating.score", "rating.assessed_on",
                "rating.valid_until", "rating.assessor", "rating.criteria", "rating.capped_by",
                "url")

RATINGS = Dataset("ratings", _l("Integrity ratings"), _l(
    "Every producer with its current integrity grade."),
    tuple(_ENTERPRISE[key] for key in _RATING_KEYS),
    csv=("slug", "name_zh", "name_en", "district_zh", "district_en", "grade", "score",
         "assessed_on", "valid_until", "assessor", "url"))

ENTERPRISES = Dataset("enterprises", _l("Enterprises"), _l(
    "Every producer of infant formula on record, with its licence, brands and current grade."),
    tuple(_ENTERPRISE.values()),
    csv=("slug", "name_zh", "name_en", "credit_code", "licence_no", "district_zh",
         "district_en", "address_zh", "address_en", "brands", "grade", "url"))



def of_enterprise(*fields: Field) -> tuple[Field, ...]:
    """An enterprise record's fields: its id, the enterprise it belongs to, then ``fields``."""
    return (flat("id", "integer", _l("Stable identifier of the record on this site."), "7"),
            flat("enterprise_slug", "text", _l("Identifier of the enterprise in this site's "
                                               "URLs."), "example-dairy"),
            flat("enterprise_name_zh", "text", _l("Enterprise name in Chinese."),
                 "示例乳业有限公司"),
            flat("enterprise_name_en", "text", _l("Enterprise name in English."),
                 "Example Dairy Co., Ltd."), *fields)


SOURCE = flat("source_url", "url", _l("Address of the original publication; null when unknown."),
              "https://example.gov.cn/notice/7", nullable=True)
LICENCES = Dataset("licences", _l("Production licences"), _l(
    "Every licence event of every producer: granted, changed or renewed."), of_enterprise(
    flat("number", "text", _l("Food production licence number."), "SC10631010000001"),
    flat("event", "text", _l("granted, changed or renewed."), "renewed"),
    flat("on", "date", _l("Date of the event."), "2025-05-01"),
    flat("valid_until", "date", _l("Last day the licence is valid."), "2030-04-30"),
    flat("scope_zh", "text", _l("What the licence covers, in Chinese."), "婴幼儿配方乳粉"),
    flat("scope_en", "text", _l("What the licence covers, in English."), "Infant formula"),
    SOURCE))
PENALTIES = Dataset("penalties", _l("Administrative penalties"), _l(
    "Every penalty decision on record, with its status and how long it stays public."),
    of_enterprise(
    flat("decision_no", "text", _l("Number of the penalty decision."), "沪市监案〔2025〕1号"),
    flat("decided_on", "date", _l("Date of the decision."), "2025-08-01"),
    flat("facts_zh", "text", _l("What happened, in Chinese."), "标签不符合规定。"),
    flat("facts_en", "text", _l("What happened, in English."), "The label broke the rules."),
    flat("legal_basis", "text", _l("The law the decision applies."),
         "《食品安全法》第一百二十五条"),
    flat("amount_yuan", "number", _l("Fine in yuan."), "50000"),
    flat("suspended_production", "boolean", _l("Whether production was suspended."), "false"),
    flat("status", "text", _l("in_force, appealed, corrected or overturned."), "in_force"),
    flat("publish_until", "date", _l("Last day the decision must stay public; the site keeps "
                                     "it afterwards, marked."), "2028-08-01"),
    SOURCE))
INSPECTIONS = Dataset("inspections", _l("Inspections"), _l(
    "Every regulator's inspection on record, its findings and the rectification it required."),
    of_enterprise(
    flat("inspected_on", "date", _l("Date of the inspection."), "2025-09-12"),
    flat("scope_zh", "text", _l("What was inspected, in Chinese."), "生产过程"),
    flat("scope_en", "text", _l("What was inspected, in English."), "Production"),
    flat("findings_zh", "text", _l("Findings, in Chinese."), "未发现问题。"),
    flat("findings_en", "text", _l("Findings, in English."), "No problems found."),
    flat("passed", "boolean", _l("Whether the inspection was passed."), "true"),
    flat("rectify_by", "date", _l("Date by which problems must be put right."), "",
         nullable=True),
    flat("rectified_on", "date", _l("Date the problems were put right."), "", nullable=True),
    SOURCE))
CERTIFICATIONS = Dataset("certifications", _l("Certifications"), _l(
    "Management-system certifications of every producer, with their validity."), of_enterprise(
    flat("scheme", "text", _l("Certification scheme."), "HACCP"),
    flat("number", "text", _l("Certificate number."), "001HACCP2025"),
    flat("body", "text", _l("Certification body."), "示例认证中心"),
    flat("valid_from", "date", _l("First day the certificate is valid."), "2025-01-01"),
    flat("valid_until", "date", _l("Last day the certificate is valid."), "2028-12-31")))
STATISTICS = Dataset("statistics", _l("Industry statistics"), _l(
    "The statistics tables of the published quality bulletins, one figure a row."), (
    flat("bulletin_slug", "text", _l("Identifier of the bulletin in this site's URLs."),
         "2026-q1-quality"),
    flat("organisation_zh", "text", _l("Publishing organisation, in Chinese."), "示例乳业协会"),
    flat("organisation_en", "text", _l("Publishing organisation, in English."),
         "Example Dairy Association"),
    flat("bulletin_title_zh", "text", _l("Bulletin title in Chinese."), "2026年一季度质量通报"),
    flat("bulletin_title_en", "text", _l("Bulletin title in English."),
         "Quality bulletin, Q1 2026"),
    flat("published_at", "datetime", _l("When the bulletin was published."),
         "2026-04-01T02:00:00+00:00"),
    flat("table", "integer", _l("Number of the table within the bulletin."), "1"),
    flat("table_title_zh", "text", _l("Table title in Chinese."), "抽检合格率"),
    flat("table_title_en", "text", _l("Table title in English."), "Compliance rate"),
    flat("period_heading", "text", _l("What the periods are (the table's first heading)."),
         "月份"),
    flat("period", "text", _l("The period of the figure."), "2026-01"),
    flat("series", "text", _l("The series of the figure (its column)."), "合格率（%）"),
    flat("value", "number", _l("The figure."), "99.2"),
    flat("bulletin_url", "url", _l("The bulletin's page on this site."),
         "https://example.org/bulletins/2026-q1-quality"),
))

INDUSTRY_STATISTICS = Dataset("industry_statistics", industry.TITLE, industry.DESCRIPTION,
                              tuple(flat(*field) for field in industry.FIELDS))
DATASETS = {d.slug: d for d in (RESULTS, RECALLS, SUPERVISION, RATINGS, ENTERPRISES, LICENCES,
                                PENALTIES, INSPECTIONS, CERTIFICATIONS, STATISTICS,
                                INDUSTRY_STATISTICS)}
