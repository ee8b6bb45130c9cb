"""JSON shapes of the resolver: the facts of a key, its linkset, the resolver description."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from formulatrust.domain.verdict import Reason
from formulatrust.enterprises.models import Product
from formulatrust.results.models import Recall, SamplingResult
from formulatrust.scan.models import Batch
from formulatrust.scan.trace import Facts

GS1_VOC = "https://gs1.org/voc/"
AGE_RANGES = {1: "0-6", 2: "6-12", 3: "12-36"}


def _both(record: object, field: str) -> dict[str, str]:
    return {"zh": getattr(record, f"{field}_zh"), "en": getattr(record, f"{field}_en")}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def product_json(product: Product) -> dict:
    """Return the product with its brand and enterprise."""
    enterprise = product.brand.enterprise
    return {
        "gtin": product.gtin, "name": _both(product, "name"), "stage": product.stage,
        "age_months": AGE_RANGES.get(product.stage), "registration_no": product.registration_no,
        "net_content_g": product.net_content_g,
        "brand": {"slug": product.brand.slug, "name": _both(product.brand, "name")},
        "enterprise": {"slug": enterprise.slug, "name": _both(enterprise, "name"),
                       "licence_no": enterprise.licence_no,
                       "credit_code": enterprise.credit_code},
    }


def batch_json(batch: Batch, gtin: str) -> dict:
    """Return the batch record as published, with its version (``gtin``: its product's; the
    batch may come from the page cache, detached from any session, so its product is not
    loaded from it)."""
    return {
        "lot": batch.lot, "produced_on": _day(batch.produced_on),
        "best_before": _day(batch.best_before),
        "factory": {"name": _both(batch.factory, "name"), "licence_no": batch.factory.licence_no,
                    "address": _both(batch.factory, "address")},
        "milk_source": batch.milk_source, "raw_materials": batch.raw_materials,
        "release_inspection": batch.release_inspection, "source": batch.source,
        "source_en": batch.source_en, "version": batch.version,
        "updated_at": batch.updated_at.isoformat(),
        "history": url_for("scan.batch_history", gtin=gtin, lot=batch.lot,
                           _external=True),
    }


def recall_json(recall: Recall) -> dict:
    """Return one recall."""
    return {"id": recall.id, "status": recall.status,
            "announced_on": _day(recall.announced_on), "lots": recall.lots or "all",
            "reason": _both(recall, "reason"), "action": _both(recall, "action"),
            "source_url": recall.source_url}


def result_json(result: SamplingResult) -> dict:
    """Return one sampling result in brief."""
    return {
        "id": result.id, "sample_no": result.sample_no, "compliant": result.compliant,
        "overturned_on": _day(result.overturned_on),
        "lot": result.lot, "announced_on": _day(result.announced_on),
        "announcement_no": result.announcement_no, "lab": result.lab,
        "failed_items": [{"item": f.item, "measured": f.measured, "limit": f.limit}
                         for f in result.failed_items],
    }


def reason_link(reason: Reason, facts: Facts) -> str | list[str] | None:
    """Return the path of the record a verdict reason rests on (a list for several)."""
    if reason.kind.startswith("recall"):
        return url_for("recalls.detail", recall_id=reason.record.id)
    if reason.kind.startswith("lot_failure"):
        return url_for("results.detail", result_id=reason.record.id)
    if reason.kind == "product_failures":
        return [url_for("results.detail", result_id=r.id) for r in reason.record]
    if reason.kind == "rating":
        return url_for("enterprises.detail", slug=facts.product.brand.enterprise.slug)
    return None


def verdict_json(facts: Facts, today: date) -> dict:
    """Return the verdict the page opens with: its level and reasons, most severe first."""
    verdict = facts.verdict(today)
    return {"level": verdict.level,
            "reasons": [{"kind": reason.kind, "level": reason.level,
                         "link": reason_link(reason, facts)} for reason in verdict.reasons]}


def key_json(facts: Facts, uri: str, today: date, verdict: dict | None = None) -> dict:
    """Return the part of the JSON about this very key: its URI, level, verdict (``verdict``
    when already worked out), lot, serial."""
    return {
        "uri": uri, "level": facts.level,
        "verdict": verdict if verdict is not None else verdict_json(facts, today),
        "lot_on_record": None if facts.link.lot is None else facts.batch is not None,
        "serial": None if facts.link.serial is None else {
            "value": facts.link.serial, "status": facts.serial_status},
    }


def join_objects(first: str, second: str) -> str:
    """Join two serialised JSON objects into one (the second must not be empty)."""
    return first[:-1] + ("," if first != "{}" else "") + second[1:]


def shared_json(facts: Facts) -> dict:
    """Return the part of the JSON that every can of the batch shares."""
    return {
        "product": product_json(facts.product),
        "batch": batch_json(facts.batch, facts.product.gtin) if facts.batch else None,
        "recalls": [recall_json(r) for r in facts.recalls],
        "sampling_results": {"batch": [result_json(r) for r in facts.batch_results],
                             "product": [result_json(r) for r in facts.product_results]},
        "integrity_rating": None if facts.rating is None else {
            "grade": facts.rating.grade, "assessed_on": _day(facts.rating.assessed_on),
            "valid_until": _day(facts.rating.valid_until), "assessor": facts.rating.assessor,
            "assessor_en": facts.rating.assessor_en},
        "supervision_listings": [{"listed_on": _day(x.listed_on), "reason": _both(x, "reason")}
                                 for x in facts.listings],
    }


def _link(href: str, title: str, media: str = "text/html") -> dict:
    return {"href": href, "title": title, "type": media, "hreflang": ["zh", "en"]}


def linkset(facts: Facts, absolute: Callable[[str], str],
            target: Callable[[str, Facts], str]) -> dict:
    """Return the RFC 9264 linkset of the key (GS1's linkset schema: anchor, itemDescription,
    link types as URIs of the GS1 vocabulary, each link with href and title)."""
    path = facts.link.path()
    product = facts.product
    with force_locale("en"):
        page = _link(target("page", facts), _("Provenance of this product, batch or can"))
        links = {
            GS1_VOC + "pip": [page],
            GS1_VOC + "defaultLink": [page],
            GS1_VOC + "recallStatus": [_link(target("json", facts), _("Recall status (JSON)"),
                                             "application/json")],
            GS1_VOC + "traceability": [_link(target("json", facts),
                                             _("Traceability record (JSON)"),
                                             "application/json")],
            GS1_VOC + "certificationInfo": [_link(
                target("certification", facts),
                _("Enterprise licences, certifications and integrity rating"))],
            GS1_VOC + "verificationService": [_link(target("verification", facts),
                                                    _("Check the code printed on a can"))],
        }
    description = f"{product.name_zh} ({product.name_en})"
    return {"linkset": [{"anchor": absolute(path), "itemDescription": description, **links}]}


def resolver_description(root: str) -> dict:
    """Return the ``/.well-known/gs1resolver`` description."""
    return {
        "name": "Shanghai Infant Formula Trust resolver",
        "resolverRoot": root.rstrip("/"),
        "supportedPrimaryKeys": ["01"],
        "linkTypeDefaultCanBeLinkset": False,
        "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:",
                               "profile": "https://gs1.org/voc/?show=linktypes"}],
        "contact": {"fn": "Shanghai Infant Formula Trust", "url": root.rstrip("/") + "/contact"},
    }
