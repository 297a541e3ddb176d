"""Enterprise factories and the enterprise register's test declaration."""

from __future__ import annotations

from parkops.core.permissions import Role
from parkops.core.testing import (
    Declaration,
    Endpoint,
    declare,
    make_industry,
    random_digits,
    unique,
)
from parkops.core.text import pinyin_keys
from parkops.enterprises.models import Contact, Enterprise
from parkops.enterprises.uscc import make_uscc

# The enterprise import template's columns, in order (what a user fills in).
IMPORT_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "状态",
    "注册地行政区划代码",
    "产业",
    "是否规上",
    "入规日期",
]


def random_uscc(region: str = "321300") -> str:
    return make_uscc("91" + region + random_digits(9))


def make_enterprise(park, **fields) -> Enterprise:
    name = fields.pop("name", unique("宿迁测试科技") + "有限公司")
    full, initials = pinyin_keys(name)
    defaults = {"uscc": random_uscc(), "name_pinyin": full, "name_initials": initials}
    return Enterprise.objects.create(park=park, name=name, **{**defaults, **fields})


def make_contact(park, **fields) -> Contact:
    enterprise = fields.pop("enterprise", None) or make_enterprise(park)
    defaults = {"name": "张三", "phone": "13812345678"}
    return Contact.objects.create(park=park, enterprise=enterprise, **{**defaults, **fields})


def enterprise_form(park) -> dict:
    return {
        "name": "宿迁新型显示技术有限公司",
        "uscc": random_uscc(),
        "status": Enterprise.Status.SETTLED,
        "registered_region": "321300",
        "former_names": "",
    }


def enterprise_form_with_bad_uscc(park) -> tuple[dict, str]:
    return {**enterprise_form(park), "uscc": "91321300MA1MXXXXX0"}, "uscc"


def enterprise_api_create(park) -> dict:
    return {"name": "宿迁接口新建科技有限公司", "uscc": random_uscc(), "status": "prospect"}


def enterprise_round_trip(park):
    make_industry(park, code="NE", name="新能源新材料")
    make_enterprise(park)
    make_enterprise(park, above_scale=True)
    make_enterprise(park, uscc="", status="prospect", name="境外目标企业")


ENTERPRISE = declare(
    Declaration(
        model=Enterprise,
        make=make_enterprise,
        reader_role=Role.PROJECT_OFFICER,
        writer_role=Role.SERVICE_OFFICER,
        form_data=enterprise_form,
        invalid_form_data=enterprise_form_with_bad_uscc,
        api_create=enterprise_api_create,
        api_update={"name": "宿迁接口改名科技有限公司", "former_names": "旧名"},
        round_trip=enterprise_round_trip,
        endpoints=(
            Endpoint("enterprises:contact_add", make_enterprise, "post", method="post"),
            Endpoint("enterprises:contact_phone", make_contact, "post", text=lambda c: c.phone),
            Endpoint("enterprises:contact_anonymise", make_contact, "post", method="post"),
        ),
    )
)
