"""Measure the advertising checker on a labelled corpus: precision and recall per rule family.

A corpus is a tab-separated file: the expected family (a rule id, or ``ok`` for a compliant
text), where the text appears (``showcase``: a stage-1 brand's promotional showcase;
``article``: a science article) and the text. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from formulatrust.domain.compliance import check
from formulatrust.domain.compliance_rules import RuleSet

CONTEXTS = ("showcase", "article")


class CorpusError(ValueError):
    """A corpus line cannot be read; the message names the line."""


@dataclass(frozen=True)
class Sample:
    """One labelled text."""

    expected: str
    context: str
    text: str
    line: int


@dataclass
class Score:
    """How one family did: texts it caught, texts it missed, compliant texts it flagged."""

    caught: int = 0
    missed: list[Sample] = field(default_factory=list)
    false_alarms: list[Sample] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = self.caught + len(self.missed)
        return self.caught / total if total else 1.0

    @property
    def precision(self) -> float:
        flagged = self.caught + len(self.false_alarms)
        return self.caught / flagged if flagged else 1.0


def read_corpus(path: Path | str) -> list[Sample]:
    """Read a corpus file, raising CorpusError for a malformed line."""
    samples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in CONTEXTS or not parts[2].strip():
            raise CorpusError(f"{path}:{number}: expected FAMILY<TAB>showcase|article<TAB>text")
        samples.append(Sample(parts[0], parts[1], parts[2], number))
    return samples


def families_found(sample: Sample, rules: RuleSet | None = None) -> set[str]:
    """Return the rule families the checker finds in a sample, in the sample's context."""
    showcase = sample.context == "showcase"
    findings = check(sample.text, stage=1 if showcase else None, promotional=showcase,
                     rules=rules)
    return {finding.rule for finding in findings}


def score(samples: Iterable[Sample], rules: RuleSet | None = None) -> dict[str, Score]:
    """Score every family: a violation counts as caught when its family is among the findings;
    any finding on a compliant text is a false alarm of its family."""
    scores: dict[str, Score] = {}
    for sample in samples:
        found = families_found(sample, rules)
        if sample.expected == "ok":
            for family in found:
                scores.setdefault(family, Score()).false_alarms.append(sample)
            continue
        entry = scores.setdefault(sample.expected, Score())
        if sample.expected in found:
            entry.caught += 1
        else:
            entry.missed.append(sample)
    return dict(sorted(scores.items()))
