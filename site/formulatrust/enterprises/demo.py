"""Demo integrity records: licences, certifications, inspections, a penalty with an appeal,
a standards commitment, and ratings assessed twice so one enterprise is downgraded."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from formulatrust.domain import rating
from formulatrust.enterprises import integrity
from formulatrust.enterprises.models import (
    Certification,
    Enterprise,
    Inspection,
    Licence,
    Penalty,
    Reply,
    StandardCommitment,
)

ASSESSOR = ("示例评定机构（虚构）", "Demo assessor (fictional)")
FIRST, SECOND = date(2026, 3, 1), date(2026, 9, 1)


def build(session: Session, enterprises: list[Enterprise]) -> dict[str, int]:
    """Add the records, then assess every enterprise on two dates."""
    for number, enterprise in enumerate(enterprises):
        _records(session, enterprise, number)
    penalised, appealing, strict = enterprises[4], enterprises[2], enterprises[0]
    session.flush()
    for enterprise in enterprises:
        _assess(session, enterprise, FIRST)
    _penalty(session, penalised, "示例沪市监罚〔2026〕18号", 300_000, True)
    penalty = _penalty(session, appealing, "示例沪市监罚〔2026〕25号", 50_000, False, "appealed")
    session.flush()
    session.add(Reply(enterprise_id=appealing.id, target="penalty", target_id=penalty.id,
                      body_zh="我司对处罚认定的事实有异议，已依法申请行政复议（示例数据）。",
                      body_en="We dispute the facts found and have applied for administrative "
                              "review (demo data).", appeal_status="filed",
                      replied_on=date(2026, 7, 20)))
    _standard(session, strict)
    for enterprise in enterprises:
        _assess(session, enterprise, SECOND)
    return {"integrity records": len(enterprises) * 4 + 3}


def _assess(session: Session, enterprise: Enterprise, on: date) -> None:
    evidence = integrity.evidence(session, enterprise, on, self_inspections=(4, 4),
                                  complaints=(3, 3))
    integrity.record_assessment(session, enterprise, rating.assess(evidence, on),
                                *ASSESSOR)


def _records(session: Session, enterprise: Enterprise, number: int) -> None:
    eid, granted = enterprise.id, date(2021, 4, 1) + timedelta(days=30 * number)
    session.add_all([
        Licence(enterprise_id=eid, number=enterprise.licence_no, event="granted", on=granted,
                valid_until=granted + timedelta(days=5 * 365), scope_zh="婴幼儿配方乳粉（示例）",
                scope_en="Infant formula milk powder (demo)"),
        Licence(enterprise_id=eid, number=enterprise.licence_no, event="renewed",
                on=granted + timedelta(days=5 * 365 - 30),
                valid_until=granted + timedelta(days=10 * 365)),
        Certification(enterprise_id=eid, scheme="HACCP", number=f"DEMO-HACCP-{number:03d}",
                      body="示例认证机构（虚构）", valid_from=date(2024, 6, 1),
                      valid_until=date(2027, 5, 31)),
        Inspection(enterprise_id=eid, inspected_on=date(2026, 5, 10) + timedelta(days=number),
                   scope_zh="生产许可条件及质量安全管理体系（示例）",
                   scope_en="Licence conditions and quality management (demo)",
                   passed=number % 3 != 1,
                   findings_zh="" if number % 3 != 1 else "原料验收记录不完整（示例）。",
                   findings_en="" if number % 3 != 1 else "Incomplete raw-material receipt "
                                                          "records (demo).",
                   rectify_by=None if number % 3 != 1 else date(2026, 6, 30),
                   rectified_on=None if number % 3 != 1 else date(2026, 6, 20)),
    ])


def _penalty(session: Session, enterprise: Enterprise, number: str, amount: float,
             suspended: bool, status: str = "in_force") -> Penalty:
    penalty = Penalty(
        enterprise_id=enterprise.id, decision_no=number, decided_on=date(2026, 6, 15),
        facts_zh="生产的婴幼儿配方乳粉经抽检不符合食品安全标准（示例数据）。",
        facts_en="Infant formula it made failed food-safety sampling (demo data).",
        legal_basis="《中华人民共和国食品安全法》第一百二十四条", amount_yuan=amount,
        suspended_production=suspended, status=status, publish_until=date(2029, 6, 14))
    session.add(penalty)
    return penalty


def _standard(session: Session, enterprise: Enterprise) -> None:
    session.add(StandardCommitment(
        enterprise_id=enterprise.id, number="Q/DEMO 0001S-2026",
        title_zh="婴儿配方乳粉企业标准（示例）", title_en="Enterprise standard for infant "
                                                   "formula (demo)",
        effective_on=date(2026, 1, 1), indicators=[
            {"name_zh": "菌落总数", "name_en": "Aerobic plate count", "unit": "CFU/g",
             "national": "≤1000 (m)", "enterprise": "≤500 (m)"},
            {"name_zh": "硝酸盐", "name_en": "Nitrate", "unit": "mg/kg",
             "national": "≤100", "enterprise": "≤50"},
            {"name_zh": "黄曲霉毒素M1", "name_en": "Aflatoxin M1", "unit": "μg/kg",
             "national": "≤0.5", "enterprise": "≤0.2"},
        ]))
