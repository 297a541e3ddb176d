"""The enterprise register in spreadsheets (import template, import, export)."""

from django.utils.translation import gettext_lazy as _

from parkops.core.exchange.spec import BOOL, CHOICE, DATE, REF, Column, RegisterSpec, declare
from parkops.core.models import Industry
from parkops.enterprises import services
from parkops.enterprises.models import Enterprise
from parkops.enterprises.selectors import enterprise_list
from parkops.enterprises.uscc import normalise


def refuse_limited_search(request) -> str | None:
    """A search below three characters looks at part of a long list only
    (``selectors.enterprise_search``): its export would be silently partial, so
    it is refused, saying why (``RegisterSpec.refuse_export``)."""
    from django.utils.translation import gettext

    from parkops.core import generic
    from parkops.enterprises import selectors

    text = request.GET.get("q", "").strip()
    park_id = generic.list_park_id(request, enterprise_list.filterset_class)
    if not (
        text
        and selectors.list_search_limited(user=request.user, filters=request.GET, park_id=park_id)
    ):
        return None
    return gettext(
        "Not exported: a search of fewer than 3 characters looks at part of the "
        "list only. Type 3 characters or more, or clear the search, to export."
    )


ENTERPRISES = declare(
    RegisterSpec(
        key="enterprises",
        model=Enterprise,
        title=Enterprise._meta.verbose_name_plural,
        natural_key="uscc",
        columns=[
            Column(
                "name",
                "企业名称",
                required=True,
                synonyms=("名称", "公司名称", "单位名称", "企业全称"),
                example="宿迁示例科技有限公司",
                width=32,
            ),
            Column(
                "uscc",
                "统一社会信用代码",
                synonyms=("信用代码", "社会信用代码", "社会统一信用代码", "统一代码", "USCC"),
                help=_("18 characters; may be empty only for a foreign prospect."),
                # A valid code (GB 32100-2015 check character): the template imports as is.
                example="91321300MA1MXXXXXR",
                width=22,
                fold=True,
            ),
            Column(
                "status",
                "状态",
                kind=CHOICE,
                choices=Enterprise.Status,
                required=True,
                synonyms=("企业状态",),
                example="在园企业",
            ),
            Column(
                "registered_region",
                "注册地行政区划代码",
                synonyms=("注册地", "区划代码", "行政区划代码", "注册地区划代码"),
                help=_("GB/T 2260 code, six digits, e.g. 321300."),
                example="321300",
                fold=True,
            ),
            Column(
                "industry",
                "产业",
                kind=REF,
                ref_model=Industry,
                # 所属行业 and the like: the words of statistics and registration forms.
                synonyms=("所属产业", "行业", "所属行业", "行业类别", "行业分类", "产业类别"),
                help=_(
                    "An industry of the park as the 选项 sheet lists it, name with code "
                    "(电子信息 (EI)); its code or name alone also works."
                ),
                example="NE-NM-D",
            ),
            Column("settled_on", "入园日期", kind=DATE, synonyms=("入驻日期",), example=""),
            Column(
                "above_scale", "是否规上", kind=BOOL, synonyms=("规上", "规上企业"), example="否"
            ),
            Column(
                "above_scale_since", "入规日期", kind=DATE, synonyms=("列统入规日期",), example=""
            ),
            Column(
                "above_scale_until",
                "规上截止日期",
                kind=DATE,
                help=_("For an enterprise that dropped out of above-scale: the last day it was."),
                example="",
            ),
            Column(
                "former_names",
                "曾用名",
                help=_("Several names separated by line breaks."),
                width=24,
            ),
        ],
        create=lambda *, park, actor, **values: services.enterprise_create(
            park=park, actor=actor, **values
        ),
        update=lambda obj, *, actor, **values: services.enterprise_update(
            enterprise=obj, actor=actor, **values
        ),
        prepare=services.enterprise_fields,
        check=services.enterprise_check,
        select_related=("industry",),
        selector=enterprise_list,
        refuse_export=refuse_limited_search,
        extra={"normalise_key": normalise, "fallback_key": "name"},
    )
)
