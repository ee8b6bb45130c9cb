"""What changed between two versions of a batch record, in words a reader can follow."""

from __future__ import annotations

from formulatrust.domain.batch_history import differences

CRONOBACTER = {"name_zh": "阪崎肠杆菌", "value": "未检出", "limit": "n=5, c=0"}
PROTEIN = {"name_zh": "蛋白质", "value": "0.52 g/100kJ", "limit": "0.43–0.72"}


def version(**changes) -> dict:
    base = {"produced_on": "2026-03-01", "best_before": "2028-02-28",
            "factory": {"name_zh": "测试工厂", "licence_no": "SC10631010000001"},
            "milk_source": {"farms_zh": "测试牧场"}, "raw_materials": [],
            "release_inspection": {"date": "2026-03-08", "passed": True,
                                   "indicators": [CRONOBACTER, PROTEIN]}}
    return {**base, **changes}


def test_an_unchanged_record_has_no_differences():
    assert not differences(version(), version())


def test_a_dropped_inspection_item_is_named_as_removed():
    newer = version(release_inspection={"date": "2026-03-08", "passed": True,
                                        "indicators": [PROTEIN]})
    found = differences(version(), newer)
    assert found.removed_items == ("阪崎肠杆菌",) and found.changes == ()


def test_changed_fields_results_and_verdicts_are_each_reported():
    newer = version(best_before="2028-06-30", release_inspection={
        "date": "2026-03-09", "passed": False,
        "indicators": [CRONOBACTER, {**PROTEIN, "value": "0.40 g/100kJ"},
                       {"name_zh": "三聚氰胺", "value": "未检出", "limit": "≤1 mg/kg"}]})
    found = differences(version(), newer)
    assert [(c.key, c.before, c.after) for c in found.changes] == [
        ("best_before", "2028-02-28", "2028-06-30"), ("inspection_date", "2026-03-08",
                                                      "2026-03-09")]
    assert found.added_items == ("三聚氰胺",)
    assert [c.key for c in found.changed_items] == ["蛋白质"]
    assert found.inspection_passed == ("True", "False")
