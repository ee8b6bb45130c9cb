"""``flask --app wsgi trace import FILE``: load enterprise trace data (docs/trace-import.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from formulatrust import db, trace_import
from formulatrust.domain.trace_format import parse_file
from formulatrust.trace_import import ImportSummary, Plan

trace_group = AppGroup("trace", help="Import enterprise trace data (products, batches, serials).")


@trace_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count everything, then write nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import factories, products, batches and serials from a .json or .csv FILE."""
    session = db.session()
    plan = trace_import.check(session, parse_file(file.name, file.read_bytes()))
    if plan.problems:
        report_problems(plan)
    try:
        summary = write_with_progress(plan, file.name)
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
        click.echo("试运行：未写入任何数据。 / Dry run: nothing was written.")
    else:
        session.commit()
    click.echo(format_summary(summary))


def report_problems(plan: Plan) -> None:
    """Print every problem and stop with status 1."""
    for problem in plan.problems:
        click.echo(str(problem))
    count = len(plan.problems)
    click.echo(f"发现 {count} 个问题，未写入任何数据。 / "
               f"{count} problem(s) found; nothing was written.")
    raise click.exceptions.Exit(1)


def write_with_progress(plan: Plan, source_name: str) -> ImportSummary:
    """Write the plan, with a progress bar over the serial chunks when there are serials."""
    session, total = db.session(), plan.document.serial_count
    if not total:
        return trace_import.write(session, plan, source_name)
    with click.progressbar(length=total, label="序列号 Serials") as bar:
        return trace_import.write(session, plan, source_name, progress=bar.update)


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
