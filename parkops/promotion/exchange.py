"""The promotion structure, institutions, visits and promotion events in spreadsheets."""

import re

from django.utils.translation import gettext_lazy as _

from parkops.core.exchange.spec import CHOICE, DATE, REF, Column, RegisterSpec, declare
from parkops.enterprises.models import Enterprise
from parkops.promotion import services
from parkops.promotion.models import Institution, PromotionEvent, PromotionUnit, Visit
from parkops.promotion.selectors import (
    institution_list,
    promotion_event_list,
    promotion_unit_list,
    visit_list,
)

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


def _event_label(event) -> str:
    """An event as the 活动 column reads it: name with its number, or the name."""
    if event is None:
        return ""
    return f"{event.name} ({event.ref})" if event.ref else event.name


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
            Column(
                "event",
                "活动",
                kind=REF,
                ref_model=PromotionEvent,
                ref_field="ref",
                synonyms=("招商活动", "所属活动"),
                help=_(
                    "Optional: the event or trip the visit was made during, by its "
                    "number or name; the visit's date must be within its dates."
                ),
                export=lambda visit: _event_label(visit.event),
                width=24,
            ),
        ],
        create=lambda *, park, actor, **values: services.visit_create(
            park=park, actor=actor, **_visit_values(park, values, actor)
        ),
        update=lambda obj, *, actor, **values: services.visit_update(
            visit=obj, actor=actor, **_visit_values(obj.park, values)
        ),
        select_related=("unit", "enterprise", "institution", "next_step_owner", "event"),
        selector=visit_list,
    )
)


# ---------------------------------------------------------------------- events
# Lists of names in one cell. Company names may hold spaces and commas
# (Pte. Ltd.), so only 、 ; and line breaks separate them.
_LIST_SEPARATORS = re.compile(r"[、;；\n]+")


def _names(text) -> list[str]:
    return [n.strip() for n in _LIST_SEPARATORS.split(text or "") if n.strip()]


def _records_named(queryset, text, field, fields=("name",)):
    """The records of ``queryset`` a cell names, each by one of ``fields``
    exactly; a name that fits none or several is a ValidationError."""
    from django.core.exceptions import ValidationError
    from django.db.models import Q
    from django.utils.translation import gettext as _t

    found = []
    for name in _names(text):
        condition = Q()
        for lookup in fields:
            condition |= Q(**{lookup: name})
        match = list(queryset.filter(condition).distinct()[:2])
        if len(match) != 1:
            raise ValidationError(
                {field: _t("“%(name)s” names no single record of this park.") % {"name": name}}
            )
        found.append(match[0])
    return found


def _event_values(park, values: dict, actor) -> dict:
    """The row's lists as records: participants (promotion officers, like the
    visits' staff), partner parks (name, short name or code, among the parks of
    the host's alliance), enterprises (name or credit code) and institutions
    (name) of the park. An empty cell empties the list."""
    from parkops.core import permissions
    from parkops.core.models import Park
    from parkops.enterprises.models import Enterprise

    values = dict(values)
    if "staff" in values and not isinstance(values["staff"], list):
        values["staff"] = _staff_named(park, values["staff"]) if values["staff"] else []
    if "partner_parks" in values:
        allied = Park.objects.filter(alliances__members=park).exclude(pk=park.pk)
        values["partner_parks"] = _records_named(
            allied, values["partner_parks"], "partner_parks", ("name", "short_name", "code")
        )
    if "enterprises" in values:
        visible = Enterprise.objects.restrict(actor, permissions.VIEW).filter(park=park)
        values["enterprises"] = _records_named(
            visible, values["enterprises"], "enterprises", ("name", "uscc")
        )
    if "institutions" in values:
        visible = Institution.objects.restrict(actor, permissions.VIEW).filter(park=park)
        values["institutions"] = _records_named(visible, values["institutions"], "institutions")
    return values


def _joined(names) -> str:
    return "、".join(names)


def _event_staff_label(event) -> str:
    people = sorted(event.staff.all(), key=lambda u: (u.name_pinyin, u.username))
    return _joined(u.full_name or u.username for u in people)


def _event_parks_label(event) -> str:
    return _joined(p.name for p in sorted(event.partner_parks.all(), key=lambda p: p.name_pinyin))


def _event_enterprises_label(event) -> str:
    return _joined(e.name for e in event.enterprises.order_by("name_pinyin", "name", "pk"))


def _event_institutions_label(event) -> str:
    return _joined(i.name for i in event.institutions.order_by("name_pinyin", "name", "pk"))


EVENTS = declare(
    RegisterSpec(
        key="promotion-events",
        model=PromotionEvent,
        title=PromotionEvent._meta.verbose_name_plural,
        natural_key="ref",
        columns=[
            Column(
                "ref",
                "编号",
                synonyms=("活动编号", "序号"),
                help=_("Optional: an event with the same number is updated, not added again."),
                example="HD-2023-05",
                fold=True,
            ),
            Column(
                "name",
                "活动名称",
                required=True,
                synonyms=("名称", "活动"),
                example="赴日本、新加坡招商推介",
                width=30,
            ),
            Column(
                "kind",
                "活动类型",
                kind=CHOICE,
                choices=PromotionEvent.Kind,
                required=True,
                synonyms=("类型",),
                example="境外招商出访",
            ),
            Column(
                "start_date",
                "开始日期",
                kind=DATE,
                required=True,
                synonyms=("开始时间",),
                example="2023-05-14",
            ),
            Column(
                "end_date",
                "结束日期",
                kind=DATE,
                required=True,
                synonyms=("结束时间",),
                example="2023-05-21",
            ),
            Column("city", "城市", synonyms=("地点", "举办地"), example="东京、新加坡"),
            Column("country", "国家", synonyms=("国家或地区",), example="日本、新加坡"),
            Column(
                "organiser_unit",
                "组织单元",
                kind=REF,
                ref_model=PromotionUnit,
                required=True,
                synonyms=("招商单元", "组织单位"),
                example="FJ-EI",
            ),
            Column(
                "staff",
                "参加人员",
                synonyms=("人员", "出访人员"),
                help=_("Promotion officers of the park, by name, separated by 、."),
                export=_event_staff_label,
            ),
            Column(
                "partner_parks",
                "合作园区",
                synonyms=("联合园区", "参与园区"),
                help=_("Other parks of the alliance, by name, separated by 、."),
                export=_event_parks_label,
                width=24,
            ),
            Column(
                "enterprises",
                "对接企业",
                synonyms=("洽谈企业", "企业"),
                help=_("Enterprises of the park (prospects too), by name, separated by 、."),
                export=_event_enterprises_label,
                width=36,
            ),
            Column(
                "institutions",
                "对接机构",
                synonyms=("机构",),
                help=_("Institutions of the park, by name, separated by 、."),
                export=_event_institutions_label,
                width=30,
            ),
            Column("description", "活动内容", synonyms=("内容", "简介"), width=30),
            Column("outcome", "活动成效", synonyms=("成效", "成果"), width=30),
        ],
        create=lambda *, park, actor, **values: services.event_create(
            park=park, actor=actor, **_event_values(park, values, actor)
        ),
        update=lambda obj, *, actor, **values: services.event_update(
            event=obj, actor=actor, **_event_values(obj.park, values, actor)
        ),
        select_related=("organiser_unit",),
        selector=promotion_event_list,
    )
)
