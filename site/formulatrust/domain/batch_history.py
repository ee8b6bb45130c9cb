"""What changed between two versions of a batch's trace record, in words a reader can follow.

Versions are the snapshots kept when a batch is corrected (``scan/trace_import.py``). A change
names its field by a stable key (the page gives it a name in the reader's language), and the
release inspection is compared item by item, so an inspection item that disappears is said
plainly: a maker quietly dropping its Cronobacter test must leave a visible trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELDS = ("produced_on", "best_before", "factory", "milk_source", "raw_materials")


@dataclass(frozen=True)
class Change:
    """One field that differs: its key and its values before and after, as text."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class Differences:
    """Everything that changed from one version to the next."""

    changes: tuple[Change, ...] = ()
    removed_items: tuple[str, ...] = ()  # inspection items no longer reported
    added_items: tuple[str, ...] = ()
    changed_items: tuple[Change, ...] = ()  # an item whose result or limit changed
    inspection_passed: tuple[str, str] | None = None  # (before, after) when it changed

    def __bool__(self) -> bool:
        return bool(self.changes or self.removed_items or self.added_items or self.changed_items
                    or self.inspection_passed)


def _text(value: Any, language: str = "zh") -> str:
    """Write a field's value as text, its bilingual parts (``name_zh``/``name_en``,
    ``farms_zh``/``farms_en`` …) in ``language`` only, falling back to the other."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, dict):
        if "name_zh" in value:  # a factory, a raw material
            name = _in_language(value, "name", language)
            return " ".join(str(part) for part in (name, value.get("licence_no")) if part)
        return "; ".join(f"{key}: {text}" for key, text in _fields(value, language)
                         if text not in (None, ""))
    if isinstance(value, list):
        return "; ".join(_text(item, language) for item in value)
    return str(value)


def _in_language(value: dict, field: str, language: str) -> Any:
    other = "en" if language == "zh" else "zh"
    return value.get(f"{field}_{language}") or value.get(f"{field}_{other}")


def _fields(value: dict, language: str) -> list[tuple[str, Any]]:
    """The fields of a dict once each: a bilingual pair as one field in ``language``."""
    seen: dict[str, Any] = {}
    for key in value:
        base = key[:-3] if key.endswith(("_zh", "_en")) else key
        if base not in seen:
            seen[base] = _in_language(value, base, language) if base != key else value[key]
    return list(seen.items())


def _items(inspection: dict | None) -> dict[str, dict]:
    indicators = (inspection or {}).get("indicators") or []
    return {str(item.get("name_zh") or item.get("name_en") or "?"): item for item in indicators}


def _inspection(older: dict | None, newer: dict | None) -> dict[str, Any]:
    before, after = _items(older), _items(newer)
    changed = tuple(
        Change(name, f"{before[name].get('value', '')} ({before[name].get('limit', '')})",
               f"{after[name].get('value', '')} ({after[name].get('limit', '')})")
        for name in before if name in after
        and (before[name].get("value"), before[name].get("limit"))
        != (after[name].get("value"), after[name].get("limit")))
    passed_before = (older or {}).get("passed")
    passed_after = (newer or {}).get("passed")
    return {
        "removed_items": tuple(name for name in before if name not in after),
        "added_items": tuple(name for name in after if name not in before),
        "changed_items": changed,
        "inspection_passed": (_text(passed_before), _text(passed_after))
        if passed_before != passed_after else None,
    }


def differences(older: dict, newer: dict, language: str = "zh") -> Differences:
    """Compare two snapshots of a batch (the older first); values in ``language``."""
    changes = tuple(Change(key, _text(older.get(key), language),
                           _text(newer.get(key), language))
                    for key in FIELDS if older.get(key) != newer.get(key))
    inspection_date = (older.get("release_inspection") or {}).get("date"), (
        newer.get("release_inspection") or {}).get("date")
    if inspection_date[0] != inspection_date[1]:
        changes += (Change("inspection_date", _text(inspection_date[0]),
                           _text(inspection_date[1])),)
    return Differences(changes=changes, **_inspection(older.get("release_inspection"),
                                                       newer.get("release_inspection")))
