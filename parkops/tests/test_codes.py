"""Codes of parks, industries and promotion units (issue #8): letters, digits,
".", "_" and "-" only, starting with a letter or digit, whichever way they are
saved: a service, a page form or an import through the API."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from parkops.core import services
from parkops.core.models import Industry, Park
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import make_park, make_token, make_user, sign_in
from parkops.promotion import services as promotion_services
from parkops.promotion.models import PromotionUnit

pytestmark = pytest.mark.django_db

MESSAGE = "代码须以英文字母或数字开头，只能包含英文字母、数字、点（.）、下划线（_）和连字符（-）。"
BAD_CODES = [
    "=1+2",
    "+1",
    "-EI",
    "@A",
    "\tEI",
    "\rEI",
    "＝1",
    "ＥＩ",  # full-width letters look like ASCII but are not
    "EI IC",
    "EI/IC",
    "电子信息",
    "EI'",
]


def _industry(code):
    return services.industry_create(park=make_park(), actor=SYSTEM, code=code, name="电子信息")


def _unit(code):
    return promotion_services.unit_create(
        park=make_park(), actor=SYSTEM, code=code, name="招商办", kind=PromotionUnit.Kind.OFFICE
    )


def _park(code):
    return services.park_create(
        actor=SYSTEM, code=code, name="新园区", short_name="新园", region="321300"
    )


CREATE = {"industry": _industry, "unit": _unit, "park": _park}


@pytest.mark.parametrize("what", CREATE)
@pytest.mark.parametrize("code", BAD_CODES)
def test_service_refuses_a_code_with_other_characters_in_chinese(what, code):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        CREATE[what](code)
    assert refused.value.message_dict["code"] == [MESSAGE]


@pytest.mark.parametrize("what", CREATE)
def test_service_accepts_letters_digits_dot_underscore_and_hyphen(what):
    assert CREATE[what]("EI-IC.2_a").code == "EI-IC.2_a"


def test_industry_page_form_refuses_a_formula_code_in_chinese(client):
    park = make_park()
    sign_in(client, make_user(Role.PARK_ADMIN, park=park))
    response = client.post(reverse("core:industry_add"), {"code": "=1+2", "name": "电子信息"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [MESSAGE]
    assert not Industry.objects.unscoped().exists()


def test_unit_page_form_refuses_a_formula_code_in_chinese(client):
    park = make_park()
    sign_in(client, make_user(Role.PARK_ADMIN, park=park))
    data = {"code": "@SUM(1)", "name": "招商办", "kind": PromotionUnit.Kind.OFFICE}
    response = client.post(reverse("promotion:promotionunit_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [MESSAGE]
    assert not PromotionUnit.objects.unscoped().exists()


def test_park_page_form_refuses_a_formula_code_in_chinese(client):
    sign_in(client, make_user(Role.SYSTEM_ADMIN))
    data = {"name": "新园区", "short_name": "新园", "code": "+cmd", "region": "321300"}
    response = client.post(reverse("core:park_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [MESSAGE]
    assert not Park.objects.filter(name="新园区").exists()


def test_api_import_refuses_a_formula_code_in_chinese_at_its_cell():
    from django.test import Client

    park = make_park()
    token = make_token(make_user(Role.PARK_ADMIN, park=park))
    workbook = Workbook()
    workbook.active.append(["代码", "名称"])
    workbook.active.append(["EI", "电子信息"])
    workbook.active.append(["-1+2", "坏代码"])
    workbook.active["A3"].data_type = "s"  # text, as an attacker's file holds it
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = (
        Client()
        .post(
            reverse("api:import_preview", args=["industries"]),
            {"file": SimpleUploadedFile("产业.xlsx", buffer.getvalue())},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    assert not body["ok"]
    assert [(p["row"], p["column"], p["message"]) for p in body["problems"]] == [(3, "A", MESSAGE)]
