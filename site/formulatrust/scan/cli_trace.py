"""``flask --app wsgi trace import FILE``: load enterprise trace data (docs/trace-import.md)."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.domain.trace_format import Problem, TraceDocument, parse_file
from formulatrust.publishing import audit
from formulatrust.publishing.cli_users import acting_account, by_option
from formulatrust.scan.trace_import import ImportSummary, TraceImportError, import_trace_document

trace_group = AppGroup("trace", help="Import enterprise trace data (products, batches, serials).")


@trace_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count everything, then write nothing.")
@by_option("enterprise", "regulator", "admin")
def import_command(file: Path, dry_run: bool, by_email: str) -> None:
    """Import factories, products, batches and serials from a .json or .csv FILE."""
    session = db.session()
    user = acting_account(session, by_email, "enterprise", "regulator", "admin")
    document = parse_file(file.name, file.read_bytes())
    try:
        summary = import_with_progress(document, file.name, user.enterprise_id)
    except TraceImportError as error:
        session.rollback()
        report_problems(error.problems)
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
        click.echo("试运行：未写入任何数据。 / Dry run: nothing was written.")
    else:
        counts = {name: value for name, value in asdict(summary).items() if name != "problems"}
        audit.record(session, user, "import", "trace", file.name[:64], counts)
        session.commit()
    click.echo(format_summary(summary))


def report_problems(problems: list[Problem]) -> None:
    """Print every problem and stop with status 1."""
    for problem in problems:
        click.echo(str(problem))
    count = len(problems)
    click.echo(f"发现 {count} 个问题，未写入任何数据。 / "
               f"{count} problem(s) found; nothing was written.")
    raise click.exceptions.Exit(1)


def import_with_progress(document: TraceDocument, source_name: str,
                         enterprise_id: int | None = None) -> ImportSummary:
    """Import the document, with a progress bar over the serial chunks when there are serials;
    an enterprise editor's import may only name that enterprise's records."""
    total = document.serial_count
    with ExitStack() as stack:
        bars: list[Any] = []

        def progress(count: int) -> None:
            # Opened at the first written chunk, so a file with problems shows no bar.
            if not bars:
                bars.append(stack.enter_context(
                    click.progressbar(length=total, label="序列号 Serials")))
            bars[0].update(count)

        return import_trace_document(db.session(), document, source_name=source_name,
                                     enterprise_id=enterprise_id,
                                     progress=progress if total else None)


def format_summary(summary: ImportSummary) -> str:
    """Describe what the import did, one line per kind of record."""
    s = summary
    return "\n".join([
        f"工厂 Factories: {s.factories_created} 新建 created, {s.factories_updated} 更新 updated",
        f"产品 Products: {s.products_created} 新建 created, {s.products_updated} 更新 updated, "
        f"{s.products_unchanged} 未变 unchanged",
        f"批次 Batches: {s.batches_created} 新建 created, {s.batches_corrected} 更正 corrected, "
        f"{s.batches_unchanged} 未变 unchanged",
        f"序列号 Serials: {s.serials_registered} 登记 registered, "
        f"{s.serials_already} 已登记 already registered",
    ])
