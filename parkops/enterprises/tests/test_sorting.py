"""Names sort by pinyin (排序按拼音), in the list and in its export: 阿 < 北 < 长 < 张,
which code-point order gets wrong (长 U+957F comes after 张 U+5F20)."""

import io

import lxml.html
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.enterprises import services
from parkops.enterprises.testing import random_uscc

pytestmark = pytest.mark.django_db

PINYIN_ORDER = ["阿里示例公司", "北方示例公司", "长江示例公司", "张家港示例公司"]


@pytest.fixture
def officer():
    park = make_park()
    user = make_user(Role.SERVICE_OFFICER, park=park)
    # Created out of order, through the service that keeps the sort key.
    for name in reversed(PINYIN_ORDER):
        services.enterprise_create(park=park, actor=user, name=name, uscc=random_uscc())
    return user


def test_unicode_order_would_be_wrong():
    assert sorted(PINYIN_ORDER) != PINYIN_ORDER


def test_names_sort_by_pinyin_in_the_list(client, officer):
    sign_in(client, officer)
    response = client.get(reverse("enterprises:enterprise_list"))
    assert [row.record.name for row in response.context["table"].page.object_list] == PINYIN_ORDER


def test_names_sort_by_pinyin_backwards_when_the_column_is_sorted_descending(client, officer):
    sign_in(client, officer)
    response = client.get(reverse("enterprises:enterprise_list"), {"sort": "-name"})
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == PINYIN_ORDER[::-1]


def test_names_sort_by_pinyin_in_the_export(client, officer):
    sign_in(client, officer)
    response = client.get(reverse("exchange:export", args=["enterprises"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == PINYIN_ORDER


def test_a_renamed_enterprise_moves_to_its_new_place(client, officer):
    from parkops.enterprises.models import Enterprise

    first = Enterprise.objects.restrict(officer).get(name="阿里示例公司")
    services.enterprise_update(enterprise=first, actor=officer, name="周庄示例公司")
    sign_in(client, officer)
    response = client.get(reverse("enterprises:enterprise_list"))
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == [*PINYIN_ORDER[1:], "周庄示例公司"]


def test_changing_a_filter_keeps_the_sort_and_starts_again_at_the_first_page(client, officer):
    """The filter form as a browser submits it, 状态 changed: the list stays sorted
    by name descending (the form dropped ``sort``) and no page is carried over."""
    sign_in(client, officer)
    url = reverse("enterprises:enterprise_list")
    response = client.get(url, {"status": "prospect", "sort": "-name", "page": "2"})
    page = lxml.html.fromstring(response.content.decode())
    form = page.xpath("//form[contains(@class, 'filter-form')]")[0]
    submitted = dict(form.form_values())
    assert submitted["sort"] == "-name"
    assert not {"page", "after", "before"} & submitted.keys()
    submitted["status"] = "settled"
    response = client.get(url, submitted)
    names = [row.record.name for row in response.context["table"].page.object_list]
    assert names == PINYIN_ORDER[::-1]
