"""Fictional quality bulletins for the demo data set, from an invented industry association."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from formulatrust.core.clock import utcnow
from formulatrust.domain import bulletin_tables
from formulatrust.publishing import organisations
from formulatrust.publishing.bulletins import store

NOTE_ZH = "\n\n*本通报为演示用的虚构内容，机构、企业和数字均为编造。*"
NOTE_EN = ("\n\n*This bulletin is invented for demonstration: the association, the members and "
           "the figures are all made up.*")


def _table(text: str, title_zh: str, title_en: str, chart: str) -> dict:
    table = bulletin_tables.parse_table(text)
    table.title_zh, table.title_en, table.chart = title_zh, title_en, chart
    return table.to_json()


BULLETINS: list[dict[str, Any]] = [
    {
        "slug": "2026-q3-quality", "days_ago": 40,
        "title_zh": "2026年第三季度婴幼儿配方乳粉质量通报（示例）",
        "title_en": "Infant formula quality bulletin, third quarter 2026 (demo)",
        "summary_zh": "第三季度会员企业自检和委托检验共 186 批次，全部符合食品安全国家标准。",
        "summary_en": "Members tested 186 batches in the third quarter, in-house or at outside "
                      "laboratories; all met the national food safety standards.",
        "body_zh": "## 检验情况\n\n本季度会员企业共完成出厂检验和委托检验 **186** 批次，"
                   "覆盖 1 段、2 段和 3 段产品，全部符合 GB 10765、GB 10766 和 GB 10767。\n\n"
                   "## 下一步\n\n- 继续按月报送原料乳检验数据\n- 第四季度开展阪崎肠杆菌专项自查",
        "body_en": "## Testing\n\nThis quarter members completed **186** release and outside "
                   "tests covering stage 1, 2 and 3 products; all met GB 10765, GB 10766 and "
                   "GB 10767.\n\n## Next steps\n\n- Keep reporting raw-milk test data monthly\n"
                   "- A self-check on *Cronobacter* in the fourth quarter",
        "statistics": [
            _table("月份,产量（吨）,销量（吨）\n2026-07,1250,1180\n2026-08,1310,1265\n"
                   "2026-09,1290,1302", "会员企业月度产销", "Members' monthly production and "
                   "sales", "line"),
            _table("段别,检验批次,合格批次\n1段,64,64\n2段,70,70\n3段,52,52",
                   "各段别检验批次", "Batches tested by stage", "column"),
        ],
        # First published with a wrong total; the correction keeps the earlier version.
        "first": {"summary_zh": "第三季度会员企业自检和委托检验共 168 批次，全部符合食品安全国家"
                                "标准。"},
    },
    {
        "slug": "2026-10-production-sales", "days_ago": 12,
        "title_zh": "2026年10月会员企业产销简报（示例）",
        "title_en": "Members' production and sales, October 2026 (demo)",
        "summary_zh": "10月会员企业产量 1,336 吨，销量 1,354 吨，库存继续下降。",
        "summary_en": "In October members made 1,336 tonnes and sold 1,354 tonnes; stocks fell "
                      "again.",
        "body_zh": "10月会员企业婴幼儿配方乳粉产量和销量均较上月小幅上升，销量略高于产量。",
        "body_en": "Production and sales of infant formula by members rose slightly on September, "
                   "with sales a little above production.",
        "statistics": [
            _table("月份,产量（吨）,销量（吨）\n2026-05,1180,1105\n2026-06,1215,1160\n"
                   "2026-07,1250,1180\n2026-08,1310,1265\n2026-09,1290,1302\n"
                   "2026-10,1336,1354", "近六个月产销", "Production and sales, last six "
                   "months", "column"),
        ],
    },
    {
        "slug": "2026-autumn-storage", "days_ago": 3,
        "title_zh": "秋冬季节乳粉储存和冲调提示（示例）",
        "title_en": "", "summary_en": "", "body_en": "",
        "summary_zh": "提醒家长开罐后密封保存、按说明冲调，并留意罐上的批号和保质期。",
        "body_zh": "## 储存\n\n开罐后请盖紧罐盖，放在阴凉干燥处，并在标签说明的时间内用完。\n\n"
                   "## 冲调\n\n请按罐上的说明用烧开后冷却到合适温度的水冲调，现冲现喂。\n\n"
                   "扫描罐上的二维码，可以查看该罐的来源和抽检结果。",
        "statistics": [],
    },
]


def build(session: Session) -> int:
    """Add the demo bulletins of the demo federation, published in the past; return how many."""
    now = utcnow()
    federation = organisations.demo(session, "association")
    for plan in BULLETINS:
        text = {name: plan.get(name, "") for name in
                ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en")}
        text["body_zh"] += NOTE_ZH
        if text["body_en"]:
            text["body_en"] += NOTE_EN
        content = {"organisation_zh": federation.name_zh,
                   "organisation_en": federation.name_en if text["title_en"] else "",
                   **text, "statistics": plan["statistics"]}
        first = {**content, **plan.get("first", {})}
        record = store.create(session, None, plan["slug"], first, is_demo=True,
                              organisation_id=federation.id)
        when = now - timedelta(days=plan["days_ago"])
        record.created_at = record.updated_at = when - timedelta(hours=2)
        store.publish(session, None, record, when)
        if "first" in plan:
            store.save(session, None, record, content)
    session.flush()
    return len(BULLETINS)
