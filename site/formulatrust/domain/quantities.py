"""Quantities written in Chinese on sampling results, in English: a specification such as
"900克/罐" (900 g/can) and a shelf life such as "24个月" (24 months).

Only whole values of these plain shapes are translated; anything else has no English here and
is shown as published (marked as Chinese).
"""

from __future__ import annotations

import re

UNITS = {"克": "g", "g": "g", "千克": "kg", "公斤": "kg", "kg": "kg", "毫升": "ml", "ml": "ml"}
CONTAINERS = {"罐": "can", "听": "tin", "袋": "bag", "盒": "box", "桶": "tub", "包": "pack",
              "瓶": "bottle"}
PERIODS = {"个月": ("month", "months"), "月": ("month", "months"), "天": ("day", "days"),
           "日": ("day", "days"), "年": ("year", "years")}
NUMBER = r"(\d+(?:\.\d+)?)"
SPECIFICATION = re.compile(
    rf"^{NUMBER}\s*({'|'.join(map(re.escape, UNITS))})\s*(?:[/／每]\s*"
    rf"({'|'.join(map(re.escape, CONTAINERS))}))?$", re.IGNORECASE)
PERIOD = re.compile(rf"^{NUMBER}\s*({'|'.join(map(re.escape, PERIODS))})$")


def english_quantity(text: str | None) -> str:
    """Return the English of a specification or a shelf life, or "" when ``text`` is neither
    of the plain shapes this module knows."""
    value = (text or "").strip()
    if match := SPECIFICATION.match(value):
        amount, unit, container = match.groups()
        english = f"{amount} {UNITS[unit.lower()]}"
        return f"{english}/{CONTAINERS[container]}" if container else english
    if match := PERIOD.match(value):
        amount, period = match.groups()
        singular, plural = PERIODS[period]
        return f"{amount} {singular if amount == '1' else plural}"
    return ""
