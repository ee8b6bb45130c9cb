"""``flask --app wsgi learn …``: the files of ``content/learn`` into the article store, the
articles whose review is overdue, and the editor's operations: upload a photo, compare two
versions, withdraw an article, waive a finding."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from formulatrust.core import db
from formulatrust.core.clock import shanghai_now
from formulatrust.domain.text_diff import Line
from formulatrust.images.processing import ImageProblem
from formulatrust.images.store import limits_from
from formulatrust.learn import article_images, article_waivers, articles, editing
from formulatrust.learn.models import Article
from formulatrust.learn.version_compare import compare_versions
from formulatrust.publishing.cli_users import acting_account, by_option

learn_group = AppGroup("learn", help="Science articles: import, overdue reviews, photos, versions, "
                       "withdrawal, waivers.")


@learn_group.command("import")
def import_files() -> None:
    """Add each article of content/learn the database does not have yet (safe to repeat)."""
    library = current_app.extensions["formulatrust.content"]
    with db.transaction() as session:
        imported, present = articles.import_library(
            session, library, int(current_app.config["ARTICLE_REVIEW_MONTHS"]))
    click.echo(f"{imported} articles imported, {present} already in the database.")


@learn_group.command("overdue")
def overdue() -> None:
    """List the published articles whose next review date has passed."""
    late = articles.overdue(db.session(), shanghai_now().date())
    for article in late:
        click.echo(f"{article.slug}\tdue {article.next_review_due}")  # YYYY-MM-DD
    click.echo(f"{len(late)} articles overdue for review.")


def article_or_fail(slug: str) -> Article:
    article = articles.find(db.session(), slug)
    if article is None:
        raise click.ClickException(f"没有文章 {slug} / no article {slug} in the database "
                                   "(run `learn import` for the files).")
    return article


@learn_group.command("unpublish")
@click.argument("slug")
@click.option("--reason", required=True, help="Why it is withdrawn; readers are shown it.")
@by_option("science", "admin")
def unpublish(slug: str, reason: str, by_email: str) -> None:
    """Withdraw the published article SLUG: its address then answers 410 Gone with the reason."""
    user = acting_account(db.session(), by_email, "science", "admin")
    article = article_or_fail(slug)
    try:
        editing.withdraw(article, user, reason)
    except articles.WithdrawRefused as refused:
        raise click.ClickException(WITHDRAW_PROBLEMS[refused.code]) from None
    click.echo(f"Withdrew {slug}.")


WITHDRAW_PROBLEMS = {
    "reason": f"Give the reason in {articles.REASON_MIN} to {articles.REASON_MAX} characters.",
    "not_published": "The article is not published: there is nothing to withdraw.",
    "not_allowed": "Only science editors and administrators may withdraw an article.",
}


@learn_group.command("image")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--alt-zh", required=True, help="What the photo shows, in Chinese.")
@click.option("--alt-en", required=True, help="What the photo shows, in English.")
@click.option("--declare-no-infant", "declared", is_flag=True,
              help="Declare that the photo shows no infant and does not compare formula with "
                   "breast milk (required).")
@by_option("science")
def add_image(slug: str, path: Path, alt_zh: str, alt_en: str, declared: bool,
              by_email: str) -> None:
    """Upload the photo PATH for article SLUG; print the Markdown that places it."""
    user = acting_account(db.session(), by_email, "science")
    article_or_fail(slug)
    try:
        image = editing.add_image_file(slug, user, path.read_bytes(), alt_zh, alt_en, declared,
                                       limits_from(current_app.config))
    except ImageProblem as problem:
        raise click.ClickException(f"The photo was refused: {problem.code}.") from None
    click.echo(f"Uploaded {image.address} ({image.width}x{image.height}).")
    click.echo(f"Chinese text: {article_images.markdown_line(image, 'zh')}")
    click.echo(f"English text: {article_images.markdown_line(image, 'en')}")


@learn_group.command("compare")
@click.argument("slug")
@click.argument("old", type=int)
@click.argument("new", type=int)
def compare(slug: str, old: int, new: int) -> None:
    """Print what changed in article SLUG from version OLD to version NEW (+ added, - removed)."""
    article = article_or_fail(slug)
    found = {version.number: version for version in article.versions}
    if old not in found or new not in found:
        raise click.ClickException(f"{slug} has versions {', '.join(map(str, found))}.")
    for change in compare_versions(found[old], found[new]):
        if not change.changed:
            continue
        click.echo(f"== {change.part}")
        for line in change.lines:
            click.echo(diff_line(line))


def diff_line(line: Line) -> str:
    """A line as text: ``+``/``-`` before whole lines, [-removed-]{+added+} within."""
    sign = {"added": "+", "removed": "-", "changed": "~"}.get(line.kind, " ")
    text = "".join(piece.text if piece.kind == "same" or line.kind != "changed" else
                   (f"[-{piece.text}-]" if piece.kind == "removed" else f"{{+{piece.text}+}}")
                   for piece in line.pieces)
    return f"{sign} {text}"


@learn_group.command("waive")
@click.argument("slug")
@click.option("--rule", "rule_id", required=True, help="The rule id, e.g. health_claim.")
@click.option("--phrase", required=True, help="The phrase exactly as the finding quotes it.")
@click.option("--reason", required=True, help="Why this is not a breach (kept on record).")
@by_option("regulator")
def waive(slug: str, rule_id: str, phrase: str, reason: str, by_email: str) -> None:
    """Waive one finding (a rule and a phrase) of the article SLUG kept in the database."""
    user = acting_account(db.session(), by_email, "regulator")
    article = article_or_fail(slug)
    file_waivers = current_app.extensions["formulatrust.content"].waivers
    try:
        editing.waive(article, user, rule_id, phrase, reason, file_waivers)
    except article_waivers.WaiverRefused as refused:
        if refused.code != "no_finding":
            raise click.ClickException(WAIVER_PROBLEMS[refused.code]) from None
        listing = "\n".join(f"  {f.place} line {f.line} · {f.rule} · “{f.phrase}”" for f in
                            article_waivers.open_findings(article_or_fail(slug), file_waivers))
        raise click.ClickException(
            f"{slug} has no open finding of rule {rule_id} for the phrase “{phrase}”. "
            f"Its open findings:\n{listing or '  none'}") from None
    click.echo(f"Waived {rule_id} · “{phrase}” in {slug} for {user.email}.")


WAIVER_PROBLEMS = {
    "reason": f"Give the reason in {article_waivers.REASON_MIN} to {article_waivers.REASON_MAX} "
              "characters: it stays on record.",
    "not_regulator": "Only a regulator may waive a finding.",
}
