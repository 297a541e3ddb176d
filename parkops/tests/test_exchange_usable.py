"""Imports and exports people can use as they are: the template imports unchanged,
references read "名称 (代码)", and a batch lists its records by name."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import all_specs, get_spec
from parkops.core.testing import (
    declaration_of,
    declarations,
    grant,
    make_industry,
    make_park,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import make_enterprise, random_uscc
from parkops.promotion.models import PromotionUnit, PromotionUnitMember
from parkops.promotion.testing import make_unit

pytestmark = pytest.mark.django_db

IMPORTABLE = sorted(spec.key for spec in all_specs() if spec.importable)


def _declaration(key):
    """The test declaration of register ``key``'s model (its app's ``testing.py``)."""
    return declaration_of(get_spec(key).model._meta.label)


def _writer(park):
    """One person who may write every register of ``park``: every role a
    declaration names as its writer."""
    roles = sorted({d.writer_role for d in declarations() if d.writer_role})
    user = make_user(roles[0], park=park)
    for role in roles[1:]:
        grant(user, role, park=park)
    # A member of the park's units: a lead's first contact is one of one's own.
    for unit in PromotionUnit.objects.unscoped().filter(park=park):
        PromotionUnitMember.objects.create(park=park, unit=unit, user=user)
    return user


def _import(key, park, actor, data, commit=True):
    return run_import(
        spec=get_spec(key), actor=actor, park=park, data=data, file_name="模板.xlsx", commit=commit
    )


@pytest.mark.parametrize("populated", [True, False], ids=["park-with-records", "new-park"])
@pytest.mark.parametrize("key", IMPORTABLE)
def test_the_template_downloaded_unchanged_imports_without_error(client, key, populated):
    park = make_park()
    if populated:
        make_industry(park, code="EI", name="电子信息")
        make_industry(park, code="NE", name="新能源新材料")
        make_unit(park, code="ZSB", name="招商办", kind=PromotionUnit.Kind.OFFICE)
    # What its rows cannot exist without, made even in a "new" park.
    if _declaration(key).prerequisites is not None:
        _declaration(key).prerequisites(park)
    user = _writer(park)
    sign_in(client, user)
    template = client.get(reverse("exchange:template", args=[key]))
    assert template.status_code == 200
    outcome = _import(key, park, user, template.content)
    assert outcome.file_errors == []
    assert [(p.header, p.message) for p in outcome.problems] == []
    assert outcome.count("create") == 1


def test_the_template_example_names_a_real_record_by_name_and_code(client):
    park = make_park()
    make_industry(park, code="EI", name="电子信息")
    sign_in(client, _writer(park))
    template = client.get(reverse("exchange:template", args=["industries"]))
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, headers.index("上级产业") + 1).value == "电子信息 (EI)"
    assert [cell.value for cell in book["选项"]["A"]] == ["上级产业", "电子信息 (EI)"]


def test_reference_columns_export_name_with_code(client):
    park = make_park()
    industry = make_industry(park, code="EI", name="电子信息")
    make_enterprise(park, industry=industry)
    sign_in(client, _writer(park))
    response = client.get(reverse("exchange:export", args=["enterprises"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, headers.index("产业") + 1).value == "电子信息 (EI)"


@pytest.mark.parametrize("typed", ["电子信息 (EI)", "电子信息（EI）", "EI", "电子信息"])
def test_reference_columns_accept_name_with_code_the_code_or_the_name(typed):
    park = make_park()
    industry = make_industry(park, code="EI", name="电子信息")
    user = _writer(park)
    rows = [
        ["企业名称", "统一社会信用代码", "状态", "产业"],
        ["宿迁甲有限公司", random_uscc(), "在园企业", typed],
    ]
    outcome = _import("enterprises", park, user, xlsx_bytes(rows))
    assert outcome.problems == []
    assert Enterprise.objects.restrict(user).get(name="宿迁甲有限公司").industry == industry


def test_a_renamed_reference_is_still_found_by_its_code():
    park = make_park()
    industry = make_industry(park, code="EI", name="新一代电子信息")
    user = _writer(park)
    rows = [
        ["企业名称", "统一社会信用代码", "状态", "产业"],
        ["宿迁乙有限公司", random_uscc(), "在园企业", "电子信息 (EI)"],
    ]
    outcome = _import("enterprises", park, user, xlsx_bytes(rows))
    assert outcome.problems == []
    assert Enterprise.objects.restrict(user).get(name="宿迁乙有限公司").industry == industry


def test_a_name_two_records_share_asks_for_the_code():
    park = make_park()
    make_unit(park, code="A1", name="一部")
    make_unit(park, code="A2", name="一部")
    user = _writer(park)
    rows = [["代码", "名称", "类型", "上级单元"], ["T1", "小组", "部门招商小分队", "一部"]]
    outcome = _import("promotion-units", park, user, xlsx_bytes(rows))
    [problem] = outcome.problems
    assert problem.header == "上级单元"
    assert "“一部 (A1)”" in problem.message


def test_a_parent_listed_above_in_the_same_file_may_be_named_with_its_code():
    park = make_park()
    user = _writer(park)
    rows = [
        ["代码", "名称", "上级产业"],
        ["EI", "电子信息", ""],
        ["EI-IC", "集成电路", "电子信息 (EI)"],
    ]
    outcome = _import("industries", park, user, xlsx_bytes(rows))
    assert outcome.problems == []
    assert outcome.count("create") == 2


def test_export_then_import_of_a_tree_leaves_it_unchanged(client):
    park = make_park()
    leading = make_industry(park, code="EI", name="电子信息")
    make_industry(park, code="EI-IC", name="集成电路", parent=leading, level=2)
    user = _writer(park)
    sign_in(client, user)
    exported = b"".join(
        client.get(reverse("exchange:export", args=["industries"])).streaming_content
    )
    outcome = _import("industries", park, user, exported)
    assert outcome.problems == []
    assert outcome.count("unchanged") == 2


def test_a_batch_row_links_to_its_record_by_name(client):
    park = make_park()
    user = _writer(park)
    rows = [["企业名称", "统一社会信用代码", "状态"], ["宿迁丙有限公司", random_uscc(), "在园企业"]]
    batch = _import("enterprises", park, user, xlsx_bytes(rows)).batch
    created = Enterprise.objects.restrict(user).get(name="宿迁丙有限公司")
    sign_in(client, user)
    response = client.get(reverse("exchange:importbatch_detail", args=[batch.pk]))
    assert f'<a href="{created.get_absolute_url()}">宿迁丙有限公司</a>' in response.content.decode()


def test_a_batch_page_reads_its_records_in_a_fixed_number_of_queries(client):
    park = make_park()
    user = _writer(park)
    sign_in(client, user)

    def batch_of(n):
        header = ["企业名称", "统一社会信用代码", "状态"]
        rows = [[f"宿迁{n}-{i}有限公司", random_uscc(), "在园企业"] for i in range(n)]
        return _import("enterprises", park, user, xlsx_bytes([header, *rows])).batch

    small, large = batch_of(1), batch_of(6)
    client.get(reverse("exchange:importbatch_detail", args=[small.pk]))  # warm caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("exchange:importbatch_detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("exchange:importbatch_detail", args=[large.pk]))
    assert response.content.decode().count('<a href="/enterprises/') == 6
    assert len(one) == len(six)


def test_an_undone_batch_says_its_records_are_gone(client):
    from parkops.core.exchange import services

    park = make_park()
    user = _writer(park)
    rows = [["企业名称", "统一社会信用代码", "状态"], ["宿迁丁有限公司", random_uscc(), "在园企业"]]
    batch = _import("enterprises", park, user, xlsx_bytes(rows)).batch
    services.import_undo(batch=batch, actor=user)
    sign_in(client, user)
    html = client.get(reverse("exchange:importbatch_detail", args=[batch.pk])).content.decode()
    assert "宿迁丁有限公司" not in html
    # The row it created is gone because of the undo, and the page says so.
    assert "已随撤销删除" in html and "已不存在或无权查看" not in html
