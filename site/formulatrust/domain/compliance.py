"""Check text against Chinese advertising rules for infant formula, more strictly than they ask.

The rules are data: ``content/rules/advertising.toml`` (format: ``docs/advertising-rules.md``)
lists each rule with a stable id, its legal sources, Chinese phrases and English patterns, and
examples it must catch; ``compliance_rules`` reads and validates it (a malformed rule stops
everything with an error naming the rule and the field) and the regulators' waivers
(``content/rules/waivers.toml``). This module finds the phrases in text and Markdown files.

Normalisation (``compliance_match``), before matching: NFKC (full-width letters, digits and
punctuation become half-width), case folding, the character and phrase variants listed in the
file (traditional characters, look-alike letters, 母奶 for 母乳 …), and then removal of
whitespace, zero-width and combining characters and separator punctuation (``- _ * · . / | ~ '
"`` and the like), so "母 乳 化", "母-乳-化", "母*乳化" and "b r e a s t milk" are all caught. The
finding quotes the phrase as written and gives its line. An English word must start and end at
a word boundary in the original text ("unlike breast milk" is not "like breast milk").

So that science articles can explain the rules, a phrase does not count when a negation comes
shortly before it in the same clause (no comma, full stop, colon or line break in between):
up to 16 characters for a Chinese phrase, 7 words for an English one. Chinese negations are
没有, 不能, 无法, 不可, 不是, 并非 and the like, or a single 不/非/未/无/勿/别 directly before the
phrase; English ones are no, not, never, cannot, -n't, nothing, none, without. Limits, all erring
towards a finding:

- a negation stops counting when a comparison or contrast follows it (比, 更, 其他, 哪, 而是, 只,
  仅, 但; than, other, more, better, only, just, but, rather), so "没有哪款奶粉比它更接近母乳" and
  "nothing is more like breast milk" are still flagged;
- a prohibition (不得, 不能, 禁止 …) governs every item of a list joined by 、 after it
  ("不得声称益智、增加抵抗力、保护肠道"), when the items are short; other negations do not;
- a double negation (不能不, 无不, an even number of negations) is no negation;
- a clause ending in a question mark, or containing 谁说/难道/"who says", is rhetorical and is
  flagged;
- a negation in an earlier clause or further away does not count: "没有任何配方奶粉，无论多贵，
  能够替代母乳" is flagged, and must be rewritten in one clause;
- it is a word list, not understanding: synonyms it does not know pass, and a sentence that
  negates something else nearby ("不会上火又接近母乳") passes. Human review is still needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import frontmatter

from formulatrust.domain.compliance_match import Normalised, normalise, spans
from formulatrust.domain.compliance_rules import (
    RULES_FILE,
    Finding,
    Rule,
    RulesError,
    RuleSet,
    Waiver,
    default_rules,
    read_rules,
    read_waivers,
    split_waived,
    waiver_toml,
)

# Callers import everything about the rules from here.
__all__ = ["RULES_FILE", "Finding", "MarkdownError", "Rule", "RuleSet", "RulesError", "Waiver",
           "check", "check_markdown_file", "check_parts", "default_rules", "images", "read_rules",
           "read_waivers", "split_waived", "waiver_toml"]

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CLAUSE_END = "。！？；，：,.!?;:\n"  # not 、, which only separates the items of a list
ZH_WINDOW = 16
ZH_LIST_ITEM = 12  # longest item of a 、 list that a prohibition before it still governs
EN_WINDOW = 7
ZH_NEGATION = re.compile(
    "没有|没|不能|无法|不可|不是|不会|并非|并不|并没|绝非|绝不|决不|从未|从不|不应|不得|不要|"
    "切勿|禁止|严禁|不宜|谈不上|不等于|不意味着|不代表|[不非未无勿别]$"
)
EN_NEGATION = re.compile(
    r"\b(?:no(?!\.\s*\d)|not|never|cannot|nothing|none|neither|nor|without)\b|n['’]t\b",
    re.IGNORECASE,
)
EN_PROHIBITION = re.compile(
    r"\b(?:must|may|shall|should|do|does|can|could)\s*(?:not|n['’]t)\b|\bcannot\b|\bnever\b",
    re.IGNORECASE,
)
EN_LIST_ITEM = 6  # longest item (in words) of a comma list that a prohibition still governs
SPOILER = re.compile(
    r"比|更|其他|其它|别的|哪|而是|只|仅|但|光"
    r"|\b(?:than|other|more|closer|better|only|just|but|rather|else)\b",
    re.IGNORECASE,
)
ZH_PROHIBITION = re.compile("不得|不能|不可|不应|不要|不宜|禁止|严禁|切勿|不允许|不准")
RHETORICAL = re.compile(r"谁说|难道|\bwho\s+says\b", re.IGNORECASE)
DOUBLE_NEGATION = re.compile(r"(?:不能|不得|不可|没有|不会|不是|无|莫|未尝)不|\bnot\s+without\b")
MD_IMAGE = re.compile(r"!\[([^\]]*)\](?:\(\s*<?([^)\s>]*)>?[^)]*\))?")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
LINK_TARGET = re.compile(r"\]\([^)]*\)")


class MarkdownError(ValueError):
    """A Markdown file cannot be read for checking; the message names the file."""


def _applies(rule: Rule, text: Normalised, stage: int | None, promotional: bool) -> bool:
    if rule.applies == "promotional":
        return promotional
    if rule.applies == "infant-context":
        return (promotional or stage in (1, 2)
                or (rule.context is not None and rule.context.search(text.folded) is not None))
    return True


def _negated(text: str, start: int, end: int) -> bool:
    """Tell whether the phrase at ``start:end`` is plainly negated earlier in its clause."""
    clause_start = max(text.rfind(mark, 0, start) for mark in CLAUSE_END) + 1
    ends = [i for i in (text.find(mark, end) for mark in CLAUSE_END) if i >= 0]
    clause_end = min(ends, default=len(text))
    before = text[clause_start:start]
    if text[clause_end:clause_end + 1] in ("?", "？") or RHETORICAL.search(before):
        return False
    if DOUBLE_NEGATION.search(before):
        return False
    if CJK.search(text, start, end):  # a phrase with Chinese in it ("0添加") reads as Chinese
        window, negation = _zh_window(before), ZH_NEGATION
    else:
        window, negation = " ".join(before.split()[-EN_WINDOW:]), EN_NEGATION
        if _en_prohibited_list(text, start):
            return True
    matches = list(negation.finditer(window))
    return (len(matches) % 2 == 1
            and SPOILER.search(window, matches[-1].start() + 1) is None)


def _en_prohibited_list(text: str, start: int) -> bool:
    """Tell whether an English phrase is an item of a short list governed by a prohibition
    earlier in its sentence ("must not state that it protects the gut, raises intelligence,
    increases resistance …")."""
    sentence_start = max(text.rfind(mark, 0, start) for mark in ".!?;:\n") + 1
    head, *items = text[sentence_start:start].split(",")
    if not items or not EN_PROHIBITION.search(head):
        return False
    return all(len(item.split()) <= EN_LIST_ITEM for item in items)


def _zh_window(before: str) -> str:
    """Return the Chinese text whose negations count: a prohibition governs a whole 、 list."""
    *items, current = before.split("、")
    if items and len(current) <= 4 and all(len(item) <= ZH_LIST_ITEM for item in items[1:]):
        head = items[0][-ZH_WINDOW:]
        if ZH_PROHIBITION.search(head):
            return head + current
    return current[-ZH_WINDOW:]


@dataclass(frozen=True)
class _Segment:
    """A piece of a document to check: its text, its first line, and what it is."""

    text: str
    line: int = 1
    target: str = "text"
    place: str = ""


def _scan(segments: list[_Segment], ruleset: RuleSet, stage: int | None,
          promotional: bool) -> list[Finding]:
    normalised = [normalise(segment.text, ruleset.characters, ruleset.phrases)
                  for segment in segments]
    whole = Normalised("", "\n".join(n.folded for n in normalised), "", ())
    active = [rule for rule in ruleset.rules if _applies(rule, whole, stage, promotional)]
    context = "promotional" if promotional else "infant" if stage in (1, 2) else "factual"
    found: dict[tuple[str, str], Finding] = {}
    for segment, text in zip(segments, normalised, strict=True):
        exempt = [(span, names) for pattern, names in ruleset.exempt
                  for span in spans(pattern, text)]
        for rule in active:
            if rule.target != segment.target:
                continue
            for start, end in spans(rule.pattern, text):
                if any(s < end and start < e and (names is None or rule.id in names)
                       for (s, e), names in exempt):
                    continue
                if segment.target == "text" and _negated(segment.text, start, end):
                    continue
                phrase = segment.text[start:end]
                line = segment.line + segment.text.count("\n", 0, start)
                found.setdefault((rule.id, phrase), Finding(
                    rule.id, phrase, rule.message_zh, rule.message_en, line, rule.citation(),
                    segment.place, context))
    return sorted(found.values(), key=lambda finding: finding.line)


def check(text: str, *, stage: int | None = None, promotional: bool = False,
          rules: RuleSet | None = None) -> list[Finding]:
    """Return every rule-breaking phrase in ``text``, once per rule and phrase, in order.

    ``stage`` is the product stage the text is about (1 and 2 are for infants under 12
    months); ``promotional`` marks a brand showcase, where promotion rules always apply.
    """
    return _scan([_Segment(text)], rules or default_rules(), stage, promotional)


def check_parts(parts: Iterable[tuple[str, str, str]], *, stage: int | None = None,
                promotional: bool = True, rules: RuleSet | None = None) -> list[Finding]:
    """Check a document kept as named parts, as a Markdown file's parts are checked.

    Each part is ``(place, kind, text)``, kind ``text``, ``markdown`` (links' targets skipped,
    images' alt text and file names checked as images) or ``image`` (an alt text or file
    name). Each finding names its ``place`` and its ``line`` within it; findings come in the
    order of the parts, once per rule and phrase. Used for showcases edited in the browser.
    """
    parts = list(parts)
    segments: list[_Segment] = []
    for place, kind, text in parts:
        if not text:
            continue
        if kind == "markdown":
            body = LINK_TARGET.sub(lambda match: "]" + "\n" * match.group().count("\n"), text)
            segments.append(_Segment(body, 1, "text", place))
            segments.extend(_Segment(alt, line, "image", place) for alt, line in images(text))
        else:
            segments.append(_Segment(text, 1, "image" if kind == "image" else "text", place))
    order = {place: number for number, (place, _, _) in enumerate(parts)}
    findings = _scan(segments, rules or default_rules(), stage, promotional)
    return sorted(findings, key=lambda finding: (order.get(finding.place, 0), finding.line))


# --- Markdown files -------------------------------------------------------------------------


def check_markdown_file(path: Path | str, *, rules: RuleSet | None = None,
                        promotional: bool | None = None) -> list[Finding]:
    """Check a Markdown file's front matter, body and images, with lines in the file.

    ``stage`` comes from the front matter; a file is promotional (a brand showcase) when its
    front matter names a ``brand`` or it is in a ``brands`` folder, unless told otherwise.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
        post = frontmatter.loads(raw)
    except Exception as error:  # YAML and encoding errors come in many types
        raise MarkdownError(f"{path}: front matter cannot be read ({error})") from error
    if promotional is None:
        promotional = "brand" in post.metadata or path.parent.name == "brands"
    stage = _stage(path, post.get("stage"))
    lines = raw.splitlines()
    segments = [_Segment(str(post[name]), _key_line(lines, name))
                for name in ("title", "summary") if post.get(name)]
    events = post.get("events")
    for number, event in enumerate(events if isinstance(events, list) else []):
        if isinstance(event, dict):
            for name in ("title", "description"):
                if event.get(name):
                    segments.append(_Segment(str(event[name]),
                                             _value_line(lines, str(event[name]), number)))
    body_line = _body_line(raw, post.content)
    body = LINK_TARGET.sub(lambda match: "]" + "\n" * match.group().count("\n"), post.content)
    segments.append(_Segment(body, body_line))
    segments.extend(_Segment(text, body_line + line - 1, "image")
                    for text, line in images(post.content))
    return _scan(segments, rules or default_rules(), stage, promotional)


def images(markdown_text: str) -> Iterator[tuple[str, int]]:
    """Yield each image's alt text and file name (one per line) with its line in the text."""
    for match in MD_IMAGE.finditer(markdown_text):
        line = markdown_text.count("\n", 0, match.start()) + 1
        yield f"{match.group(1)}\n{_file_name(match.group(2) or '')}", line
    for match in HTML_IMAGE.finditer(markdown_text):
        tag = match.group()
        alt = re.search(r'\balt\s*=\s*"([^"]*)"', tag)
        src = re.search(r'\bsrc\s*=\s*"([^"]*)"', tag)
        line = markdown_text.count("\n", 0, match.start()) + 1
        yield (f"{alt.group(1) if alt else ''}\n{_file_name(src.group(1) if src else '')}",
               line)


def _file_name(src: str) -> str:
    return unquote(PurePosixPath(src.split("?")[0].split("#")[0]).name)


def _key_line(lines: list[str], key: str) -> int:
    """Return the line of a top-level front matter key (1 when not found)."""
    for number, line in enumerate(lines, start=1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return 1


def _value_line(lines: list[str], value: str, fallback: int) -> int:
    """Return the first line that contains the start of ``value`` (front matter values)."""
    needle = value.strip().splitlines()[0][:20] if value.strip() else ""
    for number, line in enumerate(lines, start=1):
        if needle and needle in line:
            return number
    return fallback + 1


def _body_line(raw: str, content: str) -> int:
    """Return the line on which the body starts."""
    closing = re.search(r"^-{3,}\s*$", raw[3:], re.MULTILINE) if raw.startswith("---") else None
    after = 3 + closing.end() if closing else 0
    offset = raw.find(content[:50], after) if content else -1
    return raw.count("\n", 0, offset if offset >= 0 else after) + 1


def _stage(path: Path, value: object) -> int | None:
    """Read the optional ``stage`` front matter field (1, 2 or 3)."""
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise MarkdownError(f"{path}: front matter field 'stage' must be 1, 2 or 3") from None


