"""Two years of monthly industry statistics from the demo federation, all invented: production
and sales volume and sales value of three stages, one release a month and one correction."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from formulatrust.domain.industry_figures import Figure
from formulatrust.industry import services
from formulatrust.publishing import organisations

FIRST_MONTH = (2024, 11)
MONTHS = 24
CATEGORY = ("婴幼儿配方乳粉", "Infant formula")
# Stage, its tonnes made in an average month, its price in yuan a tonne.
STAGES = (("1段", "Stage 1", 410, 262_000), ("2段", "Stage 2", 380, 238_000),
          ("3段", "Stage 3", 455, 205_000))
SOURCE = ("会员企业月度报表汇总（演示用虚构数据）", "Members' monthly returns (invented demo data)")
CORRECTED_SOURCE = ("会员企业月度报表汇总，更正一家企业的重复申报（演示用虚构数据）",
                    "Members' monthly returns, one member's double report removed (invented "
                    "demo data)")


def months() -> list[tuple[int, int]]:
    year, month = FIRST_MONTH
    found = []
    for _ in range(MONTHS):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_figures(index: int, year: int, month: int) -> list[Figure]:
    """The nine figures of one month: a gentle trend, a season and a fixed wobble per stage."""
    figures = []
    for number, (stage_zh, stage_en, tonnes, price) in enumerate(STAGES):
        season = 1 + 0.06 * math.sin((month + number) / 12 * 2 * math.pi)
        made = round(tonnes * season * (1 + 0.004 * index) + 7 * ((index * 7 + number) % 5))
        sold = round(made * (0.97 + 0.015 * ((index + number) % 3)))
        values = {"production_volume": made, "sales_volume": sold,
                  "sales_value": sold * price}
        for measure, value in values.items():
            figures.append(Figure(
                period=f"{year}-{month:02d}", category_zh=CATEGORY[0], category_en=CATEGORY[1],
                stage_zh=stage_zh, stage_en=stage_en, measure=measure, value=Decimal(value),
                unit="yuan" if measure == "sales_value" else "t", source_zh=SOURCE[0],
                source_en=SOURCE[1]))
    return figures


def build(session: Session) -> int:
    """Publish the demo figures as monthly releases; return how many figures there are."""
    federation = organisations.demo(session, "association")
    count = 0
    for index, (year, month) in enumerate(months()):
        figures = month_figures(index, year, month)
        summary = services.publish(session, None, federation, figures, "demo", is_demo=True)
        released = datetime(year + month // 12, month % 12 + 1, 10, 2, tzinfo=UTC)
        _backdate(summary, released)
        count += len(figures)
    first = month_figures(MONTHS - 2, *months()[-2])[0]
    fixed = replace(first, value=first.value - 40, source_zh=CORRECTED_SOURCE[0],
                    source_en=CORRECTED_SOURCE[1])
    summary = services.publish(session, None, federation, [fixed], "demo", is_demo=True)
    _backdate(summary, datetime(2026, 10, 20, 2, tzinfo=UTC))
    session.flush()
    return count


def _backdate(summary: services.Summary, when: datetime) -> None:
    if summary.release is not None:
        summary.release.published_at = when
    for figure in summary.created + summary.corrected:
        figure.updated_at = when
        figure.versions[-1].recorded_at = when
