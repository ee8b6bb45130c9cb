"""The checker on a document kept in parts (web-edited showcases): same rules as files,
findings name their part and line, link targets are skipped, photos are checked as images."""

from __future__ import annotations

from formulatrust.domain.compliance import check_markdown_file, check_parts, split_waived
from formulatrust.domain.compliance_rules import Waiver


def test_findings_name_their_part_and_line_in_the_order_of_the_parts():
    found = check_parts([("title_zh", "text", "小溪"),
                         ("body_zh", "markdown", "## 介绍\n\n口感接近母乳。"),
                         ("body_en", "markdown", "It is like breast milk.")])
    assert [(f.place, f.line, f.rule, f.phrase) for f in found] == [
        ("body_zh", 3, "breastmilk_claim", "接近母乳"),
        ("body_en", 1, "breastmilk_claim", "like breast milk")]


def test_link_targets_are_skipped_and_photos_are_checked_as_images():
    assert check_parts([("body_zh", "markdown", "[查询](/learn/best-practice)")]) == []
    photo = check_parts([("photo1", "image", "妈妈和宝宝\n\nfactory.jpg")])
    assert [(f.place, f.rule) for f in photo] == [("photo1", "infant_image")] * len(photo)
    assert photo


def test_parts_and_files_give_the_same_findings(tmp_path):
    body = "## 介绍\n\n每批100%检验，母 乳 化配方。"
    path = tmp_path / "brands" / "x.zh.md"
    path.parent.mkdir()
    path.write_text(f"---\ntitle: 小溪\nsummary: 介绍\nbrand: x\n---\n{body}\n", encoding="utf-8")
    from_file = {(f.rule, f.phrase) for f in check_markdown_file(path)}
    from_parts = {(f.rule, f.phrase) for f in check_parts([("body_zh", "markdown", body)])}
    assert from_parts == from_file == {("absolute_claim", "100%"),
                                       ("breastmilk_claim", "母 乳 化")}


def test_a_waiver_covers_its_phrase_in_its_document_only():
    found = check_parts([("body_zh", "markdown", "最新的报告，每批100%检验。")])
    waiver = Waiver("showcase:1", "absolute_claim", "最", "latest, not best", "R", None)
    kept, used = split_waived("showcase:1", found, [waiver])
    assert [f.phrase for f in kept] == ["100%"] and used == [waiver]
    assert len(split_waived("showcase:2", found, [waiver])[0]) == 2
