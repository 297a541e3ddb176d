"""Searchable pickers in the browser: typing pinyin initials into the investor
picker finds the enterprise; on a phone, a multiple choice is removed with a tap."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from parkops.e2e.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INVESTOR = "苏州芯微电子有限公司"


def picker(page, name):
    """The searchable picker standing in for ``select[name=name]``."""
    return page.locator(f"select[name={name}] + .ts-wrapper")


def test_typing_initials_finds_the_investor(page):
    from parkops.projects.models import Project

    log_in(page, "promoter")
    page.goto("/projects/new/")
    picker(page, "investor").locator(".ts-control").click()
    page.keyboard.type("szxw")
    option = page.locator("#id_investor-ts-dropdown .option", has_text=INVESTOR)
    option.first.click()
    assert page.locator("select[name=investor] option:checked").inner_text() == INVESTOR
    page.keyboard.press("Escape")  # the investor's picker keeps the focus till left
    picker(page, "origin_region").locator(".ts-control").click()
    # Regions are asked of the server (core:region_picker): a first page on
    # focus, then the places matching what is typed. Type once the picker has
    # the focus and its first page (the investor's picker hands the focus on
    # a moment after the click).
    first = page.locator("#id_origin_region-ts-dropdown .option").first
    expect(first).to_have_text("北京市")
    page.locator("#id_origin_region-ts-control").focus()
    expect(page.locator("#id_origin_region-ts-control")).to_be_focused()
    page.keyboard.type("宿城区")
    expect(first).to_have_text("江苏省宿迁市宿城区")
    first.click()
    assert page.locator("select[name=origin_region]").input_value() == "321302"
    page.fill("input[name=name]", "拼音检索测试项目")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/projects/*/")
    project = Project.objects.unscoped().get(name="拼音检索测试项目")
    assert project.investor.name == INVESTOR
    assert project.origin_region == "321302"
    assert page.csp_violations == []


def test_a_phone_removes_a_participant_with_a_tap(phone_context):
    page = phone_context.new_page()
    log_in(page, "promoter")
    page.goto("/promotion/events/new/")
    staff = picker(page, "staff")
    assert staff.locator(".item").count() == 1  # the officer, filled in
    remove = staff.locator(".item .remove").first
    box = remove.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 20  # a finger's target
    remove.click()
    assert staff.locator(".item").count() == 0
    assert page.locator("select[name=staff] option:checked").count() == 0


def test_a_list_filter_picks_a_record_as_you_type(page):
    """The project list's investor filter holds no options until asked: typing
    finds investors (from ``core:picker``), picking one filters the list, and
    the choice is still shown after a reload."""
    log_in(page, "promoter")
    page.goto("/projects/")
    assert page.locator("select[name=investor] option").count() == 1  # "all" only
    picker(page, "investor").locator(".ts-control").click()
    first = page.locator("#id_investor-ts-dropdown .option").first
    expect(first).to_be_visible()
    name = first.inner_text()
    page.keyboard.type(name[:2])
    option = page.locator("#id_investor-ts-dropdown .option", has_text=name).first
    expect(option).to_be_visible()
    # "All" is the placeholder: not offered as a match, not shown beside the
    # typed text, and nothing to clear yet.
    all_label = page.locator("select[name=investor] option[value='']").first.inner_text()
    dropdown = page.locator("#id_investor-ts-dropdown .option")
    assert all_label not in dropdown.all_inner_texts()
    expect(picker(page, "investor").locator(".item")).to_have_count(0)
    expect(picker(page, "investor")).not_to_have_class(re.compile(r"\bhas-items\b"))
    option.click()
    page.wait_for_url("**/projects/?*investor=*")
    page.reload()
    expect(picker(page, "investor").locator(".item")).to_have_text(name)
    expect(picker(page, "investor").locator(".clear-button")).to_have_attribute("title", "清除")
    assert page.locator("select[name=investor] option:checked").inner_text() == name
    assert page.csp_violations == []


def test_a_filter_picker_lines_up_with_the_select_beside_it(page):
    """In one row of the filter bar a picker (招商单元) and a select (拜访人员)
    share their top and height, a record chosen or not: Tom Select's theme drew
    a picker 5 px shorter, so 5 px lower in a bar whose fields then lined up at the
    bottom."""
    from parkops.promotion.models import PromotionUnit

    unit = PromotionUnit.objects.unscoped().order_by("pk").first()
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, "leader")
    for query in ("", f"?unit={unit.pk}"):
        page.goto(f"/promotion/visits/{query}")
        chosen = picker(page, "unit").bounding_box()
        select = page.locator("select[name=staff]").bounding_box()
        assert abs(chosen["y"] - select["y"]) < 0.5, (query, chosen, select)
        assert abs(chosen["height"] - select["height"]) < 0.5, (query, chosen, select)
    assert page.csp_violations == []


def test_a_late_answer_to_an_earlier_text_leaves_the_matches_of_what_is_typed(page):
    """The picker asks for every region on focus and again as the user types;
    the first answer arriving last must not replace the typed text's matches
    (it showed 北京市 under 宿城区, and Enter chose it)."""
    held = []

    def hold_the_first(route):
        if parse_qs(urlparse(route.request.url).query).get("q", [""]) == [""]:
            held.append(route)  # answered below, after the typed text's
        else:
            route.continue_()

    log_in(page, "promoter")
    page.route(re.compile(r"/pick/regions/"), hold_the_first)
    page.goto("/projects/new/")
    picker(page, "origin_region").locator(".ts-control").click()
    page.keyboard.type("宿城区")
    first = page.locator("#id_origin_region-ts-dropdown .option").first
    expect(first).to_have_text("江苏省宿迁市宿城区")
    assert len(held) == 1
    # Tom Select counts the answers it waits for: the held one only.
    loading = "document.querySelector('select[name=origin_region]').tomselect.loading"
    assert page.evaluate(loading) == 1
    with page.expect_response(re.compile(r"/pick/regions/\?q=$")):
        held[0].continue_()
    page.wait_for_function(f"{loading} === 0")  # the held answer handled
    assert page.locator("#id_origin_region-ts-dropdown .option").all_inner_texts() == [
        "江苏省宿迁市宿城区"
    ]
    page.keyboard.press("Enter")
    assert page.locator("select[name=origin_region]").input_value() == "321302"


def test_typing_in_a_picker_holding_a_region_and_pressing_enter_picks_the_match(page):
    """On an enterprise registered in 宿城区, typing 宿豫 in 注册地 lists the
    server's matches only, the first highlighted, and Enter picks 宿豫区: the
    chosen 宿城区 stayed listed first and highlighted, and Enter kept it."""
    from parkops.enterprises.models import Enterprise

    enterprise = Enterprise.objects.unscoped().filter(park__code="sszy").order_by("pk").first()
    Enterprise.objects.unscoped().filter(pk=enterprise.pk).update(registered_region="321302")
    log_in(page, "stats")
    page.goto(f"/enterprises/{enterprise.pk}/edit/")
    region = picker(page, "registered_region")
    expect(region.locator(".item")).to_have_text("江苏省宿迁市宿城区")
    region.locator(".ts-control").click()
    options = page.locator("#id_registered_region-ts-dropdown .option")
    expect(options.first).to_have_text("北京市")  # the first page, without the chosen region
    assert "江苏省宿迁市宿城区" not in options.all_inner_texts()
    page.keyboard.type("宿豫")
    expect(options).to_have_text(["江苏省宿迁市宿豫区"])
    expect(options.first).to_have_class(re.compile(r"\bactive\b"))
    page.keyboard.press("Enter")
    assert page.locator("select[name=registered_region]").input_value() == "321311"
    expect(region.locator(".item")).to_have_text("江苏省宿迁市宿豫区")
    assert page.csp_violations == []


def test_typing_in_a_list_filter_holding_a_record_lists_the_matches_in_the_servers_order(page):
    """The 产业 filter of the enterprise list holding 封装测试: typing 电池 lists
    the server's matches in its order, the first highlighted, and Enter
    filters the list by it (封装测试 stayed first and Enter kept it)."""
    from parkops.core.models import Industry

    held = Industry.objects.unscoped().get(name="封装测试")
    log_in(page, "stats")
    page.goto(f"/enterprises/?industry={held.pk}")
    industry = picker(page, "industry")
    expect(industry.locator(".item")).to_have_text("封装测试")
    industry.locator(".ts-control").click()
    options = page.locator("#id_industry-ts-dropdown .option")
    expect(options.first).to_be_visible()
    with page.expect_response(re.compile(r"q=%E7%94%B5%E6%B1%A0")) as answer:
        page.keyboard.type("电池")
    matches = [result["text"] for result in answer.value.json()["results"]]
    assert len(matches) >= 2 and "封装测试" not in matches
    expect(options).to_have_text(matches)
    expect(options.first).to_have_class(re.compile(r"\bactive\b"))
    page.keyboard.press("Enter")
    first = Industry.objects.unscoped().get(name=matches[0])
    page.wait_for_url(re.compile(rf"industry={first.pk}\b"))
    assert page.csp_violations == []


def test_a_filter_pickers_all_is_drawn_like_the_selects_beside_it(page):
    """全部 in the 产业 picker was a placeholder's light grey beside the selects'
    dark 全部, and the picker looked disabled."""
    log_in(page, "stats")
    page.goto("/enterprises/")
    placeholder = page.locator("#id_industry-ts-control").evaluate(
        "input => getComputedStyle(input, '::placeholder').color"
    )
    select = page.locator("select[name=status]").evaluate(
        "select => getComputedStyle(select).color"
    )
    assert placeholder == select
