"""``flask --app wsgi content check [PATH…]``: content files against the advertising rules."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from formulatrust import PROJECT_ROOT
from formulatrust.content import ContentError, load_page
from formulatrust.domain.compliance import MarkdownError, check_markdown_file

content_group = AppGroup("content", help="Markdown content under content/.")


@content_group.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check_content(paths: tuple[Path, ...]) -> None:
    """Check Markdown files or folders (default: all of content/) for advertising claims."""
    files = markdown_files(paths or (PROJECT_ROOT / "content",))
    failed = sum(1 for path in files if not report(path))
    if failed:
        click.echo(f"{failed} of {len(files)} files failed.")
        raise SystemExit(1)
    click.echo(f"{len(files)} files passed.")


def markdown_files(paths: tuple[Path, ...]) -> list[Path]:
    """List the given files and every ``.md`` file under the given folders."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return files


def report(path: Path) -> bool:
    """Print what is wrong with one file and tell whether it passed."""
    shown = display(path)
    try:
        load_page(path)
        findings = check_markdown_file(path)
    except (ContentError, MarkdownError) as error:
        click.echo(f"{shown} · invalid · {error}")
        return False
    for finding in findings:
        click.echo(f"{shown} · {finding.rule} · “{finding.phrase}”: "
                   f"{finding.message_zh} / {finding.message_en}")
    return not findings


def display(path: Path) -> str:
    """Show a path relative to the project when it is inside it."""
    resolved = path.resolve()
    if resolved.is_relative_to(PROJECT_ROOT):
        return str(resolved.relative_to(PROJECT_ROOT))
    return str(path)
