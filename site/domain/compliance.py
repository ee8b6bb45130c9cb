"""Check text against Chinese advertising rules for infant formula, more strictly than they ask.

The rules behind this module are the Advertising Law of the PRC (articles 9, 17 and 20: no
absolute terms, no disease claims, no advertising of infant formula said to replace breast milk
wholly or partly), the Food Safety Law, SAMR's rules on formula labels (no "母乳化" and similar),
and the WHO International Code of Marketing of Breast-milk Substitutes. Each rule has a stable id:

- ``breastmilk_claim``: the product replaces, equals or approaches breast milk;
- ``infant_promotion``: promotional words in a text about formula for infants aged 0–12 months
  (``stage`` 1 or 2, or the text names 1段/2段, 0–6月龄, 6–12 months …);
- ``health_claim``: disease prevention or treatment, or absolute words (最, 第一, best, 100% …);
- ``rating_misuse``: claimed official endorsement (国家推荐, 免检, "government approved" …).

Matching is plain: Chinese phrases as substrings, English phrases as whole words, ignoring
case; the finding quotes the text as written. A few everyday words are exempt by look-ahead
(最后, 最少, 最长, 第一次, "best before" …), as is the name of the WHO Code itself.

So that science articles can explain the rules, a phrase does not count when a negation comes
shortly before it in the same clause (no comma, full stop, colon or line break in between):
up to 16 characters for a Chinese phrase, 7 words for an English one. Chinese negations are
没有, 不能, 无法, 不可, 不是, 并非 and the like, or a single 不/非/未/无/勿/别 directly before the
phrase; English ones are no, not, never, cannot, -n't, nothing, none, without. Limits, all erring
towards a finding:

- a negation stops counting when a comparison or contrast follows it (比, 更, 其他, 哪, 而是, 只,
  仅, 但; than, other, more, better, only, just, but, rather), so "没有哪款奶粉比它更接近母乳" and
  "nothing is more like breast milk" are still flagged;
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import frontmatter

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CLAUSE_END = "。！？；，、：,.!?;:\n"
ZH_WINDOW = 16
EN_WINDOW = 7
MILK = r"(?:breast|mother['’]?s)[\s-]*milk"
START, END = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"  # \b would treat Chinese as letters

# Chinese negations; a single character only counts directly before the phrase ($).
ZH_NEGATION = re.compile(
    "没有|没|不能|无法|不可|不是|不会|并非|并不|并没|绝非|绝不|决不|从未|从不|不应|不得|不要|"
    "切勿|禁止|严禁|不宜|谈不上|不等于|不意味着|不代表|[不非未无勿别]$"
)
EN_NEGATION = re.compile(
    r"\b(?:no(?!\.\s*\d)|not|never|cannot|nothing|none|neither|nor|without)\b|n['’]t\b",
    re.IGNORECASE,
)
SPOILER = re.compile(
    r"比|更|其他|其它|别的|哪|而是|只|仅|但|光"
    r"|\b(?:than|other|more|closer|better|only|just|but|rather|else)\b",
    re.IGNORECASE,
)
RHETORICAL = re.compile(r"谁说|难道|\bwho\s+says\b", re.IGNORECASE)
DOUBLE_NEGATION = re.compile(r"(?:不能|不得|不可|没有|不会|不是|无|莫|未尝)不|\bnot\s+without\b")
EXEMPT = re.compile(
    r"(?:International\s+)?Code\s+of\s+Marketing\s+of\s+Breast[\s-]*milk\s+Substitutes",
    re.IGNORECASE,
)
STAGE_CONTEXT = re.compile(
    rf"(?<![0-9])[12]\s*段|[一二]段(?=奶|配方|婴)|{START}stage\s*[12]{END}"
    rf"|(?:0|6)\s*[-–—~～至到]\s*(?:6|12)\s*(?:个)?\s*(?:月龄|月|months?{END}|mo{END})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One phrase that breaks one rule."""

    rule: str
    phrase: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Rule:
    """A rule: its id, what to tell the writer, and the phrases that break it."""

    id: str
    message_zh: str
    message_en: str
    pattern: re.Pattern
    needs_stage: bool = False


class MarkdownError(ValueError):
    """A Markdown file cannot be read for checking; the message names the file."""


def _pattern(zh: Iterable[str], en: Iterable[str]) -> re.Pattern:
    """Compile Chinese regexes as they are and English ones as whole words, longest first."""
    parts = [*zh, *(rf"{START}(?:{phrase}){END}" for phrase in en)]
    return re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)


RULES = (
    Rule(
        "breastmilk_claim",
        "不得声称产品替代、等同或接近母乳。",
        "Do not claim that a product replaces, equals or approaches breast milk.",
        _pattern(
            ["替代母乳", "代替母乳", "取代母乳", "母乳化", "人乳化", "接近母乳", "近似母乳",
             "媲美母乳", "堪比母乳", "等同母乳", "等同于母乳", "如同母乳", "胜似母乳", "超越母乳",
             "母乳般", "母乳一样", "母乳替代品", "(?<!人)类母乳"],
            [rf"like\s+(?:a\s+)?{MILK}", rf"(?:closest|closer|close)\s+to\s+{MILK}",
             rf"{MILK}\s+substitutes?", rf"as\s+good\s+as\s+{MILK}", r"humani[sz]ed",
             rf"replac(?:es|e|ing)\s+{MILK}", rf"equals?\s+{MILK}", rf"equal\s+to\s+{MILK}",
             rf"identical\s+to\s+{MILK}"],
        ),
    ),
    Rule(
        "infant_promotion",
        "不得宣传、推销适用于0～12月龄婴儿的配方乳粉（1段、2段）。",
        "Do not promote formula for infants aged 0–12 months (stages 1 and 2).",
        _pattern(
            ["推荐", "首选", "最佳", r"专为.{0,12}?宝宝打造", "买", "优惠", "促销", "赠品", "赠送",
             "限时", "特价", "折扣"],
            [r"best\s+choice", r"first\s+choice", r"buy(?:ing)?", r"offers?", r"discounts?",
             r"free\s+gifts?", r"on\s+sale", r"limited\s+time", r"recommend(?:s|ed)?"],
        ),
        needs_stage=True,
    ),
    Rule(
        "health_claim",
        "不得声称预防、治疗疾病或增强免疫、提高智力，也不得使用“最”“第一”“100%”等绝对化用语。",
        "Do not claim to prevent or treat disease, boost immunity or intelligence, "
        "or use absolute terms such as best, No. 1 or 100%.",
        _pattern(
            ["预防", "治疗", "治愈", "根治", "增强免疫力", "提高免疫力", "提升免疫力",
             "增强抵抗力", "提高智力", "促进大脑发育", "促进脑发育", "益智",
             "最(?![后近终初早晚迟少长短])", "第一(?!次|步|天|周|个月|年|时间|条|款|章)",
             r"100\s*%", "百分之百", "零风险", r"#\s*1\b"],
            [r"prevents?", r"cures?", r"boosts?\s+(?:the\s+)?immun(?:ity|e\s+system)",
             r"strengthens?\s+(?:the\s+)?immun(?:ity|e\s+system)", r"smarter",
             r"best(?![\s-]+(?:before|by)\b)", r"No\.\s*1", r"number\s+one", r"zero\s+risk",
             r"risk[\s-]free"],
        ),
    ),
    Rule(
        "rating_misuse",
        "不得声称获得国家、政府或监管部门的推荐、认证或免检；诚信等级不是官方背书。",
        "Do not claim endorsement, certification or exemption from inspection by the state "
        "or a regulator; an integrity rating is not an endorsement.",
        _pattern(
            ["国家推荐", "政府推荐", "官方推荐", "监管部门推荐", "政府认证", "国家认证",
             "官方认证", "免检", "国家免检", "国家指定", "政府指定"],
            [r"government[\s-]+(?:approved|endorsed|certified|recommended)",
             r"endorsed\s+by\s+the\s+(?:regulator|government|state)",
             r"approved\s+by\s+the\s+(?:regulator|government|state)",
             r"officially\s+(?:endorsed|approved|recommended)", r"inspection[\s-]+free",
             r"exempt\s+from\s+inspection"],
        ),
    ),
)


def check(text: str, *, stage: int | None = None) -> list[Finding]:
    """Return every rule-breaking phrase in ``text``, once per rule and phrase, in order."""
    text = EXEMPT.sub(lambda match: " " * len(match.group()), text)
    in_stage = stage in (1, 2) or STAGE_CONTEXT.search(text) is not None
    found: dict[tuple[str, str], Finding] = {}
    for rule in RULES:
        if rule.needs_stage and not in_stage:
            continue
        for match in rule.pattern.finditer(text):
            if not _negated(text, match.start(), match.end()):
                key = (rule.id, match.group())
                found.setdefault(key, Finding(rule.id, match.group(), rule.message_zh,
                                              rule.message_en))
    return list(found.values())


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
    if CJK.match(text, start):
        window, negation = before[-ZH_WINDOW:], ZH_NEGATION
    else:
        window, negation = " ".join(before.split()[-EN_WINDOW:]), EN_NEGATION
    matches = list(negation.finditer(window))
    return (len(matches) % 2 == 1
            and SPOILER.search(window, matches[-1].start() + 1) is None)


def check_markdown_file(path: Path | str) -> list[Finding]:
    """Check a Markdown file's title, summary and body, taking ``stage`` from its front matter."""
    path = Path(path)
    try:
        post = frontmatter.load(path)
    except Exception as error:  # YAML and encoding errors come in many types
        raise MarkdownError(f"{path}: front matter cannot be read ({error})") from error
    parts = [str(post.get(name) or "") for name in ("title", "summary")]
    body = re.sub(r"\]\([^)]*\)", "]", post.content)  # link targets are addresses, not claims
    return check("\n\n".join([*parts, body]), stage=_stage(path, post.get("stage")))


def _stage(path: Path, value: object) -> int | None:
    """Read the optional ``stage`` front matter field (1, 2 or 3)."""
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise MarkdownError(f"{path}: front matter field 'stage' must be 1, 2 or 3") from None
