"""Bulletins for tests: the editor form's fields, and bulletins added straight to the database."""

from __future__ import annotations

from datetime import datetime

from formulatrust.domain import bulletin_tables
from formulatrust.publishing.bulletins import store

TABLE = "月份,产量（吨）,销量（吨）\n2026-07,1250,1180\n2026-08,1310.5,1265\n2026-09,1290,1302"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def form_fields(**changes) -> dict:
    """Return a complete, valid editor form (without the CSRF token and the button)."""
    fields = {
        "organisation_zh": "沪滨婴童乳品行业联合会（测试）",
        "organisation_en": "Hubin Infant Dairy Federation (test)",
        "title_zh": "第三季度质量通报", "title_en": "Third-quarter quality bulletin",
        "summary_zh": "本季度抽检全部合格。", "summary_en": "Every sample this quarter passed.",
        "body_zh": "## 抽检情况\n\n本季度共抽检 **42** 批次。",
        "body_en": "## Sampling\n\nWe sampled **42** batches this quarter.",
        "tables-0-title_zh": "月度产销", "tables-0-title_en": "Monthly production and sales",
        "tables-0-chart": "line", "tables-0-figures": TABLE,
    }
    fields.update(changes)
    return fields


def content(**changes) -> dict:
    """Return bulletin content for ``store.create`` (Chinese and English, one table)."""
    table = bulletin_tables.parse_table(TABLE)
    table.title_zh, table.title_en = "月度产销", "Monthly production and sales"
    values = {
        "organisation_zh": "沪滨婴童乳品行业联合会（测试）",
        "organisation_en": "Hubin Infant Dairy Federation (test)",
        "title_zh": "第三季度质量通报", "title_en": "Third-quarter quality bulletin",
        "summary_zh": "本季度抽检全部合格。", "summary_en": "Every sample this quarter passed.",
        "body_zh": "本季度共抽检 42 批次。", "body_en": "We sampled 42 batches this quarter.",
        "statistics": [table.to_json()],
    }
    values.update(changes)
    return values


def bulletin(session, user=None, slug: str = "q3-quality", publish: bool | datetime = True,
             **changes):
    """Add a bulletin; ``publish`` True publishes now, a datetime schedules, False drafts."""
    record = store.create(session, user, slug, content(**changes))
    if publish is True:
        store.publish(session, user, record)
    elif publish:
        store.publish(session, user, record, publish)
    session.commit()
    return record
