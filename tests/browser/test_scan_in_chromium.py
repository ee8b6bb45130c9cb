"""A parent at phone size: scans a recalled can, then types a short code with a typo."""

from __future__ import annotations

from playwright.sync_api import expect

from formulatrust.domain.shortcode import ALPHABET, format_code, normalise

from .conftest import SHARED


def test_scanning_a_recalled_can_shows_the_banner_first(phone):
    phone.goto("/01/09521234500025/10/20260402B2/21/CAN0001")
    banner = phone.locator(".recall-banner").first
    expect(banner).to_be_visible()
    assert banner.bounding_box()["y"] < 740  # on the first screen, before anything else
    expect(banner.get_by_role("heading")).to_have_text("已召回：请勿给宝宝食用")
    expect(banner).to_contain_text("停止食用并退货")


def test_a_mistyped_short_code_is_caught_and_the_right_one_finds_the_can(phone):
    code = normalise(SHARED["short_code"])
    wrong = next(c for c in ALPHABET if c != code[3])
    typo = format_code(code[:3] + wrong + code[4:])
    phone.goto("/")
    phone.get_by_label("罐上的追溯码").fill(typo)
    phone.get_by_role("button", name="查询这一罐").click()
    expect(phone.locator(".error-summary")).to_contain_text("可能输错了某个字符")
    expect(phone.get_by_label("罐上的追溯码")).to_have_value(typo)
    assert phone.title().startswith("错误：")
    phone.get_by_label("罐上的追溯码").fill(SHARED["short_code"].lower())
    phone.get_by_role("button", name="查询这一罐").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("测试婴儿配方乳粉（1段）")
    expect(phone.locator(".genuine")).to_contain_text("签名验证通过")
    expect(phone.locator(".query-count")).to_contain_text("已被查询1次")


def test_reporting_a_problem_from_the_phone(phone):
    phone.goto("/01/09521234500018/10/20260301A1/21/REG0001")
    phone.get_by_role("link", name="报告这一罐的问题").click()
    phone.get_by_label("是什么问题？").select_option("damaged")
    phone.get_by_label("发生了什么？").fill("打开时封口已经破损，粉末有结块。")
    phone.get_by_role("button", name="提交报告").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("已收到您的报告")
