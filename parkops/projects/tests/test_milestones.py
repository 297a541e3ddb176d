"""Milestones (计划节点): planned from a template, reached (the actual date by a
project officer) and verified by a second person, never the one who recorded
the actual date; on the project's page and through the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import make_token, make_user, sign_in
from parkops.projects import services
from parkops.projects.forms import parse_template_lines
from parkops.projects.models import Milestone, MilestoneKind, MilestoneTemplate
from parkops.projects.testing import (
    make_milestone,
    make_milestone_template,
    make_project,
    make_signed_project,
)

from .conftest import D

SELF_VERIFY = "不能由本人核验"


@pytest.fixture
def signed(park):
    return make_signed_project(park, on=D(2023, 3, 1))


@pytest.fixture
def second_officer(park):
    return make_user(Role.PROJECT_OFFICER, park=park)


# ------------------------------------------------------------------ templates
def test_a_template_plans_the_milestones_from_a_base_date_in_order(park, signed, project_officer):
    template = make_milestone_template(park)
    created = services.milestone_template_apply(
        template=template, project=signed, base_on=D(2023, 3, 1), actor=project_officer
    )
    got = [(m.kind, m.name, m.planned_on, m.position) for m in created]
    assert got == [
        (MilestoneKind.LAND_SUPPLIED, "供地", D(2023, 3, 31), 1),
        (MilestoneKind.STARTED, "开工", D(2023, 6, 29), 2),
        (MilestoneKind.PRODUCTION, "投产", D(2024, 8, 22), 3),
    ]
    assert all(m.responsible_unit_id == signed.owner_unit_id for m in created)
    audited = AuditEntry.objects.filter(
        object_type="projects.milestone", action=AuditEntry.Action.CREATE
    )
    assert audited.count() == 3


def test_a_template_of_another_park_or_a_lead_is_refused(park, signed, project_officer):
    from parkops.core.testing import make_park

    foreign = make_milestone_template(make_park())
    with pytest.raises(ValidationError):
        services.milestone_template_apply(
            template=foreign, project=signed, base_on=D(2023, 3, 1), actor=project_officer
        )
    lead = make_project(park)
    with pytest.raises(PermissionDenied):
        services.milestone_template_apply(
            template=make_milestone_template(park),
            project=lead,
            base_on=D(2023, 3, 1),
            actor=project_officer,
        )
    assert not Milestone.objects.unscoped().exists()


def test_template_lines_read_chinese_and_english_kinds():
    items = parse_template_lines(
        "供地 30\n施工许可证 60 取得施工许可\nconstruction started 90\n\n入规 400"
    )
    assert [(i["kind"], i["offset_days"], i["name"]) for i in items] == [
        ("land_supplied", 30, ""),
        ("construction_permit", 60, "取得施工许可"),
        ("started", 90, ""),
        ("entered_statistics", 400, ""),
    ]
    with pytest.raises(ValidationError) as error:
        parse_template_lines("开工\n盖楼 30")
    assert len(error.value.messages) == 2


def test_the_park_admin_writes_templates_on_their_page(client, park):
    admin = make_user(Role.PARK_ADMIN, park=park)
    sign_in(client, admin)
    response = client.post(
        reverse("projects:milestonetemplate_add"),
        {"name": "工业项目", "project_type": "工业", "lines": "供地 0\n开工 120\n投产 540"},
    )
    assert response.status_code == 302
    template = MilestoneTemplate.objects.unscoped().get(park=park)
    assert [i["offset_days"] for i in template.items] == [0, 120, 540]


# ------------------------------------------------------- actual and verified
def test_actual_date_then_verified_by_another(park, signed, project_officer, second_officer):
    milestone = make_milestone(park, project=signed, planned_on=D(2023, 5, 1))
    reached = services.milestone_set_actual(
        milestone=milestone, actual_on=D(2023, 5, 3), actor=project_officer
    )
    assert (reached.actual_on, reached.actual_by) == (D(2023, 5, 3), project_officer)
    verified = services.milestone_verify(milestone=reached, actor=second_officer)
    assert verified.verified_by == second_officer and verified.verified_at is not None
    entry = AuditEntry.objects.filter(object_type="projects.milestone").latest("pk")
    assert entry.actor == second_officer
    # Once verified, the actual date stays.
    with pytest.raises(ValidationError):
        services.milestone_set_actual(
            milestone=verified, actual_on=D(2023, 5, 4), actor=project_officer
        )


def test_self_verification_is_refused_in_chinese_and_audited(park, signed, project_officer):
    milestone = make_milestone(park, project=signed)
    services.milestone_set_actual(
        milestone=milestone, actual_on=D(2023, 5, 3), actor=project_officer
    )
    milestone.refresh_from_db()
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as error:
        services.milestone_verify(milestone=milestone, actor=project_officer)
    assert SELF_VERIFY in str(error.value)
    milestone.refresh_from_db()
    assert milestone.verified_at is None


def test_self_verification_refused_on_the_page_and_the_api(client, park, signed, project_officer):
    milestone = make_milestone(park, project=signed)
    services.milestone_set_actual(
        milestone=milestone, actual_on=D(2023, 5, 3), actor=project_officer
    )
    sign_in(client, project_officer)
    response = client.post(
        reverse("projects:milestone_verify", args=[milestone.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DENIED, actor=project_officer
    ).exists()
    token = make_token(project_officer)
    api = client.post(
        reverse("api:milestone_verify", args=[milestone.pk]),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 403
    milestone.refresh_from_db()
    assert milestone.verified_at is None


def test_who_may_verify(park, signed, project_officer, leader):
    milestone = make_milestone(park, project=signed)
    finance = make_user(Role.FINANCE_OFFICER, park=park)
    assert not services.may_verify(leader, milestone)  # nothing reached yet
    services.milestone_set_actual(
        milestone=milestone, actual_on=D(2023, 5, 3), actor=project_officer
    )
    milestone.refresh_from_db()
    assert services.may_verify(leader, milestone)
    assert not services.may_verify(finance, milestone)  # never the finance officer
    with pytest.raises(PermissionDenied):
        services.milestone_verify(milestone=milestone, actor=finance)
    services.milestone_verify(milestone=milestone, actor=leader)


def test_only_project_officers_plan_and_reach(park, signed, leader, officer):
    milestone = make_milestone(park, project=signed)
    for actor in (leader, officer):
        with pytest.raises(PermissionDenied):
            services.milestone_set_actual(milestone=milestone, actual_on=D(2023, 5, 3), actor=actor)


def test_a_future_actual_date_is_refused(park, signed, project_officer):
    import datetime

    milestone = make_milestone(park, project=signed)
    with pytest.raises(ValidationError) as error:
        services.milestone_set_actual(
            milestone=milestone,
            actual_on=datetime.date.today() + datetime.timedelta(days=5),
            actor=project_officer,
        )
    assert "actual_on" in error.value.message_dict


def test_evidence_is_a_document_of_the_same_project(park, signed, project_officer):
    from parkops.projects.testing import make_document

    milestone = make_milestone(park, project=signed)
    other = make_document(park)
    with pytest.raises(ValidationError) as error:
        services.milestone_set_actual(
            milestone=milestone, actual_on=D(2023, 5, 3), document=other, actor=project_officer
        )
    assert "document" in error.value.message_dict
    own = make_document(park, project=signed)
    done = services.milestone_set_actual(
        milestone=milestone, actual_on=D(2023, 5, 3), document=own, actor=project_officer
    )
    assert done.document == own


# ----------------------------------------------------------------- the page
def test_the_project_page_shows_milestones_with_lights(client, park, signed, project_officer):
    make_milestone(park, project=signed, name="取得施工许可", planned_on=D(2023, 1, 3))
    sign_in(client, project_officer)
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "取得施工许可" in page
    assert 'data-light="red"' in page  # overdue long ago
    assert 'data-project-light="red"' in page
    assert reverse("projects:project_apply_template", args=[signed.pk]) in page


def test_apply_template_page(client, park, signed, project_officer):
    template = make_milestone_template(park)
    sign_in(client, project_officer)
    url = reverse("projects:project_apply_template", args=[signed.pk])
    response = client.post(url, {"template": template.pk, "base_on": "2023-03-01"})
    assert response.status_code == 302
    assert Milestone.objects.unscoped().filter(project=signed).count() == 3


def test_api_records_the_actual_date(client, park, signed, project_officer):
    milestone = make_milestone(park, project=signed)
    token = make_token(project_officer)
    response = client.post(
        reverse("api:milestone_actual", args=[milestone.pk]),
        {"actual_on": "2023-05-03"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["actual_by_id"] == project_officer.pk
    created = client.post(
        reverse("api:milestone_add") + f"?park={park.pk}",
        {"project_id": signed.pk, "kind": "started", "planned_on": "2023-09-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert created.status_code == 201, created.content


def test_the_actual_date_page_describes_the_milestone_not_a_stage_change(
    client, park, signed, project_officer
):
    milestone = make_milestone(park, project=signed, name="取得施工许可", planned_on=D(2023, 4, 1))
    sign_in(client, project_officer)
    page = client.get(
        reverse("projects:milestone_actual", args=[milestone.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "计划日期 2023-04-01。" in page
    assert "变更为" not in page


def test_the_verify_button_says_核验_like_the_column_and_messages(
    client, park, signed, project_officer, second_officer
):
    milestone = make_milestone(park, project=signed)
    services.milestone_set_actual(
        milestone=milestone, actual_on=D(2023, 5, 3), actor=project_officer
    )
    sign_in(client, second_officer)
    for url in (milestone.get_absolute_url(), signed.get_absolute_url()):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert 'type="submit">核验</button>' in page or "data-verify>核验</button>" in page
        assert "验证</button>" not in page
