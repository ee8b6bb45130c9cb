"""``flask --app wsgi results import FILE``: validate the whole file, then write all or nothing."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from formulatrust.core import db
from formulatrust.domain.gs1 import to_gtin14
from formulatrust.domain.result_terms import unknown_in
from formulatrust.domain.results_import import ImportFileError, parse_file
from formulatrust.enterprises.models import Product
from formulatrust.publishing import imports, recall_service
from formulatrust.publishing.cli_users import acting_account, by_option
from formulatrust.publishing.forms import RecallForm
from formulatrust.results import store
from formulatrust.results.models import RECALL_STATUSES, Recall
from formulatrust.search.vocabularies import vocabulary

results_group = AppGroup("results", help="Sampling results.")


@results_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report only; write nothing.")
@by_option("regulator")
def import_results(path: Path, dry_run: bool, by_email: str) -> None:
    """Import a regulator's results table (.xlsx or .csv)."""
    user = acting_account(db.session(), by_email, "regulator")
    try:
        parsed = parse_file(path)
    except ImportFileError as error:
        raise click.ClickException(f"{error.message_zh} / {error.message_en}") from error
    if parsed.problems:
        for problem in parsed.problems:
            where = f"row {problem.row}" + (f", column {problem.column}" if problem.column else "")
            click.echo(f"{where}: {problem.message_zh} / {problem.message_en}", err=True)
        raise click.ClickException(f"{len(parsed.problems)} problem(s); nothing was imported.")
    click.echo(f"{path.name}: {len(parsed.records)} results in the {parsed.layout} layout.")
    if parsed.ignored_columns:
        click.echo("Columns not imported: " + ", ".join(parsed.ignored_columns))
    if dry_run:
        click.echo("Dry run: nothing written.")
        echo_unknown_terms(unknown_in(vocabulary(), parsed.records))
        return
    with click.progressbar(length=len(parsed.records), label="Importing") as bar:
        summary = imports.import_results(imports.Source(user, path.name), parsed,
                                         progress=bar.update)
    click.echo(f"{summary['created']} created, {summary['corrected']} corrected, "
               f"{summary['unchanged']} unchanged.")
    echo_unknown_terms(summary["unknown_terms"])


UNKNOWN_FIELDS = {"failed_item": ("不合格项目", "failed items"), "category": ("分类", "categories"),
                  "subcategory": ("食品细类", "subcategories"),
                  "province": ("省份", "provinces")}


def echo_unknown_terms(unknown: dict[str, list[str]]) -> None:
    """List the terms that name no vocabulary entry: imported as published, to be added."""
    if not unknown:
        return
    click.echo("以下词语不在词表中，已按原文导入；请将其加入 search/vocabulary/ 后运行 "
               "results map-vocabulary / These terms are not in the vocabulary and were "
               "imported as published; add them to search/vocabulary/, then run "
               "results map-vocabulary:")
    for name, found in unknown.items():
        zh, en = UNKNOWN_FIELDS[name]
        click.echo(f"  {zh} / {en}: " + "、".join(found))


@results_group.command("map-vocabulary")
@by_option("regulator")
def map_vocabulary(by_email: str) -> None:
    """Map the terms of every stored result to the vocabulary again (after adding entries)."""
    session = db.session()
    user = acting_account(session, by_email, "regulator")
    results = store.all_results(session)
    with click.progressbar(length=len(results), label="Mapping") as bar:
        changed = imports.remap_vocabulary(user, results, progress=bar.update)
    click.echo(f"{len(changed)} of {len(results)} results mapped anew.")


recalls_group = AppGroup("recalls", help="Recalls.")


@recalls_group.command("status")
@click.argument("recall_id", type=int)
@click.argument("status", type=click.Choice(RECALL_STATUSES))
@click.option("--reason", default="", help="Why (required to withdraw a recall).")
@click.option("--level", type=click.IntRange(1, 3), default=None,
              help="The recall's level under the food recall measures (1 most serious).")
@by_option("regulator")
def recall_status(recall_id: int, status: str, reason: str, level: int | None,
                  by_email: str) -> None:
    """Mark recall RECALL_ID ongoing, completed (its cans stay recalled) or withdrawn."""
    session = db.session()
    recall = session.get(Recall, recall_id)
    if recall is None:
        raise click.ClickException(f"没有编号为 {recall_id} 的召回 / no recall {recall_id}")
    user = acting_account(session, by_email, "regulator")
    before = recall.status
    values = {"status": status, "status_reason": reason,
              "level": recall.level if level is None else level}
    try:
        recall_service.change_recall(user, recall, values)
    except recall_service.RecallChangeError as error:
        raise click.ClickException(RECALL_PROBLEMS[error.code]) from None
    click.echo(f"Recall {recall_id}: {before} → {status} (version {recall.version}).")


RECALL_PROBLEMS = {
    "reason": "撤回召回须写明理由（至少 10 个字）/ withdrawing a recall needs a reason "
              "(at least 10 characters)",
    "status": "未知状态 / unknown status", "level": "级别须为 1、2 或 3 / level must be 1, 2 or 3",
    "quantity": "数量不能为负 / quantities cannot be negative",
}


@recalls_group.command("publish")
@click.argument("gtin")
@click.option("--lot", "lots", multiple=True,
              help="A recalled lot; repeat for several. Without any, every lot is recalled.")
@click.option("--announced", required=True, metavar="YYYY-MM-DD", help="The announcement's date.")
@click.option("--reason-zh", required=True, help="Why, in Chinese.")
@click.option("--action-zh", required=True, help="What parents should do, in Chinese.")
@click.option("--reason-en", default="", help="Why, in English.")
@click.option("--action-en", default="", help="What parents should do, in English.")
@click.option("--source-url", default="", help="The official announcement (https://…).")
@click.option("--no-english-ok", is_flag=True,
              help="Publish now without the English reason or advice: English readers then see "
                   "the Chinese with the site's general advice.")
@click.option("--unknown-lots-ok", is_flag=True,
              help="Publish now even if the site has no batch or sampling result of the product "
                   "with some of the lots (check them first: a mistyped lot hides the recall).")
@by_option("regulator")
def publish_recall(gtin: str, lots: tuple[str, ...], announced: str, reason_zh: str,
                   action_zh: str, reason_en: str, action_en: str, source_url: str,
                   no_english_ok: bool, unknown_lots_ok: bool, by_email: str) -> None:
    """Publish a recall of the product GTIN, as the recall form does."""
    session = db.session()
    user = acting_account(session, by_email, "regulator")
    product = session.scalar(select(Product).where(Product.gtin == gtin14_or_empty(gtin)))
    if product is None:
        raise click.ClickException(f"没有 GTIN 为 {gtin} 的产品 / no product with GTIN {gtin}")
    form = RecallForm(formdata=MultiDict({
        "product": str(product.id), "lots": "\n".join(lots), "announced_on": announced,
        "reason_zh": reason_zh, "reason_en": reason_en, "action_zh": action_zh,
        "action_en": action_en, "source_url": source_url,
        "publish_without_english": "y" if no_english_ok else "",
        "lots_confirmed": "y" if unknown_lots_ok else ""}), meta={"csrf": False})
    recall_service.checked_against_records(form)
    form.product.choices = [(str(product.id), product.gtin)]
    with force_locale("en"):  # no request to choose a language from
        valid = form.validate()
    if not valid:
        for problem in form_problems(form):
            click.echo(problem, err=True)
        raise click.ClickException("没有发布召回 / nothing was published")
    recall = recall_service.publish_recall(user, form)
    english = "" if recall.english_complete else " without English"
    click.echo(f"Recall {recall.id} of {product.gtin} published{english}.")


def gtin14_or_empty(text: str) -> str:
    try:
        return to_gtin14(text.strip())
    except ValueError:
        return ""


def form_problems(form: RecallForm) -> list[str]:
    """Return the form's errors in Chinese and English, the English one worded for options."""
    problems = []
    for name, errors in form.errors.items():
        if name in CONFIRMATION_OPTIONS:
            problems.append(CONFIRMATION_OPTIONS[name](form))
            continue
        for error in errors:
            with force_locale("zh"):
                zh = str(error)
            with force_locale("en"):
                en = str(error)
            problems.append(f"{OPTION_NAMES.get(name, '--' + name.replace('_', '-'))}: "
                            f"{zh} / {en}")
    return problems


# The form's fields whose option is named otherwise.
OPTION_NAMES = {"product": "GTIN", "lots": "--lot", "announced_on": "--announced"}


def unknown_lots_option(form: RecallForm) -> str:
    lots = ", ".join(form.unknown_lots)
    return (f"--lot: 本站没有该产品批号为 {lots} 的批次或抽检结果；扫描罐子的家长只有在批号"
            "完全一致时才会看到召回。请核对批号，或加上 --unknown-lots-ok 立即发布。 / "
            f"No batch or sampling result of this product has these lots: {lots}. Parents "
            "scanning a can see the recall only if its lot matches exactly. Check the lots, or "
            "pass --unknown-lots-ok to publish now.")


MISSING_ENGLISH_OPTION = (
    "英文原因或建议为空：英文读者将看到中文原文和本站的通用建议。请用 --reason-en 和 --action-en "
    "补上英文，或加上 --no-english-ok 立即发布。 / The English reason or advice is empty: English "
    "readers would see the Chinese with the site's general advice. Add it with --reason-en and "
    "--action-en, or pass --no-english-ok to publish now.")

# The form's confirmation boxes, worded for the options that tick them.
CONFIRMATION_OPTIONS = {"publish_without_english": lambda _form: MISSING_ENGLISH_OPTION,
                        "lots_confirmed": unknown_lots_option}
