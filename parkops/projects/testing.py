"""Project factories and the test declaration of the project register."""

from __future__ import annotations

import datetime

from parkops.core.permissions import Role
from parkops.core.testing import Declaration, Endpoint, declare, unique
from parkops.core.text import pinyin_sort_key
from parkops.enterprises.testing import make_enterprise
from parkops.projects.models import Project, ProjectEvent, Stage
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
            "projects:project_add": "no id; creates in the active park (register tests)",
            "api:project_add": "no id; park parameter checked (projects test_api)",
            "api:project_advance": "POST on a scoped project (projects test_api)",
            "api:project_first_contact": "POST on a scoped project (projects test_api)",
            "api:projectevent_correct": "POST on a scoped event (projects test_api)",
        },
    )
)
