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
    a picker 5 px shorter, so 5 px lower in a bar whose fields line up at the
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
