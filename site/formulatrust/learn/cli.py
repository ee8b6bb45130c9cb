"""``flask --app wsgi content check|waive``: content files against the advertising rules.

``check`` needs no database: it reads the rule file, the waivers and the Markdown files.
``waive`` records a regulator's decision that a finding is a false positive: it checks the
regulator's account, appends the waiver to ``content/rules/waivers.toml`` and writes an audit
entry, both or neither.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from formulatrust.core import db
from formulatrust.core.clock import today_in_shanghai
from formulatrust.core.config import PROJECT_ROOT
from formulatrust.core.content import (
    RULES_FOLDER,
    ContentError,
    document_name,
    load_page,
    rules_and_waivers,
)
from formulatrust.domain.authz import REGULATOR
from formulatrust.domain.compliance import (
    MarkdownError,
    RulesError,
    RuleSet,
    Waiver,
    check_markdown_file,
    read_waivers,
    split_waived,
    waiver_toml,
)
from formulatrust.domain.compliance_corpus import CorpusError, read_corpus, score
from formulatrust.publishing import audit
from formulatrust.publishing.models import User

content_group = AppGroup("content", help="Markdown content under content/.")
MIN_REASON = 10
MAX_REASON = 500
WAIVERS_HEADER = """\
# Regulators' waivers of advertising-rule findings (see docs/advertising-rules.md).
# Add entries with `flask --app wsgi content waive`, which checks the regulator's account and
# writes an audit entry; `content check` warns about waivers that no longer match anything.
"""
content_dir_option = click.option(
    "--content-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None, help="The content folder whose rules/ and waivers apply (default: content/).")


@content_group.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@content_dir_option
@click.option("--report", "corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Measure the rules on a labelled corpus (TSV) instead.")
def check_content(paths: tuple[Path, ...], content_dir: Path | None,
                  corpus: Path | None) -> None:
    """Check Markdown files or folders (default: all of content/) for advertising claims.

    Prints each finding with its file and line, rule, phrase, legal source and the context
    it was read in, and exits with status 1 if any finding has no waiver. Waivers that match
    nothing are warned about. With ``--report CORPUS``, prints precision and recall per rule
    family on the labelled corpus, and exits with status 1 unless every violation is caught
    and no compliant text is flagged.
    """
    root = content_dir or PROJECT_ROOT / "content"
    try:
        rules, waivers = rules_and_waivers(root)
    except ContentError as error:
        click.echo(f"invalid · {error}")
        raise SystemExit(1) from None
    click.echo(f"Advertising rules version {rules.version}, effective {rules.effective}.")
    if corpus is not None:
        corpus_report(corpus, rules)
        return
    files = markdown_files(paths or (root,))
    checked: set[str] = set()
    used: list[Waiver] = []
    failed = 0
    for path in files:
        document = document_name(path, root)
        checked.add(document)
        passed, waived = report(path, document, rules, waivers)
        failed += not passed
        used.extend(waived)
    for waiver in waivers:
        if waiver not in used and (not paths or waiver.document in checked):
            click.echo(f"warning · stale waiver · {waiver.document} · {waiver.rule} · "
                       f"“{waiver.phrase}”: it no longer matches anything; remove it from "
                       f"{RULES_FOLDER}/waivers.toml")
    if failed:
        click.echo(f"{failed} of {len(files)} files failed.")
        raise SystemExit(1)
    click.echo(f"{len(files)} files passed.")


def corpus_report(path: Path, rules: RuleSet) -> None:
    """Print precision and recall per rule family on a labelled corpus; exit 1 if short."""
    try:
        samples = read_corpus(path)
    except CorpusError as error:
        raise click.ClickException(str(error)) from None
    scores = score(samples, rules)
    click.echo(f"{len(samples)} texts, {sum(s.expected == 'ok' for s in samples)} compliant.")
    click.echo(f"{'family':<20} {'caught':>7} {'missed':>7} {'false':>6} {'precision':>10} "
               f"{'recall':>7}")
    for family, result in scores.items():
        click.echo(f"{family:<20} {result.caught:>7} {len(result.missed):>7} "
                   f"{len(result.false_alarms):>6} {result.precision:>10.0%} "
                   f"{result.recall:>7.0%}")
        for sample in result.missed:
            click.echo(f"    missed, line {sample.line}: {sample.text}")
        for sample in result.false_alarms:
            click.echo(f"    false alarm, line {sample.line}: {sample.text}")
    if any(result.missed or result.false_alarms for result in scores.values()):
        raise SystemExit(1)


def markdown_files(paths: tuple[Path, ...]) -> list[Path]:
    """List the given files and every ``.md`` file under the given folders."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return files


def report(path: Path, document: str, rules: RuleSet, waivers: tuple[Waiver, ...]
           ) -> tuple[bool, list[Waiver]]:
    """Print what is wrong with one file; return whether it passed and the waivers used."""
    shown = display(path)
    try:
        load_page(path)
        findings, used = split_waived(document, check_markdown_file(path, rules=rules), waivers)
    except (ContentError, MarkdownError) as error:
        click.echo(f"{shown} · invalid · {error}")
        return False, []
    for finding in findings:
        click.echo(f"{shown}:{finding.line} · {finding.rule} · “{finding.phrase}” · "
                   f"{finding.source} · read as {finding.context} text\n"
                   f"    {finding.message_zh} / {finding.message_en}")
    for waiver in used:
        click.echo(f"{shown} · waived · {waiver.rule} · “{waiver.phrase}” · {waiver.by}, "
                   f"{waiver.date}: {waiver.reason}")
    return not findings, used


def display(path: Path) -> str:
    """Show a path relative to the project when it is inside it."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return str(resolved.relative_to(PROJECT_ROOT))
    return str(path)


@content_group.command("waive")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rule", "rule_id", required=True, help="The rule id, e.g. health_claim.")
@click.option("--phrase", required=True, help="The phrase exactly as the finding quotes it.")
@click.option("--reason", required=True, help="Why this is not a breach (kept on record).")
@click.option("--by", "email", required=True, help="The email of the regulator's account.")
def waive(path: Path, rule_id: str, phrase: str, reason: str, email: str) -> None:
    """Waive one finding (a rule and a phrase) in the content file PATH, for a regulator."""
    root = Path(current_app.config.get("CONTENT_DIR") or PROJECT_ROOT / "content")
    if not path.resolve().is_relative_to(root.resolve()):
        raise click.ClickException(f"{path} is not in the content folder {root}.")
    document = document_name(path, root)
    try:
        rules, waivers = rules_and_waivers(root)
    except ContentError as error:
        raise click.ClickException(str(error)) from None
    if rules.rule(rule_id) is None:
        raise click.ClickException(f"There is no rule {rule_id!r}. Rules: "
                                   + ", ".join(rule.id for rule in rules.rules) + ".")
    reason = " ".join(reason.split())
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise click.ClickException(
            f"Give the reason in {MIN_REASON} to {MAX_REASON} characters: it stays on record.")
    user = regulator(email)
    try:
        findings = check_markdown_file(path, rules=rules)
    except MarkdownError as error:
        raise click.ClickException(str(error)) from None
    if not any(f.rule == rule_id and f.phrase == phrase for f in findings):
        listing = "\n".join(f"  line {f.line} · {f.rule} · “{f.phrase}”" for f in findings)
        raise click.ClickException(
            f"{document} has no finding of rule {rule_id} for the phrase “{phrase}”. "
            f"Its findings:\n{listing or '  none'}")
    if any(w.document == document and w.rule == rule_id and w.phrase == phrase
           for w in waivers):
        raise click.ClickException(f"“{phrase}” is already waived for {rule_id} in {document}.")
    waiver = Waiver(document, rule_id, phrase, reason, user.email, today_in_shanghai())
    record(root / RULES_FOLDER / "waivers.toml", waiver, user, rules)
    click.echo(f"Waived {rule_id} · “{phrase}” in {document} for {user.email}.")


def regulator(email: str) -> User:
    """Return the active regulator account for ``email``, or fail saying what is wrong."""
    email = email.strip().lower()
    user = db.session().scalar(select(User).where(User.email == email))
    if user is None:
        raise click.ClickException(f"No account with the email address {email}.")
    if not user.active:
        raise click.ClickException(f"The account {email} is disabled.")
    if user.role != REGULATOR:
        raise click.ClickException(
            f"Only a regulator may waive a finding; {email} has the {user.role} role.")
    return user


def record(path: Path, waiver: Waiver, user: User, rules: RuleSet) -> None:
    """Append ``waiver`` to the waiver file and write its audit entry, both or neither."""
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    text = (previous or WAIVERS_HEADER).rstrip("\n") + "\n\n" + waiver_toml(waiver)
    draft = path.with_name(f".{path.name}.new")
    path.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text(text, encoding="utf-8")
    try:
        read_waivers(draft, rules)  # never replace a good file with one that will not load
    except RulesError as error:
        draft.unlink()
        raise click.ClickException(f"The waiver cannot be recorded: {error}") from None
    try:
        with db.transaction() as session:
            audit.record(session, None, "create", "content_waiver", waiver.document, {
                "rule": waiver.rule, "phrase": waiver.phrase, "reason": waiver.reason,
                "regulator": user.id})
            session.flush()
            os.replace(draft, path)
    except BaseException:
        draft.unlink(missing_ok=True)
        if previous is not None and path.read_text(encoding="utf-8") != previous:
            path.write_text(previous, encoding="utf-8")
        elif previous is None and path.exists() and path.read_text(encoding="utf-8") == text:
            path.unlink()
        raise
