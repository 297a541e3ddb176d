"""Core registers in spreadsheets: the industry tree (import and export); parks,
alliances and import batches (export only).

A register's title is its model's plural name, so that the import page, the
export's file name and an import batch's 台账 call it what the menu calls it."""

from django.utils.translation import gettext_lazy as _

from parkops.core import services
from parkops.core.exchange.spec import BOOL, CHOICE, DATE, REF, Column, RegisterSpec, declare
from parkops.core.filters import (
    AllianceFilterSet,
    ImportBatchFilterSet,
    IndustryFilterSet,
    ParkFilterSet,
)
from parkops.core.models import Alliance, ImportBatch, Industry, Park

INDUSTRIES = declare(
    RegisterSpec(
        key="industries",
        model=Industry,
        title=Industry._meta.verbose_name_plural,
        natural_key="code",
        columns=[
            Column(
                "code", "代码", required=True, synonyms=("产业代码",), example="EI-IC", fold=True
            ),
            Column("name", "名称", required=True, synonyms=("产业名称",), example="集成电路"),
            Column(
                "parent",
                "上级产业",
                kind=REF,
                ref_model=Industry,
                synonyms=("上级",),
                help=_(
                    "The parent industry as the 选项 sheet lists it, name with code, or its "
                    "code or name alone; list parents before their children."
                ),
                example="EI",
            ),
        ],
        create=lambda *, park, actor, **values: services.industry_create(
            park=park, actor=actor, **values
        ),
        update=lambda obj, *, actor, **values: services.industry_update(
            industry=obj, actor=actor, **values
        ),
        select_related=("parent",),
        filterset_class=IndustryFilterSet,
    )
)


PARKS = declare(
    RegisterSpec(
        key="parks",
        model=Park,
        title=Park._meta.verbose_name_plural,
        natural_key="code",
        columns=[
            Column("name", "名称", width=28),
            Column("short_name", "简称"),
            Column("code", "代码"),
            Column("region", "行政区划代码"),
            Column("region_name", "行政区划", width=28),
            Column("shares_figures_with_alliance", "向联盟共享分项数据", kind=BOOL),
        ],
        filterset_class=ParkFilterSet,
        ordering=("name_pinyin", "name", "pk"),  # 排序按拼音, as the list sorts them
    )
)

ALLIANCES = declare(
    RegisterSpec(
        key="alliances",
        model=Alliance,
        title=Alliance._meta.verbose_name_plural,
        natural_key="name",
        columns=[
            Column("name", "名称", width=32),
            Column("lead_park", "牵头园区", export=lambda a: a.lead_park.name, width=24),
            Column(
                "members",
                "成员园区",
                export=lambda a: "、".join(p.name for p in a.members.order_by("id")),
                width=80,
            ),
        ],
        select_related=("lead_park",),
        filterset_class=AllianceFilterSet,
        ordering=("name_pinyin", "name", "pk"),  # 排序按拼音, as the list sorts them
    )
)

IMPORT_BATCHES = declare(
    RegisterSpec(
        key="import-batches",
        model=ImportBatch,
        title=ImportBatch._meta.verbose_name_plural,
        natural_key="sha256",
        columns=[
            Column("created_at", "导入时间", kind=DATE, export=lambda b: b.created_at, width=20),
            Column("register", "台账", export=lambda b: b.register_title),
            Column("file_name", "文件名", width=30),
            Column("actor", "导入人", export=lambda b: str(b.actor)),
            Column("created_count", "新建"),
            Column("updated_count", "更新"),
            Column("unchanged_count", "未变"),
            Column("status", "状态", kind=CHOICE, choices=ImportBatch.Status),
            Column("sha256", "SHA-256", width=66),
        ],
        select_related=("actor",),
        filterset_class=ImportBatchFilterSet,
    )
)
