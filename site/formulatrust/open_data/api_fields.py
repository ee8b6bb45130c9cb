"""The records the API serves with no complete file (ratings history, bulletins, products,
batches, appeals and replies): their fields, defined like those of ``fields``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from formulatrust.open_data.fields import Dataset, flat, of_enterprise

RATING_HISTORY = Dataset("rating_history", _l("Integrity ratings history"), _l(
    "Every integrity assessment on record, not only the current one, oldest first."),
    of_enterprise(
    flat("grade", "text", _l("Integrity grade, A (best) to D."), "A"),
    flat("score", "number", _l("Total score out of 100, where scored."), "92.5", nullable=True),
    flat("assessed_on", "date", _l("Date of the assessment."), "2026-01-10"),
    flat("valid_until", "date", _l("Last day the grade is valid."), "2027-01-09"),
    flat("assessor", "text", _l("Who assessed the enterprise."), "示例评定组"),
    flat("criteria", "list", _l("Score by criterion: [criterion, weight in %, score, "
                                "evidence]."), '[["sampling", 30, 100, "…"]]', nullable=True),
    flat("capped_by", "list", _l("Rules that limited the grade, if any."),
         '["serious_failure_12_months"]', nullable=True),
    flat("methodology", "text", _l("Version of the rating method used; empty when not "
                                   "recorded."), "2026")))
BULLETINS = Dataset("bulletins", _l("Bulletins"), _l(
    "Every published bulletin readers can see, oldest first, with its page."), (
    flat("slug", "text", _l("Identifier of the bulletin in this site's URLs."),
         "2026-q1-quality"),
    flat("organisation_zh", "text", _l("Publishing organisation, in Chinese."), "示例乳业协会"),
    flat("organisation_en", "text", _l("Publishing organisation, in English."),
         "Example Dairy Association"),
    flat("title_zh", "text", _l("Bulletin title in Chinese."), "2026年一季度质量通报"),
    flat("title_en", "text", _l("Bulletin title in English."), "Quality bulletin, Q1 2026"),
    flat("summary_zh", "text", _l("Summary in Chinese."), "一季度抽检全部合格。"),
    flat("summary_en", "text", _l("Summary in English."), "Every sample passed in Q1."),
    flat("published_at", "datetime", _l("When the bulletin was published."),
         "2026-04-01T02:00:00+00:00"),
    flat("permalink", "url", _l("The bulletin's page on this site."),
         "https://example.org/bulletins/2026-q1-quality")))
PRODUCTS = Dataset("products", _l("Products"), _l(
    "Every registered product: one recipe, one stage, one GTIN."), (
    flat("id", "integer", _l("Stable identifier of the product on this site."), "5"),
    flat("gtin", "text", _l("GTIN-14 of the product."), "09520102026148"),
    flat("name_zh", "text", _l("Product name in Chinese."), "示例较大婴儿配方乳粉（2段）"),
    flat("name_en", "text", _l("Product name in English."), "Example follow-on formula (stage 2)"),
    flat("brand_slug", "text", _l("Identifier of the brand in this site's URLs."),
         "example-brand"),
    flat("brand_name_zh", "text", _l("Brand name in Chinese."), "示例"),
    flat("brand_name_en", "text", _l("Brand name in English."), "Example"),
    flat("enterprise_slug", "text", _l("Identifier of the enterprise in this site's URLs."),
         "example-dairy"),
    flat("stage", "integer", _l("Stage: 1 infant, 2 follow-on, 3 young child formula."), "2"),
    flat("registration_no", "text", _l("Product formula registration number."),
         "国食注字YP20180001"),
    flat("net_content_g", "integer", _l("Net content in grams."), "800"),
    flat("permalink", "url", _l("The product's page on this site."),
         "https://example.org/01/09520102026148")))
BATCHES = Dataset("batches", _l("Batches"), _l(
    "Public facts of every production lot: the product, the dates and the factory."), (
    flat("id", "integer", _l("Stable identifier of the batch on this site."), "40"),
    flat("gtin", "text", _l("GTIN-14 of the product."), "09520102026148"),
    flat("lot", "text", _l("Lot number."), "20260830B3"),
    flat("produced_on", "date", _l("Date of production."), "2026-08-30"),
    flat("best_before", "date", _l("Best-before date."), "2028-02-29"),
    flat("factory_name_zh", "text", _l("Factory name in Chinese."), "示例乳业第一工厂"),
    flat("factory_name_en", "text", _l("Factory name in English."), "Example Dairy plant 1"),
    flat("factory_licence_no", "text", _l("Food production licence number of the factory."),
         "SC10631010000001"),
    flat("version", "integer", _l("Version of the batch record; corrections count up."), "1"),
    flat("permalink", "url", _l("The batch's page on this site."),
         "https://example.org/01/09520102026148/10/20260830B3")))
_TARGET = (flat("target", "text", _l("What the record concerns: rating, penalty or result."),
                "penalty"),
           flat("target_id", "integer", _l("Id of that record (in ratings, penalties or "
                                           "results)."), "7"))
APPEALS = Dataset("appeals", _l("Appeals"), _l(
    "Every enterprise's appeal against a record, and the regulator's decision, as shown "
    "beside the record."), of_enterprise(
    *_TARGET,
    flat("grounds_zh", "text", _l("The enterprise's grounds, in Chinese."), "检验方法有误。"),
    flat("grounds_en", "text", _l("The enterprise's grounds, in English."),
         "The test method was wrong."),
    flat("filed_on", "date", _l("Date the appeal was filed."), "2026-02-01"),
    flat("status", "text", _l("filed while waiting, else the decision: upheld, partly or "
                              "overturned."),
         "filed"),
    flat("decided_on", "date", _l("Date of the decision; null while waiting."), "",
         nullable=True),
    flat("outcome_reason_zh", "text", _l("Reason for the decision, in Chinese."), ""),
    flat("outcome_reason_en", "text", _l("Reason for the decision, in English."), "")))
REPLIES = Dataset("replies", _l("Replies"), _l(
    "The enterprises' own replies to records about them, as shown beside the record."),
    of_enterprise(
    *_TARGET,
    flat("body_zh", "text", _l("The reply, in Chinese."), "我们已整改。"),
    flat("body_en", "text", _l("The reply, in English."), "We have put it right."),
    flat("appeal_status", "text", _l("none, or the appeal the reply mentions: filed, upheld "
                                     "or overturned."),
         "none"),
    flat("replied_on", "date", _l("Date of the reply."), "2026-02-01")))

# Served by the API only (no complete file): the path's name and its dataset.
API_DATASETS = {"ratings": RATING_HISTORY, "bulletins": BULLETINS, "products": PRODUCTS,
                "batches": BATCHES, "appeals": APPEALS, "replies": REPLIES}
