"""Checking the values of an import file field by field, collecting every problem found.

A field is described by a rule (a function that returns the normalised value or raises
:class:`Bad`), a nested spec or ``[rule]`` for a list; :class:`Checker` walks a record against
its spec and collects :class:`Problem` entries naming the record and the field, in Chinese and
English, so a file is checked whole before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from formulatrust.domain.gs1 import is_cset82, is_valid_gtin, to_gtin14

MAX_CODE = 20  # GS1 AI (10) lot and AI (21) serial: 1-20 characters of CSET 82
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BAD: Any = object()  # marks a value that failed its check (and was reported)
@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import: which record, which field, and why (Chinese, English)."""

    record: str
    field: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.record} · {self.field}: {self.message_zh} / {self.message_en}"
# --- value rules: return the normalised value or raise Bad ----------------------------------


class Bad(Exception):
    """A value that breaks its rule, with the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class Field(NamedTuple):
    """Describe a field: its rule (callable, nested spec, or ``[rule]``) and if it is required."""

    rule: Any
    required: bool = True
    default: Callable[[], Any] | None = None


def text_rule(max_len: int) -> Callable[[object], str]:
    def rule(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Bad("必须是非空文本", "must be non-empty text")
        if len(value.strip()) > max_len:
            raise Bad(f"不能超过 {max_len} 个字符", f"must be at most {max_len} characters")
        return value.strip()

    return rule


def pattern_rule(regex: re.Pattern, zh: str, en: str) -> Callable[[object], str]:
    def rule(value: object) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value.strip()):
            raise Bad(f"格式不对，应为{zh}", f"wrong format: expected {en}")
        return value.strip()

    return rule


def gtin(value: object) -> str:
    """Check a GTIN-8/12/13/14 and return it as 14 digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise Bad("GTIN 必须写成文本（加引号），以免丢失前导零",
                   "a GTIN must be a string (quoted), or its leading zeros are lost")
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)):
        raise Bad("GTIN 必须是 8、12、13 或 14 位数字", "a GTIN must be 8, 12, 13 or 14 digits")
    if not is_valid_gtin(text):
        raise Bad("GTIN 校验位错误", "GTIN check digit is wrong")
    return to_gtin14(text)


def gs1_code(value: object) -> str:
    """Check a lot or serial: 1-20 characters of GS1 CSET 82."""
    if not isinstance(value, str):
        raise Bad("必须是文本（加引号）", "must be a string (quoted)")
    text = value.strip()
    if not is_cset82(text) or len(text) > MAX_CODE:
        raise Bad(f"必须是 1–{MAX_CODE} 个 GS1 CSET 82 字符（字母、数字及 !\"%&'()*+,-./:;<=>?_）",
                   f"must be 1–{MAX_CODE} GS1 CSET 82 characters "
                   "(letters, digits and !\"%&'()*+,-./:;<=>?_)")
    return text


def iso_date(value: object) -> date:
    """Check an ISO date ``YYYY-MM-DD`` and return it."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise Bad("日期格式应为 YYYY-MM-DD", "a date must be written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Bad("不是有效的日期", "not a real date") from None


def iso_date_text(value: object) -> str:
    """Check an ISO date ``YYYY-MM-DD`` and return the text (for dates kept inside JSON)."""
    return iso_date(value).isoformat()


def integer_rule(low: int, high: int) -> Callable[[object], int]:
    def rule(value: object) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise Bad(f"必须是 {low} 到 {high} 之间的整数",
                       f"must be a whole number from {low} to {high}")
        return value

    return rule


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Bad("必须是 true 或 false", "must be true or false")
    return value


# --- the checker: walks records, collecting problems --------------------------------------------


class Checker:
    """Collect problems while checking values against field specs."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def report(self, record: str, where: str, zh: str, en: str) -> None:
        """Add one problem."""
        self.problems.append(Problem(record, where, zh, en))

    def record(self, value: object, spec: dict, record: str, path: str = "",
               nested: bool = False) -> dict | None:
        """Check an object against ``spec``; return the normalised fields or None."""
        if not isinstance(value, dict):
            self.report(record, path or "-", "必须是 JSON 对象 {…}", "must be a JSON object {…}")
            return None
        if nested and not value and not path.endswith("]"):
            return {}  # an empty nested object means "no data"
        ok = self._unknown(value, spec, record, path)
        result: dict[str, Any] = {}
        for name, rule in spec.items():
            where = f"{path}.{name}" if path else name
            if value.get(name) is None:
                ok = ok and not rule.required
                self._missing(rule, record, where, result, name, fill=not nested)
                continue
            checked = self.value(value[name], rule.rule, record, where)
            ok = ok and checked is not BAD
            result[name] = checked
        return result if ok else None

    def _unknown(self, value: dict, spec: dict, record: str, path: str) -> bool:
        unknown = [name for name in value if name not in spec]
        for name in unknown:
            where = f"{path}.{name}" if path else name
            self.report(record, where, "未知字段（拼写错误？）", "unknown field (misspelt?)")
        return not unknown

    def _missing(self, rule: Field, record: str, where: str, result: dict, name: str,
                 fill: bool) -> None:
        if rule.required:
            self.report(record, where, "缺少必填字段", "required field is missing")
        elif fill:
            result[name] = rule.default() if rule.default else None

    def value(self, value: object, rule: Any, record: str, where: str) -> Any:
        """Check one value against a rule, nested spec or list spec; BAD if it failed."""
        if isinstance(rule, dict):
            checked = self.record(value, rule, record, where, nested=True)
            return BAD if checked is None else checked
        if isinstance(rule, list):
            return self.items(value, rule[0], record, where)
        try:
            return rule(value)
        except Bad as bad:
            self.report(record, where, bad.zh, bad.en)
            return BAD

    def items(self, value: object, rule: Any, record: str, where: str) -> Any:
        """Check a JSON array whose items all follow ``rule``."""
        if not isinstance(value, list):
            self.report(record, where, "必须是 JSON 数组 […]", "must be a JSON array […]")
            return BAD
        checked = [self.value(item, rule, record, f"{where}[{i}]") for i, item in enumerate(value)]
        return BAD if any(item is BAD for item in checked) else checked


