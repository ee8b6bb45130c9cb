"""A small world for the open-data tests: results with failed items, recalls, a supervision
listing and ratings with criteria, and a search index over them."""

from __future__ import annotations

from datetime import date

import pytest

from formulatrust.enterprises.models import Rating
from formulatrust.pages.search_documents import all_documents
from formulatrust.results.models import FailedItem, SamplingResult, SupervisionListing
from formulatrust.search import rebuild

from .. import factories


@pytest.fixture
def open_world(app, session, world):
    """The trace world plus a few results, a listing and a rating with its breakdown."""
    trace = factories.trace_world(session, world)
    first, second = world["enterprises"]
    stage1, _stage2, stage3 = world["products"]
    session.add_all([
        SamplingResult(sample_no=f"OD{n:03d}", enterprise_id=first.id, product_id=stage1.id,
                       enterprise_name=first.name_zh, product_name=f"测试婴儿配方乳粉{n}",
                       province="上海", lab="测试检验所", category="婴幼儿配方食品",
                       compliant=True, announced_on=date(2025, 3, n + 1),
                       announcement_no=f"2025年第{n}号") for n in range(3)])
    session.add(SamplingResult(
        sample_no="OD-FAIL", enterprise_name="测试乳业有限公司", product_name="A&B <配方>",
        province="江苏", lab="测试检验所", category="婴幼儿配方食品", compliant=False,
        announced_on=date(2025, 4, 2), announcement_no="2025年第12号", lot="20250301X1",
        failed_items=[FailedItem(item="维生素A", measured="9.8", limit="14–43",
                                 label_requirement="≥14"),
                      FailedItem(item="硒", measured="0.5", limit="≥1.0")]))
    session.add(SupervisionListing(enterprise_id=second.id, product_id=stage3.id,
                                   listed_on=date(2026, 6, 10), reason_zh="抽检不合格。",
                                   reason_en="Failed a sampling test."))
    session.add(SupervisionListing(enterprise_id=first.id, listed_on=date(2024, 1, 5),
                                   delisted_on=date(2025, 1, 5), reason_zh="整改完成。",
                                   reason_en="Rectified."))
    session.add(Rating(enterprise_id=second.id, grade="B", score=78.5,
                       assessed_on=date(2026, 2, 1), valid_until=date(2027, 1, 31),
                       assessor="测试评定组",
                       criteria=[["sampling", 30, 60, "one failure"]],
                       capped_by=["serious_failure_12_months"]))
    session.commit()
    rebuild(app.config["SEARCH_INDEX_DIR"], all_documents(session))
    return {**world, **trace}
