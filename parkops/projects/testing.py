"""Project factories and the test declaration of the project register."""

from __future__ import annotations

import datetime

from parkops.core.permissions import Role
from parkops.core.testing import (
    Declaration,
    Endpoint,
    declare,
    declare_endpoints,
    sequence_number,
    unique,
)
from parkops.core.text import pinyin_sort_key
from parkops.enterprises.testing import make_enterprise
from parkops.projects.models import (
    AnnualPlan,
    InvestmentEntry,
    LeadPolicy,
    MajorListing,
    Milestone,
    MilestoneKind,
    MilestoneTemplate,
    ParkInvestmentPlan,
    Project,
    ProjectDocument,
    ProjectEvent,
    ProjectVisit,
    Stage,
    TrafficRule,
)
from parkops.promotion.models import PromotionUnitMember
from parkops.promotion.testing import make_event, make_unit


def make_team(park, members=None):
    """A promotion unit of ``park`` whose members are ``members`` (default: every
    promotion officer of the park so far, so that the shared register tests'
    writer works on its projects, as the row rule requires)."""
    from parkops.accounts.selectors import users_with_role

    unit = make_unit(park)
    if members is None:
        members = users_with_role(role=Role.PROMOTION_OFFICER, park=park)
    for user in members:
        PromotionUnitMember.objects.create(park=park, unit=unit, user=user)
    return unit


def make_project(park, *, on=datetime.date(2023, 3, 1), **fields) -> Project:
    """A lead of ``park`` since ``on`` (its creation event included), first
    contact a new unit (see ``make_team``) unless told."""
    name = fields.pop("name", None) or unique("新能源电池项目")
    unit = fields.pop("first_contact_unit", None) or make_team(park)
    fields.setdefault("investor", make_enterprise(park, status="prospect", uscc=""))
    fields.setdefault("owner_unit", unit)
    project = Project.objects.create(
        park=park,
        name=name,
        name_pinyin=pinyin_sort_key(name),
        first_contact_unit=unit,
        stage=Stage.LEAD,
        stage_on=on,
        **fields,
    )
    ProjectEvent.objects.create(
        park=park,
        project=project,
        kind=ProjectEvent.Kind.STAGE,
        from_stage="",
        to_stage=Stage.LEAD,
        on_date=on,
    )
    return project


def make_project_event(park) -> ProjectEvent:
    """The creation event of a new lead of ``park``."""
    return ProjectEvent.objects.unscoped().get(project=make_project(park))


def _project_name_of_event(event) -> str:
    return event.project.name


def project_form(park) -> dict:
    return {
        "name": "高端装备制造项目",
        "investor": make_enterprise(park, status="prospect", uscc="").pk,
        "first_contact_unit": make_team(park).pk,
        "source": Project.Source.VISIT,
        "planned_investment": "50000000",
        "on_date": "2023-04-01",
    }


def project_form_without_unit(park) -> tuple[dict, str]:
    return {**project_form(park), "first_contact_unit": ""}, "first_contact_unit"


def project_api_create(park) -> dict:
    return {
        "name": "接口登记的储能项目",
        "investor_id": make_enterprise(park, status="prospect", uscc="").pk,
        "first_contact_unit_id": make_team(park).pk,
        "planned_investment": "80000000",
        "on_date": "2023-04-01",
    }


def project_round_trip(park):
    from parkops.core.testing import make_industry

    unit = make_team(park)
    make_project(
        park, ref="XM-1", first_contact_unit=unit, terms="土地价格面议", notes="两行\n备注"
    )
    make_project(
        park,
        ref="XM-2",
        first_contact_unit=unit,
        industry=make_industry(park, code="EI", name="电子信息"),
        planned_investment="120000000.00",
        planned_investment_usd="15000000.00",
        usd_rate="7.1000",
        origin_region="320500",
        source=Project.Source.REFERRAL,
    )
    make_project(
        park,
        ref="XM-3",
        first_contact_unit=unit,
        source=Project.Source.EVENT,
        source_event=make_event(park, ref="HD-1", staff=[]),
    )


PROJECT = declare(
    Declaration(
        model=Project,
        make=make_project,
        round_trip=project_round_trip,
        # The unit and enterprise the template's example row names (its spec's examples).
        prerequisites=lambda park: (
            make_unit(park, code="FJ-EI", name="电子信息产业招商分局"),
            make_enterprise(park, name="宿迁示例科技有限公司"),
        ),
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROMOTION_OFFICER,
        form_data=project_form,
        invalid_form_data=project_form_without_unit,
        api_create=project_api_create,
        api_update={"name": "改名的储能项目", "notes": "已二次洽谈"},
        endpoints=(
            # Each action's page (its form) opens only on an own-park project;
            # the POST behind it goes through the same lookup (projects tests).
            Endpoint("projects:project_stage", make_project),
            Endpoint("projects:project_first_contact", make_project),
            Endpoint(
                "projects:projectevent_correct",
                make_project_event,
                text=_project_name_of_event,
            ),
        ),
        exempt={
            # A lead is recorded in the park its link names (?park=<code>, one of
            # the user's: a visit's or an event's), not always the active park.
            "projects:project_add": "?park= picks one of the user's parks (projects "
            "test_panels: test_record_a_lead_opens_the_form_of_the_records_park)",
            "api:project_advance": "POST on a scoped project (projects test_pages)",
            "api:project_first_contact": "POST on a scoped project (projects test_pages)",
            "api:projectevent_correct": "POST on a scoped event (projects test_pages)",
        },
    )
)


# ------------------------------------------------------------------ the boards
# Pages of a park, not of a model: named by ``?park=`` like the report card
# (another park's code is a 404, audited), each showing a record made in the park.
def _park_with_project(park):
    make_project(park, name=unique("看板线索项目"), on=datetime.date(2023, 3, 1))
    return park


def _park_with_unit(park):
    make_unit(park, name=unique("看板招商分局"))
    return park


def _park_with_industry(park):
    from parkops.core.testing import make_industry

    make_industry(park, name=unique("看板主导产业"))
    return park


def _latest_project_name(park) -> str:
    return Project.objects.unscoped().filter(park=park).latest("pk").name


def _latest_unit_name(park) -> str:
    from parkops.promotion.models import PromotionUnit

    return PromotionUnit.objects.unscoped().filter(park=park).latest("pk").name


def _latest_industry_name(park) -> str:
    from parkops.core.models import Industry

    return Industry.objects.unscoped().filter(park=park).latest("pk").name


def _board_query(park) -> str:
    return f"park={park.code}&period=2023-H1"


def _pipeline_query(park) -> str:
    return f"park={park.code}&on=2023-06-30"


declare_endpoints(
    Endpoint(
        "projects:pipeline", _park_with_project, text=_latest_project_name, query=_pipeline_query
    ),
    Endpoint(
        "projects:unit_performance", _park_with_unit, text=_latest_unit_name, query=_board_query
    ),
    Endpoint(
        "projects:unit_performance_export",
        _park_with_unit,
        text=_latest_unit_name,
        query=_board_query,
    ),
    Endpoint(
        "projects:chain_coverage",
        _park_with_industry,
        text=_latest_industry_name,
        query=_board_query,
    ),
)


# ---------------------------------------------------------------- lead handling
def make_lead_policy(park, **fields) -> LeadPolicy:
    """``park``'s lead-handling policy (one per park: made again, it is updated)."""
    policy, _created = LeadPolicy.objects.unscoped().update_or_create(
        park=park, defaults={**LeadPolicy.DEFAULTS, **fields}
    )
    return policy


def _park_name(policy) -> str:
    return policy.park.name


LEAD_POLICY = declare(
    Declaration(
        model=LeadPolicy,
        make=make_lead_policy,
        text_of=_park_name,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PARK_ADMIN,
        exempt={
            "projects:leadpolicy_add": "no id; creates in the active park (projects test_leads)",
        },
    )
)


# ------------------------------------------------------------------ documents
# The smallest files of each allowed kind, as their first bytes say.
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def make_document(park, **fields) -> ProjectDocument:
    """A PDF attached to a new lead of ``park`` (or to ``project``)."""
    import hashlib

    from django.core.files.base import ContentFile

    from parkops.projects.documents import document_path, document_storage

    project = fields.pop("project", None) or make_project(park)
    data = fields.pop("data", PDF_BYTES)
    stored = document_storage().save(document_path(project, ""), ContentFile(data))
    fields.setdefault("original_name", f"{unique('投资协议')}.pdf")
    return ProjectDocument.objects.create(
        park=park,
        project=project,
        file=stored,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        **fields,
    )


def _project_name_of_document(document) -> str:
    return document.project.name


PROJECT_DOCUMENT = declare(
    Declaration(
        model=ProjectDocument,
        make=make_document,
        endpoints=(
            # A download is a GET that leaves an audit entry: "post" in the suite's
            # terms (own row: 200 and audited; another park's: 404, audited).
            Endpoint("projects:projectdocument_download", make_document, kind="post", method="get"),
            Endpoint(
                "api:projectdocument_download", make_document, kind="post", api=True, method="get"
            ),
            # The upload form, on an own-park project only.
            Endpoint("projects:projectdocument_add", make_project),
            Endpoint("projects:project_note", make_project),
        ),
        exempt={
            "api:projectdocument_add": "multipart POST on a scoped project (test_documents)",
        },
    )
)


# ------------------------------------------------------- visits linked (关联拜访)
def make_project_visit(park, **fields) -> ProjectVisit:
    """A later visit to the investor linked to a new lead of ``park``."""
    from parkops.promotion.testing import make_visit

    project = fields.pop("project", None) or make_project(park)
    visit = fields.pop("visit", None) or make_visit(park, enterprise=project.investor)
    return ProjectVisit.objects.create(park=park, project=project, visit=visit, **fields)


def _purpose_of_linked_visit(link) -> str:
    return link.visit.purpose


PROJECT_VISIT = declare(
    Declaration(
        model=ProjectVisit,
        make=make_project_visit,
        text_of=_purpose_of_linked_visit,
        endpoints=(
            # The link form, on an own-park project only.
            Endpoint("projects:projectvisit_add", make_project),
        ),
        exempt={
            "api:projectvisit_add": "POST on a scoped project (projects test_project_visits)",
        },
    )
)


# ------------------------------------------------------ milestones (里程碑)
def make_signed_project(park, *, on=datetime.date(2023, 3, 1), **fields) -> Project:
    """A project of ``park`` signed on ``on`` (its lead and signing events)."""
    project = make_project(park, on=on, **fields)
    ProjectEvent.objects.create(
        park=park,
        project=project,
        kind=ProjectEvent.Kind.STAGE,
        from_stage=Stage.LEAD,
        to_stage=Stage.SIGNED,
        on_date=on,
    )
    Project.objects.unscoped().filter(pk=project.pk).update(stage=Stage.SIGNED, stage_on=on)
    project.stage = Stage.SIGNED
    return project


def make_milestone(park, **fields):
    project = fields.pop("project", None) or make_signed_project(park)
    fields.setdefault("kind", MilestoneKind.LAND_SUPPLIED)
    fields.setdefault("name", unique("供地节点"))
    fields.setdefault("planned_on", datetime.date(2023, 6, 30))
    return Milestone.objects.create(park=park, project=project, **fields)


def milestone_form(park) -> dict:
    return {
        "project": make_signed_project(park).pk,
        "kind": "planning_permit",
        "name": "取得规划许可证",
        "planned_on": "2023-07-15",
    }


def milestone_api_create(park) -> dict:
    return {
        "project_id": make_signed_project(park).pk,
        "kind": "started",
        "planned_on": "2023-09-01",
    }


def milestone_form_without_date(park) -> tuple[dict, str]:
    return {**milestone_form(park), "planned_on": ""}, "planned_on"


def _milestone_reached_by_another(park, user):
    """A milestone ``user`` may verify: reached, recorded by someone else."""
    from parkops.core.testing import make_user

    recorder = make_user(Role.PROJECT_OFFICER, park=park)
    return make_milestone(park, actual_on=datetime.date(2023, 6, 1), actual_by=recorder)


def milestone_round_trip(park):
    """Milestones planned, reached and verified (keyed by project and name)."""
    from parkops.core.testing import make_user

    project = make_signed_project(park, ref="XM-M1")
    unit = make_unit(park, code="GC", name="工程建设部")
    officer = make_user(Role.PROJECT_OFFICER, park=park, full_name="王工程")
    make_milestone(park, project=project, name="供地", responsible_unit=unit, notes="两行\n备注")
    make_milestone(
        park,
        project=project,
        kind=MilestoneKind.STARTED,
        name="主体开工",
        responsible_officer=officer,
        actual_on=datetime.date(2023, 5, 8),
        actual_by=officer,
    )
    verifier = make_user(Role.PARK_LEADER, park=park, full_name="李园长")
    make_milestone(
        park,
        project=make_signed_project(park, name="无编号的项目"),
        name="供地",
        actual_on=datetime.date(2023, 4, 1),
        actual_by=officer,
        verified_by=verifier,
        verified_at=datetime.datetime(2023, 4, 3, 9, 0, tzinfo=datetime.UTC),
    )


def milestone_prerequisites(park):
    """The signed project the template's example row names."""
    make_signed_project(park, ref="XM-2023-001")


MILESTONE = declare(
    Declaration(
        model=Milestone,
        make=make_milestone,
        round_trip=milestone_round_trip,
        prerequisites=milestone_prerequisites,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROJECT_OFFICER,
        form_data=milestone_form,
        invalid_form_data=milestone_form_without_date,
        api_create=milestone_api_create,
        api_update={"name": "改名的节点"},
        endpoints=(
            Endpoint("projects:milestone_actual", make_milestone),
            Endpoint(
                "projects:milestone_verify",
                make_milestone,
                kind="post",
                method="post",
                make_own=_milestone_reached_by_another,
            ),
            Endpoint("projects:project_apply_template", make_signed_project),
        ),
        exempt={
            "api:milestone_actual": "POST on a scoped milestone (projects test_milestones)",
            "api:milestone_verify": "POST on a scoped milestone (projects test_milestones)",
        },
    )
)


def make_milestone_template(park, **fields) -> MilestoneTemplate:
    fields.setdefault("name", unique("工业项目节点模板"))
    fields.setdefault(
        "items",
        [
            {"kind": MilestoneKind.LAND_SUPPLIED, "offset_days": 30, "name": "供地"},
            {"kind": MilestoneKind.STARTED, "offset_days": 120, "name": "开工"},
            {"kind": MilestoneKind.PRODUCTION, "offset_days": 540, "name": "投产"},
        ],
    )
    return MilestoneTemplate.objects.create(park=park, **fields)


def milestone_template_form(park) -> dict:
    return {"name": "服务业项目模板", "project_type": "服务业", "lines": "供地 0\n开工 90 主体开工"}


def milestone_template_form_without_lines(park) -> tuple[dict, str]:
    return {**milestone_template_form(park), "lines": "封顶"}, "lines"


MILESTONE_TEMPLATE = declare(
    Declaration(
        model=MilestoneTemplate,
        make=make_milestone_template,
        reader_role=Role.PROJECT_OFFICER,
        writer_role=Role.PARK_ADMIN,
        form_data=milestone_template_form,
        invalid_form_data=milestone_template_form_without_lines,
        api_create=lambda park: {
            "name": "接口模板",
            "items": [{"kind": "started", "offset_days": 90, "name": "开工"}],
        },
        api_update={"name": "改名的模板"},
    )
)


def make_traffic_rule(park, **fields) -> TrafficRule:
    """A rule of ``park`` (a kind and colour it has no rule for yet, unless told)."""
    if "kind" not in fields:
        used = set(TrafficRule.objects.unscoped().filter(park=park).values_list("kind", "colour"))
        free = [
            (kind, colour)
            for kind in TrafficRule.Kind.values
            for colour in ("amber", "red")
            if (kind, colour) not in used
        ]
        fields["kind"], fields["colour"] = free[0]
    fields.setdefault("threshold", 2)
    fields.setdefault("colour", "amber")
    return TrafficRule.objects.create(park=park, **fields)


def _rule_text(rule) -> str:
    return rule.park.name


def traffic_rule_form(park) -> dict:
    return {"kind": "not_started", "threshold": "0", "colour": "amber", "enabled": "on"}


def traffic_rule_form_without_colour(park) -> tuple[dict, str]:
    return {**traffic_rule_form(park), "colour": ""}, "colour"


TRAFFIC_RULE = declare(
    Declaration(
        model=TrafficRule,
        make=make_traffic_rule,
        text_of=_rule_text,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PARK_ADMIN,
        form_data=traffic_rule_form,
        invalid_form_data=traffic_rule_form_without_colour,
        api_create=lambda park: {"kind": "statistics_late", "threshold": 1, "colour": "amber"},
        api_update={"threshold": 4},
    )
)


# The traffic-light board: a park's page, showing its signed projects.
def _park_with_signed_project(park):
    make_signed_project(park, name=unique("红绿灯项目"))
    return park


def _traffic_query(park) -> str:
    return f"park={park.code}&on=2023-06-30"


declare_endpoints(
    Endpoint(
        "projects:traffic_board",
        _park_with_signed_project,
        text=_latest_project_name,
        query=_traffic_query,
    ),
    Endpoint(
        "projects:traffic_board_export",
        _park_with_signed_project,
        text=_latest_project_name,
        query=_traffic_query,
    ),
)


# ------------------------------------------------------------------ delivery
def make_delivery_project(park, **fields) -> Project:
    """A project of ``park`` signed on 2023-01-10 (its events included): one
    investment, plans and listings may be recorded for."""
    project = make_project(park, on=datetime.date(2023, 1, 2), **fields)
    steps = [
        (Stage.LEAD, Stage.NEGOTIATING, datetime.date(2023, 1, 5)),
        (Stage.NEGOTIATING, Stage.SIGNED, datetime.date(2023, 1, 10)),
    ]
    for from_stage, to_stage, on in steps:
        ProjectEvent.objects.create(
            park=park,
            project=project,
            kind=ProjectEvent.Kind.STAGE,
            from_stage=from_stage,
            to_stage=to_stage,
            on_date=on,
        )
    Project.objects.unscoped().filter(pk=project.pk).update(
        stage=Stage.SIGNED, stage_on=datetime.date(2023, 1, 10), signed_amount=100_000_000
    )
    project.refresh_from_db()
    return project


def make_investment_entry(park, **fields) -> InvestmentEntry:
    if "project" not in fields:
        fields["project"] = make_delivery_project(park)
    fields.setdefault("month", datetime.date(2023, 3, 1))
    fields.setdefault("amount", "12000000.00")
    return InvestmentEntry.objects.create(park=park, **fields)


def make_annual_plan(park, **fields) -> AnnualPlan:
    if "project" not in fields:
        fields["project"] = make_delivery_project(park)
    fields.setdefault("year", 2023)
    fields.setdefault("amount", "200000000.00")
    return AnnualPlan.objects.create(park=park, **fields)


def make_major_listing(park, **fields) -> MajorListing:
    if "project" not in fields:
        fields["project"] = make_delivery_project(park)
    fields.setdefault("year", 2023)
    fields.setdefault("level", MajorListing.Level.MUNICIPAL)
    return MajorListing.objects.create(park=park, **fields)


def _project_of(record) -> str:
    return record.project.name


def investment_form(park) -> dict:
    project = make_delivery_project(park, name=unique("表单投资项目"))
    return {"project": project.pk, "month": "2023-05", "amount": "3500000", "note": "月报"}


def investment_form_future(park) -> tuple[dict, str]:
    return {**investment_form(park), "month": "2099-01"}, "month"


def investment_api_create(park) -> dict:
    project = make_delivery_project(park, name=unique("接口投资项目"))
    return {"project_id": project.pk, "month": "2023-04", "amount": "880000.00"}


def investment_round_trip(park):
    """Entries of two months of a project and one of a project without 编号."""
    project = make_delivery_project(park, ref="XM-I1")
    make_investment_entry(park, project=project, note="月报")
    make_investment_entry(park, project=project, month=datetime.date(2023, 4, 1), amount="0.50")
    make_investment_entry(park, project=make_delivery_project(park, name="无编号的投资项目"))


def delivery_prerequisites(park):
    """The signed project the template's example row names."""
    make_delivery_project(park, ref="XM-2023-001")


INVESTMENT_ENTRY = declare(
    Declaration(
        model=InvestmentEntry,
        make=make_investment_entry,
        round_trip=investment_round_trip,
        prerequisites=delivery_prerequisites,
        text_of=_project_of,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROJECT_OFFICER,
        form_data=investment_form,
        invalid_form_data=investment_form_future,
        api_create=investment_api_create,
        api_update={"note": "统计局核定数"},
    )
)


def plan_form(park) -> dict:
    project = make_delivery_project(park, name=unique("表单计划项目"))
    return {"project": project.pk, "year": "2023", "amount": "250000000"}


def plan_form_without_amount(park) -> tuple[dict, str]:
    return {**plan_form(park), "amount": ""}, "amount"


def plan_api_create(park) -> dict:
    project = make_delivery_project(park, name=unique("接口计划项目"))
    return {"project_id": project.pk, "year": 2023, "amount": "150000000.00"}


def plan_round_trip(park):
    project = make_delivery_project(park, ref="XM-P1")
    make_annual_plan(park, project=project)
    make_annual_plan(park, project=project, year=2024, amount="80000000.00")


ANNUAL_PLAN = declare(
    Declaration(
        model=AnnualPlan,
        make=make_annual_plan,
        round_trip=plan_round_trip,
        prerequisites=delivery_prerequisites,
        text_of=_project_of,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROJECT_OFFICER,
        form_data=plan_form,
        invalid_form_data=plan_form_without_amount,
        api_create=plan_api_create,
        api_update={"year": 2024},
    )
)


def listing_form(park) -> dict:
    project = make_delivery_project(park, name=unique("表单重大项目"))
    return {"project": project.pk, "year": "2023", "level": "provincial"}


def listing_form_without_level(park) -> tuple[dict, str]:
    return {**listing_form(park), "level": ""}, "level"


def listing_api_create(park) -> dict:
    project = make_delivery_project(park, name=unique("接口重大项目"))
    return {"project_id": project.pk, "year": 2023, "level": "municipal"}


MAJOR_LISTING = declare(
    Declaration(
        model=MajorListing,
        make=make_major_listing,
        text_of=_project_of,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.PROJECT_OFFICER,
        form_data=listing_form,
        invalid_form_data=listing_form_without_level,
        api_create=listing_api_create,
        api_update={"level": "provincial"},
        endpoints=(Endpoint("projects:project_entered_statistics", make_project),),
        exempt={
            "api:project_entered_statistics": "POST on a scoped project (projects test_delivery)",
        },
    )
)


def _park_with_major_project(park):
    make_major_listing(park, project=make_delivery_project(park, name=unique("看板重大项目")))
    return park


def _year_query(park) -> str:
    return f"park={park.code}&year=2023&month=6"


declare_endpoints(
    Endpoint(
        "projects:major_projects",
        _park_with_major_project,
        text=_latest_project_name,
        query=_year_query,
    ),
)


# ------------------------------------------------------- stage changes (阶段变更)
def make_negotiating_project(park, **fields) -> Project:
    """A lead of ``park`` from 2023-01-02, under negotiation since 2023-01-05."""
    project = make_project(park, on=datetime.date(2023, 1, 2), **fields)
    ProjectEvent.objects.create(
        park=park,
        project=project,
        kind=ProjectEvent.Kind.STAGE,
        from_stage=Stage.LEAD,
        to_stage=Stage.NEGOTIATING,
        on_date=datetime.date(2023, 1, 5),
    )
    Project.objects.unscoped().filter(pk=project.pk).update(
        stage=Stage.NEGOTIATING, stage_on=datetime.date(2023, 1, 5)
    )
    project.refresh_from_db()
    return project


def make_signing_corrected(park, *, ref: str, reason: str) -> ProjectEvent:
    """A project of ``park`` signed on 2023-01-10 (``make_delivery_project``),
    the signing's date corrected to 2023-01-12; the signing."""
    project = make_delivery_project(park, ref=ref)
    signing = ProjectEvent.objects.unscoped().get(project=project, to_stage=Stage.SIGNED)
    ProjectEvent.objects.create(
        park=park,
        project=project,
        kind=ProjectEvent.Kind.CORRECTION,
        from_stage=Stage.NEGOTIATING,
        to_stage=Stage.SIGNED,
        on_date=datetime.date(2023, 1, 12),
        reason=reason,
        corrects=signing,
    )
    return signing


def stage_change_round_trip(park):
    """A signed project's changes (the signing's date corrected), and a lead."""
    signing = make_signing_corrected(park, ref="XM-S1", reason="协议落款日期为12日")
    ProjectEvent.objects.unscoped().filter(pk=signing.pk).update(note="在推介会上签约")
    make_project(park, name="无编号的线索")


STAGE_CHANGE = declare(
    Declaration(
        model=ProjectEvent,
        make=make_project_event,
        text_of=_project_name_of_event,
        round_trip=stage_change_round_trip,
        # The project the template's example row moves from 洽谈 to 签约.
        prerequisites=lambda park: make_negotiating_project(park, ref="XM-2023-001"),
    )
)


# ------------------------------------------------------ the park's annual plan
def _free_year() -> int:
    """A year no other plan of this run has taken (one plan per park and year)."""
    return 2000 + sequence_number() % 101


def make_park_investment_plan(park, **fields) -> ParkInvestmentPlan:
    fields.setdefault("year", _free_year())
    fields.setdefault("amount", "2500000000.00")
    fields.setdefault("note", unique("园区计划"))
    return ParkInvestmentPlan.objects.create(park=park, **fields)


def park_plan_form(park) -> dict:
    return {"year": str(_free_year()), "amount": "2600000000", "note": unique("表单园区计划")}


def park_plan_form_without_amount(park) -> tuple[dict, str]:
    return {**park_plan_form(park), "amount": ""}, "amount"


PARK_INVESTMENT_PLAN = declare(
    Declaration(
        model=ParkInvestmentPlan,
        make=make_park_investment_plan,
        text_of=lambda plan: plan.note,
        reader_role=Role.PARK_LEADER,
        writer_role=Role.STATISTICS_OFFICER,
        form_data=park_plan_form,
        invalid_form_data=park_plan_form_without_amount,
        api_create=lambda park: {"year": _free_year(), "amount": "2700000000.00"},
        api_update={"note": "统计局下达数"},
    )
)
