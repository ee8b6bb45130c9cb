"""Open days for tests: a visit of the small world's first enterprise, and bookings on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from formulatrust.enterprises.models import Enterprise
from formulatrust.open_days.models import OpenDay


def open_day(session: Session, enterprise: Enterprise, *, days: float = 10, capacity: int = 30,
             waitlist: int = 20, **fields) -> OpenDay:
    """Add and commit a visit starting ``days`` from now."""
    values = {"starts_at": datetime.now(UTC).replace(microsecond=0) + timedelta(days=days),
              "duration_minutes": 90, "address_zh": "上海市测试路1号",
              "address_en": "1 Test Road, Shanghai", "map_url": "https://example.org/map",
              "language": "zh", "min_age": None, "accessibility_zh": "无台阶。",
              "accessibility_en": "Step-free.", "capacity": capacity, "seats_taken": 0,
              "waitlist_capacity": waitlist, "waitlist_taken": 0}
    values.update(fields)
    visit = OpenDay(enterprise_id=enterprise.id, **values)
    session.add(visit)
    session.commit()
    return visit
