"""Fictional open days for the demo data set, fixed relative to 1 December 2026."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from formulatrust.core.clock import SHANGHAI
from formulatrust.domain.booking import REFERENCE_ALPHABET, REFERENCE_LENGTH
from formulatrust.enterprises.models import Enterprise, Factory
from formulatrust.open_days.models import Booking, OpenDay

ANCHOR = datetime(2026, 12, 1, tzinfo=SHANGHAI)
SEED = 20261201
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
GIVEN = ["晓明", "小红", "思远", "雨桐", "子涵", "浩然", "欣怡", "梓轩", "一诺", "嘉怡"]
ACCESS = [
    ("全程无台阶，有无障碍卫生间；参观通道可通行轮椅。",
     "Step-free throughout, with an accessible toilet; the gallery takes wheelchairs."),
    ("参观廊道在二楼，有电梯；部分区域噪声较大，可借用耳罩。",
     "The viewing gallery is on the first floor, with a lift; some areas are loud and ear "
     "defenders are lent."),
    ("需步行约400米经过牧场，路面平整；可提前联系安排接驳车。",
     "About 400 m on foot past the farm on a level path; a shuttle can be arranged ahead."),
]
# (days after the anchor, hour, minutes, capacity, seats to fill, waiting list, language, age)
PLAN = [
    (4, 9, 30, 30, 12, 0, "zh", None),
    (11, 14, 0, 30, 28, 0, "zh", 6),  # nearly full
    (18, 10, 0, 20, 20, 4, "zh+en", None),  # full, with a waiting list
    (32, 9, 30, 25, 5, 0, "zh", 12),
    (46, 14, 30, 40, 9, 0, "en", None),
    (60, 10, 0, 30, 3, 0, "zh", None),
    (74, 9, 0, 30, 0, 0, "zh+en", 6),
    (85, 14, 0, 20, 1, 0, "zh", None),
]


def build_open_days(session: Session, enterprises: list[Enterprise]) -> int:
    """Add fictional open days (one nearly full, one full with a waiting list); return count."""
    rng = random.Random(SEED)
    count = 0
    for number, (days, hour, minute, capacity, fill, waiting, language, age) in enumerate(PLAN):
        enterprise = enterprises[number % len(enterprises)]
        factory = session.scalars(select(Factory).where(
            Factory.enterprise_id == enterprise.id).order_by(Factory.id)).first()
        access_zh, access_en = ACCESS[number % len(ACCESS)]
        address_zh = factory.address_zh if factory else enterprise.address_zh
        address_en = factory.address_en if factory else enterprise.address_en
        starts = (ANCHOR + timedelta(days=days)).replace(hour=hour, minute=minute)
        visit = OpenDay(
            enterprise_id=enterprise.id, factory_id=factory.id if factory else None,
            starts_at=starts.astimezone(UTC), duration_minutes=90 + 30 * (number % 2),
            address_zh=address_zh, address_en=address_en,
            map_url=f"https://uri.amap.com/search?keyword={address_zh}",
            language=language, min_age=age, accessibility_zh=access_zh,
            accessibility_en=access_en, capacity=capacity, seats_taken=0,
            waitlist_capacity=10, waitlist_taken=0, is_demo=True)
        session.add(visit)
        session.flush()
        booked_at = starts - timedelta(days=20)
        for status, seats in (("booked", fill), ("waitlisted", waiting)):
            while seats > 0:
                party = min(seats, rng.choice([1, 2, 2, 3]))
                adults = 1 if party == 1 else rng.randint(1, party)
                booked_at += timedelta(minutes=rng.randint(5, 600))
                session.add(_booking(rng, visit, status, adults, party - adults, booked_at))
                seats -= party
                if status == "booked":
                    visit.seats_taken += party
                else:
                    visit.waitlist_taken += party
        count += 1
    session.flush()
    return count


def _booking(rng: random.Random, visit: OpenDay, status: str, adults: int, children: int,
             at: datetime) -> Booking:
    reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return Booking(reference=reference, visit_id=visit.id,
                   name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                   phone=f"1380000{rng.randint(0, 9999):04d}",  # fictional numbers
                   adults=adults, children=children, status=status,
                   created_at=at.astimezone(UTC), consent_at=at.astimezone(UTC))
