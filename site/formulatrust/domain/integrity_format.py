"""Validate an enterprise-records import file (JSON) as a whole, naming record and field."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from formulatrust.domain.trace_format import Problem
from formulatrust.domain.web_address import is_web_address

# A field's kind: a CHECKS name (with "?" when optional), or the tuple of allowed choices.
Kind = str | tuple[str, ...]
Checked = tuple[Any, tuple[str, str] | None]  # the cleaned value, or the error (zh, en)

SECTIONS: dict[str, dict[str, Kind]] = {
    "licences": {"number": "licence", "event": ("granted", "changed", "renewed"), "on": "date",
                 "valid_until": "date", "scope_zh": "text?", "scope_en": "text?",
                 "source_url": "url?"},
    "certifications": {"scheme": "text", "number": "text", "body": "text?",
                       "valid_from": "date", "valid_until": "date"},
    "penalties": {"decision_no": "text", "decided_on": "date", "facts_zh": "text",
                  "facts_en": "text?", "legal_basis": "text", "amount_yuan": "number",
                  "suspended_production": "bool?",
                  "status": ("in_force", "appealed", "corrected", "overturned"),
                  "publish_until": "date", "source_url": "url?"},
    "inspections": {"inspected_on": "date", "scope_zh": "text", "scope_en": "text?",
                    "findings_zh": "text?", "findings_en": "text?", "passed": "bool",
                    "rectify_by": "date?", "rectified_on": "date?", "source_url": "url?"},
    "standards": {"number": "text", "title_zh": "text", "title_en": "text?",
                  "effective_on": "date", "indicators": "indicators"},
    "ratings": {"grade": ("A", "B", "C", "D"), "assessed_on": "date", "valid_until": "date",
                "assessor": "text"},
    "replies": {"target": ("rating", "penalty", "result"), "ref": "text", "body_zh": "text",
                "body_en": "text?", "appeal_status": ("none", "filed", "upheld", "overturned"),
                "replied_on": "date"},
}


@dataclass
class RecordsFile:
    """The validated content: per enterprise slug, per section, cleaned records."""

    enterprises: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def parse(text: str) -> RecordsFile:
    """Validate the whole file; records are kept only when the file has no problems."""
    result = RecordsFile()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        result.problems.append(Problem("file", f"line {error.lineno}, column {error.colno}",
                                       "JSON 语法错误", f"JSON syntax error: {error.msg}"))
        return result
    items = data.get("enterprises") if isinstance(data, dict) else None
    if not isinstance(items, list):
        result.problems.append(Problem("file", "enterprises", "缺少 enterprises 列表",
                                       "an 'enterprises' list is required"))
        return result
    for index, item in enumerate(items):
        _enterprise(result, f"enterprises[{index}]", item)
    if result.problems:
        result.enterprises.clear()
    return result


def _enterprise(result: RecordsFile, where: str, item: object) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("slug"), str) or not item["slug"]:
        result.problems.append(Problem(where, "slug", "缺少企业标识",
                                       "the enterprise slug is missing"))
        return
    sections = result.enterprises.setdefault(item["slug"], {})
    for key in item:
        if key != "slug" and key not in SECTIONS:
            result.problems.append(Problem(where, key, "未知字段", "unknown field"))
    for section, spec in SECTIONS.items():
        records = item.get(section, [])
        if not isinstance(records, list):
            result.problems.append(Problem(where, section, "应为列表", "must be a list"))
            continue
        for index, record in enumerate(records):
            cleaned = _record(result, f"{where}.{section}[{index}]", record, spec)
            if cleaned is not None:
                sections.setdefault(section, []).append(cleaned)


def _record(result: RecordsFile, where: str, record: object,
            spec: dict[str, Kind]) -> dict | None:
    if not isinstance(record, dict):
        result.problems.append(Problem(where, "", "应为对象", "must be an object"))
        return None
    before = len(result.problems)
    cleaned: dict[str, Any] = {}
    for key in record:
        if key not in spec:
            result.problems.append(Problem(where, key, "未知字段", "unknown field"))
    for name, kind in spec.items():
        value = _value(result, where, name, kind, record.get(name))
        if value is not None:
            cleaned[name] = value
    _dates_in_order(result, where, cleaned)
    return cleaned if len(result.problems) == before else None


def _value(result: RecordsFile, where: str, name: str, kind: Kind, value: object) -> Any:
    optional = isinstance(kind, str) and kind.endswith("?")
    kind = kind.rstrip("?") if isinstance(kind, str) else kind
    if value is None or value == "":
        if not optional:
            result.problems.append(Problem(where, name, "必填", "required"))
        return None
    check = CHECKS[kind if isinstance(kind, str) else "choice"]
    cleaned, error = check(value, kind)
    if error:
        result.problems.append(Problem(where, name, error[0], error[1]))
        return None
    return cleaned


def _text(value: Any, _kind: Kind) -> Checked:
    if not isinstance(value, str) or len(value) > 2000:
        return None, ("应为不超过2000字的文本", "must be text of at most 2,000 characters")
    return value.strip(), None


def _url(value: Any, _kind: Kind) -> Checked:
    if not isinstance(value, str) or not is_web_address(value.strip()):
        return None, ("应为以 http:// 或 https:// 开头的网址",
                      "must be a web address starting with http:// or https://")
    return value.strip(), None


def _date(value: Any, _kind: Kind) -> Checked:
    try:
        return date.fromisoformat(value), None
    except (TypeError, ValueError):
        return None, (f"日期无效：{value!r}", f"not a date (YYYY-MM-DD): {value!r}")


def _number(value: Any, _kind: Kind) -> Checked:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None, ("应为非负数", "must be a number of zero or more")
    return float(value), None


def _bool(value: Any, _kind: Kind) -> Checked:
    if not isinstance(value, bool):
        return None, ("应为 true 或 false", "must be true or false")
    return value, None


def _licence(value: Any, _kind: Kind) -> Checked:
    if not isinstance(value, str) or len(value) != 16 or not value.startswith("SC") \
            or not value[2:].isdigit():
        return None, ("许可证号应为 SC 加14位数字", "a licence number is SC and 14 digits")
    return value, None


def _choice(value: Any, choices: Kind) -> Checked:
    if value not in choices:
        return None, (f"应为 {'、'.join(choices)} 之一", f"must be one of {', '.join(choices)}")
    return value, None


def _indicators(value: Any, _kind: Kind) -> Checked:
    fields = ("name_zh", "unit", "national", "enterprise")
    if not isinstance(value, list) or not value or not all(
            isinstance(row, dict) and all(isinstance(row.get(f), str) and row[f] for f in fields)
            for row in value):
        return None, ("指标应为列表，每项含 name_zh、unit、national、enterprise",
                      "indicators must be a list of objects with name_zh, unit, national and "
                      "enterprise")
    return value, None


CHECKS: dict[str, Callable[[Any, Kind], Checked]] = {
    "text": _text, "url": _url, "date": _date, "number": _number, "bool": _bool,
    "licence": _licence, "choice": _choice, "indicators": _indicators}
ORDERED = (("on", "valid_until"), ("valid_from", "valid_until"),
           ("assessed_on", "valid_until"), ("inspected_on", "rectify_by"))


def _dates_in_order(result: RecordsFile, where: str, cleaned: dict) -> None:
    for first, second in ORDERED:
        if first in cleaned and second in cleaned and cleaned[second] < cleaned[first]:
            result.problems.append(Problem(where, second, f"不能早于 {first}",
                                           f"cannot be before {first}"))
