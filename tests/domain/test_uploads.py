"""Upload checks: the name is cleaned, and the content must be what the extension says."""

from __future__ import annotations

import pytest

from formulatrust.domain.uploads import check, clean_name

CSV = ("csv",)
BOOK = ("xlsx", "xlsm", "csv")


@pytest.mark.parametrize(("name", "clean"), [
    ("C:\\Users\\me\\结果.xlsx", "结果.xlsx"),
    ("../../etc/passwd", "passwd"),
    ("a\x00b\nc.csv", "abc.csv"),
    ("", "upload"),
    (None, "upload"),
    ("x" * 300 + ".json", "x" * 115 + ".json"),
])
def test_file_names_lose_folders_and_control_characters(name, clean):
    assert clean_name(name) == clean


@pytest.mark.parametrize(("name", "data", "allowed"), [
    ("serials.csv", b"gtin,lot,serial\n", CSV),
    ("results.csv", "\ufeff抽样编号,标称生产企业名称\n".encode("utf-16"), BOOK),  # Excel "Unicode"
    ("results.CSV", "序号,食品名称\n".encode("gb18030"), BOOK),
    ("results.xlsx", b"PK\x03\x04rest", BOOK),
    ("trace.json", b"\xef\xbb\xbf  {\"enterprise\": \"x\"}", ("json",)),
])
def test_files_that_are_what_they_say_pass(name, data, allowed):
    assert check(name, data, allowed) is None


@pytest.mark.parametrize(("name", "data", "allowed", "english"), [
    ("serials.txt", b"gtin,lot,serial\n", CSV, "wrong file type: upload a .csv file"),
    ("serials", b"gtin,lot,serial\n", CSV, "wrong file type"),
    ("serials.csv", b" \r\n\t", CSV, "the file is empty"),
    ("serials.csv", b"\x89PNG\r\n\x1a\n", CSV, "a PNG image, not a .csv text file"),
    ("serials.csv", b"MZ\x90\x00", CSV, "a Windows program"),
    ("serials.csv", b"gtin\x00lot", CSV, "not text"),
    ("trace.json", "\ufeff{}".encode("utf-16"), ("json",), "not text"),
    ("trace.json", b"gtin,lot,serial\n", ("json",), "not JSON"),
    ("results.xlsx", b"gtin,lot\n", BOOK, "not an Excel workbook"),
    ("results.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1", BOOK, "old .xls workbook"),
])
def test_files_whose_content_does_not_match_are_refused_in_both_languages(name, data, allowed,
                                                                          english):
    problem = check(name, data, allowed)
    assert problem is not None and english in problem.message_en
    assert problem.message_zh and problem.message_zh != problem.message_en
