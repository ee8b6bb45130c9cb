"""The advertising rules as data: read and validate ``content/rules/advertising.toml`` and the
regulators' waivers (``content/rules/waivers.toml``). Format: ``docs/advertising-rules.md``.

A malformed file raises RulesError naming the file, the rule or waiver, and the field.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn

from formulatrust.domain.compliance_match import normalise, spans

RULES_FILE = Path(__file__).resolve().parents[3] / "content" / "rules" / "advertising.toml"
CATEGORIES = ("breast-milk", "promotion", "health", "absolute", "endorsement", "origin",
              "composition", "image")
APPLIES = ("always", "infant-context", "promotional")
TARGETS = ("text", "image")
RULE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
RULE_FIELDS = {"id", "category", "name_zh", "name_en", "message_zh", "message_en", "applies",
               "target", "context", "zh", "en", "examples", "sources"}


class RulesError(ValueError):
    """The rule or waiver file is malformed; the message names the file, the entry and field."""


@dataclass(frozen=True)
class Source:
    """One legal source of a rule: the law or standard, the article, and where to read it."""

    law_zh: str
    law_en: str
    article_zh: str
    article_en: str
    url: str

    def cite(self, lang: str = "zh") -> str:
        """Return the citation in ``lang``, e.g. 《中华人民共和国广告法》第二十条."""
        if lang == "en":
            return f"{self.law_en}, {self.article_en}"
        return f"{self.law_zh}{self.article_zh}"


@dataclass(frozen=True)
class Rule:
    """A rule: its id, what to tell the writer, its legal sources and its phrases."""

    id: str
    category: str
    name_zh: str
    name_en: str
    message_zh: str
    message_en: str
    sources: tuple[Source, ...]
    pattern: re.Pattern
    applies: str = "always"
    target: str = "text"
    context: re.Pattern | None = None
    examples: tuple[str, ...] = ()

    def citation(self, lang: str = "zh") -> str:
        """Return every legal source of the rule in ``lang``, separated by semicolons."""
        return ("; " if lang == "en" else "；").join(source.cite(lang) for source in self.sources)


@dataclass(frozen=True)
class RuleSet:
    """The rules of one version of the rule file, with the normalisation tables."""

    version: str
    effective: date
    rules: tuple[Rule, ...]
    characters: dict[str, str]
    phrases: dict[str, str]
    exempt: tuple[tuple[re.Pattern, frozenset[str] | None], ...] = ()  # pattern, its rules
    source: Path | None = None

    def rule(self, rule_id: str) -> Rule | None:
        """Return the rule with ``rule_id``, or None."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)


@dataclass(frozen=True)
class Finding:
    """One phrase, as written, that breaks one rule, with its line (1 = the first)."""

    rule: str
    phrase: str
    message_zh: str
    message_en: str
    line: int = 0
    source: str = ""  # the rule's legal sources, in Chinese
    place: str = ""  # the part of a document kept in parts (``check_parts``), e.g. "body_zh"
    context: str = ""  # what the text was read as: "promotional", "infant" or "factual"


@dataclass(frozen=True)
class Waiver:
    """A regulator's decision that one phrase in one document is not a breach of one rule."""

    document: str  # relative to the content folder, e.g. "learn/recalls.zh.md"
    rule: str
    phrase: str
    reason: str
    by: str
    date: date

    def covers(self, document: str, finding: Finding) -> bool:
        """Tell whether this waiver covers ``finding`` in ``document``."""
        return (self.document, self.rule, self.phrase) == (document, finding.rule, finding.phrase)


@lru_cache(maxsize=4)
def default_rules(path: Path = RULES_FILE) -> RuleSet:
    """Return the rules from ``path`` (the repository's rule file), read once."""
    return read_rules(path)


def read_rules(path: Path | str) -> RuleSet:
    """Read and validate a rule file, raising RulesError naming the rule and field."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: cannot be read ({error})") from error
    where = _Where(path)
    version = where.text(data, "version")
    effective = where.date(data, "effective")
    for number, entry in enumerate(where.entries(data, "changelog")):
        entry_where = where.at(f"changelog[{number}]")
        entry_where.text(entry, "version")
        entry_where.date(entry, "date")
        entry_where.text(entry, "changes")
    laws = where.table(data, "laws")
    for key, law in laws.items():
        law_where = where.at(f"laws.{key}")
        for name in ("zh", "en"):
            law_where.text(law, name)
        if not law_where.text(law, "url").startswith(("https://", "http://")):
            law_where.fail("url", "must start with https:// or http://")
    normalisation = data.get("normalisation", {})
    characters = _characters(where.at("normalisation"), normalisation.get("characters", {}))
    phrases = _phrases(where.at("normalisation"), normalisation.get("phrases", {}))
    rules: list[Rule] = []
    entries = where.entries(data, "rules")
    if not entries:
        where.fail("rules", "there must be at least one rule")
    for number, entry in enumerate(entries):
        rule = _rule(where.at(f"rules[{number}]"), entry, laws)
        if any(other.id == rule.id for other in rules):
            where.at(f"rule '{rule.id}'").fail("id", "is used by two rules")
        rules.append(rule)
    exempt = tuple(_exemption(where.at(f"exempt[{number}]"), entry, rules)
                   for number, entry in enumerate(where.entries(data, "exempt")))
    ruleset = RuleSet(version, effective, tuple(rules), characters, phrases, exempt, path)
    for rule in ruleset.rules:
        for number, example in enumerate(rule.examples):
            if next(spans(rule.pattern, normalise(example, characters, phrases)), None) is None:
                where.at(f"rule '{rule.id}'").fail(
                    f"examples[{number}]", f"the rule does not catch its example {example!r}")
    return ruleset


class _Where:
    """Names the place in the file for error messages."""

    def __init__(self, path: Path, place: str = "") -> None:
        self.path, self.place = path, place

    def at(self, place: str) -> _Where:
        return _Where(self.path, place)

    def fail(self, name: str, problem: str) -> NoReturn:
        prefix = f"{self.place}, " if self.place else ""
        raise RulesError(f"{self.path}: {prefix}field '{name}' {problem}")

    def text(self, data: dict, name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "is missing or is not text")
        return value.strip()

    def date(self, data: dict, name: str) -> date:
        value = data.get(name)
        if not isinstance(value, date):
            self.fail(name, "is missing or is not a date like 2026-12-01")
        return value

    def entries(self, data: dict, name: str, of: type = dict) -> list:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, of) for item in value):
            self.fail(name, f"must be a list of {'tables' if of is dict else 'text'}")
        return value

    def table(self, data: dict, name: str) -> dict:
        value = data.get(name)
        if not isinstance(value, dict) or not value:
            self.fail(name, "is missing or empty")
        return value


def _characters(where: _Where, table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        where.fail("characters", "must be a table")
    for key, value in table.items():
        if len(key) != 1 or not isinstance(value, str) or len(value) != 1 or key == value:
            where.fail(f"characters.{key}", "must map one character to another")
    return dict(table)


def _phrases(where: _Where, table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        where.fail("phrases", "must be a table")
    for key, value in table.items():
        if not isinstance(value, str) or len(value) != len(key) or not key:
            where.fail(f"phrases.{key}", "must map a phrase to another of the same length")
    return dict(table)


def _exemption(where: _Where, entry: dict, rules: list[Rule]
               ) -> tuple[re.Pattern, frozenset[str] | None]:
    where.text(entry, "why")
    patterns = where.entries(entry, "patterns", str)
    if not patterns:
        where.fail("patterns", "is missing or empty")
    for number, pattern in enumerate(patterns):
        _check_phrase(where, f"patterns[{number}]", pattern)
    names = where.entries(entry, "rules", str) if "rules" in entry else None
    known = {rule.id for rule in rules}
    for name in names or ():
        if name not in known:
            where.fail("rules", f"names no rule ({name!r})")
    return _compile(where, "patterns", patterns), frozenset(names) if names else None


def _rule(where: _Where, entry: dict, laws: dict) -> Rule:
    rule_id = where.text(entry, "id")
    if not RULE_ID.match(rule_id):
        where.fail("id", "must be lower-case letters, digits and underscores")
    where = where.at(f"rule '{rule_id}'")
    unknown = sorted(set(entry) - RULE_FIELDS)
    if unknown:
        where.fail(unknown[0], "is not a rule field (typo?)")
    values = {name: where.text(entry, name)
              for name in ("category", "name_zh", "name_en", "message_zh", "message_en")}
    if values["category"] not in CATEGORIES:
        where.fail("category", f"must be one of {', '.join(CATEGORIES)}")
    applies, target = entry.get("applies", "always"), entry.get("target", "text")
    if applies not in APPLIES:
        where.fail("applies", f"must be one of {', '.join(APPLIES)}")
    if target not in TARGETS:
        where.fail("target", f"must be one of {', '.join(TARGETS)}")
    phrases = [*where.entries(entry, "zh", str), *where.entries(entry, "en", str)]
    if not phrases:
        where.fail("zh", "and 'en' are both empty: the rule would catch nothing")
    for name in ("zh", "en"):
        for number, phrase in enumerate(entry.get(name, [])):
            _check_phrase(where, f"{name}[{number}]", phrase)
    pattern = _compile(where, "zh", phrases)
    context = None
    if entry.get("context"):
        if applies != "infant-context":
            where.fail("context", "is only used when applies = \"infant-context\"")
        context = re.compile("|".join(f"(?:{p})" for p in where.entries(entry, "context", str)),
                             re.IGNORECASE)
    sources = []
    for number, source in enumerate(where.entries(entry, "sources")):
        source_where = where.at(f"rule '{rule_id}', sources[{number}]")
        law = laws.get(source.get("law"))
        if law is None:
            source_where.fail("law", f"names no law under [laws] ({source.get('law')!r})")
        sources.append(Source(law["zh"], law["en"], source_where.text(source, "article_zh"),
                              source_where.text(source, "article_en"), law["url"]))
    if not sources:
        where.fail("sources", "is missing: every rule needs its legal source")
    examples = where.entries(entry, "examples", str)
    if not examples:
        where.fail("examples", "is missing: list phrases the rule must catch")
    return Rule(rule_id, pattern=pattern, applies=applies, target=target, context=context,
                sources=tuple(sources), examples=tuple(examples), **values)


def _check_phrase(where: _Where, name: str, phrase: str) -> None:
    try:
        compiled = re.compile(_squeeze(phrase))
    except re.error as error:
        where.fail(name, f"is not a valid regular expression ({error})")
    if "\\s" in phrase:
        where.fail(name, "uses \\s: spaces are removed before matching; write one space")
    if compiled.fullmatch(""):
        where.fail(name, "matches empty text")


def _squeeze(phrase: str) -> str:
    """Drop the spaces between words: the text they are matched against has none."""
    return phrase.replace(" ", "")


def _compile(where: _Where, name: str, phrases: Iterable[str]) -> re.Pattern:
    parts = sorted((_squeeze(p) for p in phrases), key=len, reverse=True)
    try:
        return re.compile("|".join(f"(?:{part})" for part in parts), re.IGNORECASE)
    except re.error as error:
        where.fail(name, f"is not a valid regular expression ({error})")
        raise  # unreachable: fail raises


# --- waivers --------------------------------------------------------------------------------


WAIVER_FIELDS = ("document", "rule", "phrase", "reason", "by", "date")


def read_waivers(path: Path | str, ruleset: RuleSet | None = None) -> tuple[Waiver, ...]:
    """Read the waiver file (none when it does not exist), raising RulesError when malformed."""
    path = Path(path)
    if not path.exists():
        return ()
    ruleset = ruleset or default_rules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: cannot be read ({error})") from error
    where = _Where(path)
    waivers = []
    for number, entry in enumerate(where.entries(data, "waivers")):
        entry_where = where.at(f"waivers[{number}]")
        values = {name: entry_where.text(entry, name) for name in WAIVER_FIELDS[:-1]}
        values["phrase"] = entry["phrase"]  # exactly as written, spaces included
        document = PurePosixPath(values["document"])
        if document.is_absolute() or ".." in document.parts or document.suffix != ".md":
            entry_where.fail("document", "must be a .md path inside the content folder")
        if ruleset.rule(values["rule"]) is None:
            entry_where.fail("rule", f"names no rule ({values['rule']!r})")
        waivers.append(Waiver(date=entry_where.date(entry, "date"), **values))
    return tuple(waivers)


def split_waived(document: str, findings: Iterable[Finding], waivers: Iterable[Waiver]
                 ) -> tuple[list[Finding], list[Waiver]]:
    """Return the findings no waiver covers, and the waivers that covered one."""
    waivers = list(waivers)
    kept: list[Finding] = []
    used: list[Waiver] = []
    for finding in findings:
        waiver = next((w for w in waivers if w.covers(document, finding)), None)
        if waiver is None:
            kept.append(finding)
        elif waiver not in used:
            used.append(waiver)
    return kept, used


def waiver_toml(waiver: Waiver) -> str:
    """Return ``waiver`` as a ``[[waivers]]`` TOML table (JSON strings are TOML strings)."""
    lines = ["[[waivers]]"]
    lines.extend(f"{name} = {json.dumps(getattr(waiver, name), ensure_ascii=False)}"
                 for name in WAIVER_FIELDS[:-1])
    lines.append(f"date = {waiver.date.isoformat()}")
    return "\n".join(lines) + "\n"
