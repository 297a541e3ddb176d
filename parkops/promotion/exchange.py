"""The promotion structure, institutions and visits in spreadsheets."""

import re

from django.utils.translation import gettext_lazy as _

from parkops.core.exchange.spec import CHOICE, DATE, REF, Column, RegisterSpec, declare
from parkops.enterprises.models import Enterprise
from parkops.promotion import services
from parkops.promotion.models import Institution, PromotionUnit, Visit
from parkops.promotion.selectors import institution_list, promotion_unit_list, visit_list

UNITS = declare(
    RegisterSpec(
        key="promotion-units",
        model=PromotionUnit,
        title=PromotionUnit._meta.verbose_name_plural,
        natural_key="code",
        columns=[
            Column(
                "code",
                "代码",
                required=True,
                synonyms=("单元代码", "编号"),
                example="FJ-EI",
                fold=True,
            ),
            Column(
                "name",
                "名称",
                required=True,
                synonyms=("单元名称",),
                example="电子信息产业招商分局",
                width=28,
            ),
            Column(
                "kind",
                "类型",
                kind=CHOICE,
                choices=PromotionUnit.Kind,
                required=True,
                example="专业招商分局",
            ),
            Column(
                "parent",
                "上级单元",
                kind=REF,
                ref_model=PromotionUnit,
                synonyms=("上级",),
                help=_(
                    "The parent unit as the 选项 sheet lists it, name with code, or its code "
                    "or name alone; list parents before their units."
                ),
                example="ZSB",
            ),
        ],
        create=lambda *, park, actor, **values: services.unit_create(
            park=park, actor=actor, **values
        ),
        update=lambda obj, *, actor, **values: services.unit_update(
            unit=obj, actor=actor, **values
        ),
        select_related=("parent",),
        selector=promotion_unit_list,
    )
)


def _staff_named(park, text, field="staff"):
    """The park's promotion officers a cell names (full names or user names,
    separated by 、 , ， ; or spaces); an unknown name is a ValidationError."""
    from django.core.exceptions import ValidationError
    from django.db.models import Q
    from django.utils.translation import gettext as _t

    from parkops.accounts.selectors import users_with_role
    from parkops.core.permissions import Role

    if isinstance(text, list):
        return text
    names = [n for n in re.split(r"[、,，;；\s]+", text or "") if n]
    officers = users_with_role(role=Role.PROMOTION_OFFICER, park=park)
    found = []
    for name in names:
        match = list(officers.filter(Q(full_name=name) | Q(username=name))[:2])
        if len(match) != 1:
            raise ValidationError(
                {
                    field: _t("“%(name)s” is not one promotion officer of this park.")
                    % {"name": name}
                }
            )
        found.append(match[0])
    return found


def _visit_values(park, values: dict, actor=None) -> dict:
    """The row's values with its staff as users; an empty staff cell on a new
    row means the officer importing the file made the visit. The next step's
    owner is named like the staff, one person."""
    if "next_step_owner" in values:
        owner = values["next_step_owner"]
        if owner and not hasattr(owner, "pk"):
            named = _staff_named(park, owner, field="next_step_owner")
            if len(named) != 1:
                from django.core.exceptions import ValidationError
                from django.utils.translation import gettext as _t

                raise ValidationError({"next_step_owner": _t("Name one person.")})
            owner = named[0]
        values = {**values, "next_step_owner": owner or None}
    if values.get("staff"):
        return {**values, "staff": _staff_named(park, values["staff"])}
    values = {name: value for name, value in values.items() if name != "staff"}
    if actor is not None:
        values["staff"] = [actor]
    return values


def _party_label(obj) -> str:
    if obj is None:
        return ""
    code = getattr(obj, "uscc", "")
    return f"{obj.name} ({code})" if code else obj.name


def _staff_label(visit) -> str:
    return "、".join(u.full_name or u.username for u in visit.staff.order_by("username"))


INSTITUTIONS = declare(
    RegisterSpec(
        key="institutions",
        model=Institution,
        title=Institution._meta.verbose_name_plural,
        natural_key="name",
        columns=[
            Column(
                "name",
                "机构名称",
                required=True,
                synonyms=("名称", "单位名称"),
                example="江苏省半导体行业协会",
                width=30,
            ),
            Column(
                "kind",
                "类型",
                kind=CHOICE,
                choices=Institution.Kind,
                required=True,
                synonyms=("机构类型",),
                example="行业协会",
            ),
            Column(
                "region",
                "所在地行政区划代码",
                synonyms=("所在地", "区划代码"),
                help=_("GB/T 2260 code, six digits, e.g. 320500."),
                example="320100",
                fold=True,
            ),
            Column("notes", "备注", width=30),
        ],
        create=lambda *, park, actor, **values: services.institution_create(
            park=park, actor=actor, **values
        ),
        update=lambda obj, *, actor, **values: services.institution_update(
            institution=obj, actor=actor, **values
        ),
        selector=institution_list,
    )
)

VISITS = declare(
    RegisterSpec(
        key="visits",
        model=Visit,
        title=Visit._meta.verbose_name_plural,
        natural_key="ref",
        columns=[
            Column(
                "ref",
                "编号",
                synonyms=("拜访编号", "序号"),
                help=_("Optional: a visit with the same number is updated, not added again."),
                example="BF-2023-001",
                fold=True,
            ),
            Column(
                "date",
                "拜访日期",
                kind=DATE,
                required=True,
                synonyms=("日期",),
                example="2023-05-16",
            ),
            Column(
                "unit",
                "招商单元",
                kind=REF,
                ref_model=PromotionUnit,
                required=True,
                synonyms=("单元", "招商分局"),
                example="FJ-EI",
            ),
            Column(
                "staff",
                "拜访人员",
                synonyms=("人员", "参加人员"),
                help=_(
                    "Promotion officers of the park, by name, separated by 、; "
                    "left empty on a new visit, the officer importing the file."
                ),
                export=_staff_label,
            ),
            Column(
                "enterprise",
                "拜访企业",
                kind=REF,
                ref_model=Enterprise,
                ref_field="uscc",
                synonyms=("企业", "企业名称"),
                help=_("Fill in either the enterprise or the institution, not both."),
                export=lambda visit: _party_label(visit.enterprise),
                example="宿迁示例科技有限公司",
                width=30,
            ),
            Column(
                "institution",
                "拜访机构",
                kind=REF,
                ref_model=Institution,
                ref_field="name",
                synonyms=("机构", "行业机构"),
                export=lambda visit: _party_label(visit.institution),
                width=28,
            ),
            Column("city", "城市", synonyms=("地点",), example="苏州"),
            Column("country", "国家", example="中国"),
            Column(
                "purpose",
                "拜访事由",
                required=True,
                synonyms=("事由", "目的"),
                width=30,
                example="项目对接",
            ),
            Column("outcome", "拜访成果", synonyms=("成果", "结果"), width=30),
            Column("next_step", "下一步工作", synonyms=("下一步",), width=24),
            Column("next_step_due", "下一步完成时限", kind=DATE, synonyms=("完成时限",)),
            Column(
                "next_step_owner",
                "下一步责任人",
                synonyms=("责任人",),
                help=_("One promotion officer of the park, by name."),
                export=lambda visit: (
                    (visit.next_step_owner.full_name or visit.next_step_owner.username)
                    if visit.next_step_owner
                    else ""
                ),
            ),
        ],
        create=lambda *, park, actor, **values: services.visit_create(
            park=park, actor=actor, **_visit_values(park, values, actor)
        ),
        update=lambda obj, *, actor, **values: services.visit_update(
            visit=obj, actor=actor, **_visit_values(obj.park, values)
        ),
        select_related=("unit", "enterprise", "institution", "next_step_owner"),
        selector=visit_list,
    )
)
