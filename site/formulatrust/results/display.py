"""Sampling results in the reader's language: the pairs of names a result carries, and the
options of the facets (their values stay what the filters compare; their labels translate).

The names come from what the result links to (the enterprise and product on record) and from
its own English fields (``lab_en``, ``sampled_unit_en``); vocabulary terms (failed items,
provinces, categories) come from the controlled vocabularies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from formulatrust.core.bilingual import Pair, term
from formulatrust.core.i18n import current_language
from formulatrust.domain.quantities import english_quantity
from formulatrust.domain.transliteration import has_chinese, pinyin
from formulatrust.enterprises.models import Enterprise
from formulatrust.results.models import SamplingResult

# The vocabulary each facet's values belong to; facets of names translate by what they name.
FACET_VOCABULARIES = {"category": "categories", "item": "test_items", "province": "places"}
NAME_FACETS = ("enterprise", "lab")


@dataclass(frozen=True)
class ResultNames:
    """The names (and quantities) on a sampling result, each as published with its English."""

    product: Pair
    enterprise: Pair
    enterprise_address: Pair
    trademark: Pair
    sampled_unit: Pair
    lab: Pair
    specification: Pair
    shelf_life: Pair


def names_of(result: SamplingResult) -> ResultNames:
    """Return the names of ``result`` with the English forms known for them."""
    product, enterprise = result.product, result.enterprise
    brand = product.brand if product else None
    return ResultNames(
        product=Pair(result.product_name, product.name_en if product else ""),
        enterprise=Pair(result.enterprise_name, enterprise.name_en if enterprise else ""),
        enterprise_address=Pair(result.enterprise_address, _same_as(
            result.enterprise_address, enterprise, "address_zh", "address_en")),
        trademark=Pair(result.trademark, _same_as(result.trademark, brand, "name_zh", "name_en")),
        sampled_unit=Pair(result.sampled_unit, result.sampled_unit_en),
        lab=Pair(result.lab, result.lab_en),
        specification=_quantity(result.specification),
        shelf_life=_quantity(result.shelf_life),
    )


def _quantity(published: str | None) -> Pair:
    text = published or ""
    return Pair(text, english_quantity(text) or ("" if has_chinese(text) else text))


def _same_as(published: str, record: object | None, zh_field: str, en_field: str) -> str:
    """The record's English, when the result published the record's own Chinese: an address
    or trademark as labelled may differ from the one on record, and then has no translation."""
    if record is None or published != getattr(record, zh_field):
        return ""
    return getattr(record, en_field) or ""


def plain_name(pair: Pair, language: str | None = None) -> str:
    """Return a name as plain text (for titles and options): English, else a pinyin on
    English pages, the Chinese on Chinese ones."""
    if (language or current_language()) != "en":
        return pair.zh or pair.en
    if pair.en or not has_chinese(pair.zh):
        return pair.en or pair.zh
    return gettext("%(pinyin)s (pinyin)", pinyin=pinyin(pair.zh))


def failed_items_text(items: Iterable[Iterable[str]], language: str | None = None) -> str:
    """Write failed items ([item, measured, limit, label requirement] each, as a correction
    keeps them) as one line in the reader's language; terms without English stay Chinese."""
    language = language or current_language()

    def word(raw: str, kind: str) -> str:
        pair = term(raw, kind)
        return pair.in_language(language) or pair.zh

    lines = []
    for parts in items:
        name, measured, limit, _label = ([*parts, "", "", ""])[:4]
        line = word(name, "test_items")
        line += f": {word(measured, 'phrases')}" if measured else ""
        line += f" ({gettext('limit %(value)s', value=word(limit, 'phrases'))})" if limit else ""
        lines.append(line)
    return ("；" if language == "zh" else "; ").join(lines)


@dataclass(frozen=True)
class Option:
    """One option of a facet: the value its filter compares, and its label for the reader
    (``lang`` is set when the label is Chinese shown on an English page)."""

    value: str
    count: int
    label: str
    lang: str = ""


def facet_options(session: Session, counted: dict[str, list[tuple[object, int]]],
                  language: str | None = None) -> dict[str, list[Option]]:
    """Return each facet's options labelled in the reader's language."""
    language = language or current_language()
    options = {}
    for name, counts in counted.items():
        english = _english_names(session, name, [v for v, _ in counts]) if language == "en" \
            else {}
        options[name] = [_option(name, value, count, english, language) for value, count in counts]
    return options


def _option(name: str, value: object, count: int, english: dict[str, str],
            language: str) -> Option:
    if name == "compliant":
        return Option("yes" if value else "no", count,
                      gettext("Compliant") if value else gettext("Not compliant"))
    text = str(value)
    if name in NAME_FACETS:
        return Option(text, count, plain_name(Pair(text, english.get(text, "")), language))
    if name in FACET_VOCABULARIES:
        return _labelled(text, count, term(text, FACET_VOCABULARIES[name]), language)
    return Option(text, count, text)


def _labelled(value: str, count: int, pair: Pair, language: str) -> Option:
    if language != "en":
        return Option(value, count, pair.zh or pair.en)
    if pair.en:
        return Option(value, count, pair.en)
    return Option(value, count, f"{pair.zh} {gettext('(Chinese only)')}", "zh-Hans")


def _english_names(session: Session, facet: str, values: Iterable[object]) -> dict[str, str]:
    """Return the English names known for the enterprise or lab names ``values``."""
    wanted = [str(v) for v in values if v]
    if facet not in NAME_FACETS or not wanted:
        return {}
    if facet == "enterprise":
        return enterprise_english_names(session, wanted)
    return dict(session.execute(
        select(SamplingResult.lab, func.max(SamplingResult.lab_en))
        .where(SamplingResult.lab.in_(wanted), SamplingResult.lab_en != "")
        .group_by(SamplingResult.lab)).all())


def enterprise_english_names(session: Session, names: list[str]) -> dict[str, str]:
    """Return the English name of each enterprise name (as labelled) that results link to
    an enterprise on record."""
    if not names:
        return {}
    return dict(session.execute(
        select(SamplingResult.enterprise_name, func.max(Enterprise.name_en))
        .join(Enterprise, SamplingResult.enterprise_id == Enterprise.id)
        .where(SamplingResult.enterprise_name.in_(names), Enterprise.name_en != "")
        .group_by(SamplingResult.enterprise_name)).all())
