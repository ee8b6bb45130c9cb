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


def test_bilingual_values_are_written_in_one_language():
    newer = version(milk_source={"farms_zh": "青禾牧场", "farms_en": "Qinghe Farm",
                                 "collected": "2026-02-25"},
                    factory={"name_zh": "新工厂", "name_en": "New Factory",
                             "licence_no": "SC10631010000002"})
    english = {c.key: c.after for c in differences(version(), newer, "en").changes}
    assert english == {"milk_source": "farms: Qinghe Farm; collected: 2026-02-25",
                       "factory": "New Factory SC10631010000002"}
    chinese = {c.key: c.after for c in differences(version(), newer, "zh").changes}
    assert chinese == {"milk_source": "farms: 青禾牧场; collected: 2026-02-25",
                       "factory": "新工厂 SC10631010000002"}
    # English is missing for the older version's farm: its Chinese is shown.
    assert differences(version(), newer, "en").changes[1].before == "farms: 测试牧场"
