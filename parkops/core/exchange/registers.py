"""Core registers in spreadsheets: the industry tree (import and export); parks,
alliances and import batches (export only).

A register's title is its model's plural name, so that the import page, the
export's file name and an import batch's 台账 call it what the menu calls it."""

from django.utils.translation import gettext_lazy as _

from parkops.core import services
from parkops.core.exchange.spec import BOOL, CHOICE, DATE, REF, Column, RegisterSpec, declare
from parkops.core.models import Alliance, AuditEntry, ImportBatch, Industry, Park
from parkops.core.selectors import (
    alliance_list,
    audit_entry_list,
    import_batch_list,
    industry_list,
    park_list,
)

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
        selector=industry_list,
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
        selector=park_list,
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
                export=lambda a: "、".join(p.name for p in a.members.all()),
                width=80,
            ),
        ],
        selector=alliance_list,
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
        selector=import_batch_list,
    )
)


def _as_read_by(user):
    """Each entry with what ``user`` may see of it (``AuditReader``): the export
    masks exactly as the audit pages and the API do."""
    from parkops.core.audit_display import AuditReader

    reader = AuditReader(user)
    return lambda entry: (entry, reader.display(entry))


# The audit log, export only. Not in the registry: it is no park's register and
# its export has its own address beside the list (``core:auditentry_export``).
AUDIT_LOG = RegisterSpec(
    key="audit-entries",
    model=AuditEntry,
    title=_("Audit log"),
    natural_key="seq",
    columns=[
        Column("seq", _("sequence"), export=lambda row: row[0].seq, width=8),
        Column("time", _("time"), export=lambda row: row[0].time, width=20),
        Column("actor", _("actor"), export=lambda row: row[1].actor_name, width=14),
        Column("action", _("action"), export=lambda row: row[1].action_name, width=14),
        Column(
            "object_type",
            _("object type"),
            export=lambda row: row[1].object_type_name,
            width=22,
        ),
        Column("object_id", _("object id"), export=lambda row: row[0].object_id, width=10),
        Column("object_repr", _("object"), export=lambda row: row[1].object_name, width=30),
        Column("park", _("park"), export=lambda row: str(row[0].park or ""), width=18),
        Column("client_ip", _("client IP"), export=lambda row: row[0].client_ip or "", width=16),
        Column("request_id", _("request id"), export=lambda row: row[0].request_id, width=38),
        Column("changes", _("Changes"), export=lambda row: row[1].changes_text(), width=60),
        Column("hash", "SHA-256", export=lambda row: row[0].hash, width=66),
    ],
    selector=audit_entry_list,
    row_for=_as_read_by,
)
