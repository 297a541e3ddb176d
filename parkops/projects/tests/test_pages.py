"""The project pages, the API and spreadsheets: the same rules on every way in,
and confidential terms shown only to the roles ROLES.md names."""

import json

import pytest
from django.urls import reverse

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import (
    WritableRegisterTestCase,
    make_park,
    make_token,
    make_user,
    sign_in,
    xlsx_bytes,
)
from parkops.projects.models import Project, ProjectEvent
from parkops.projects.testing import PROJECT, make_project
from parkops.promotion.testing import make_officer, make_unit

from .conftest import D, move

TERMS = "土地价格面议，前三年租金减半"


class ProjectRegisterTests(WritableRegisterTestCase):
    """The shared fixtures, for the tests below."""

    declaration = PROJECT
    shared = False

    def test_list_shows_stage_badge_and_investment_in_wan_yuan(self):
        self.own.planned_investment = 123_456_789
        self.own.save()
        sign_in(self.client, self.reader)
        html = self.client.get(reverse("projects:project_list")).content.decode()
        assert 'data-stage="lead"' in html and "线索" in html
        assert "12,345.68" in html


# ------------------------------------------------------------------ the pages
def test_detail_tells_the_story_and_offers_only_the_allowed_next_stages(client, lead, officer):
    move(lead, ("negotiating", D(2023, 4, 1)), actor=officer)
    sign_in(client, officer)
    response = client.get(lead.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-event-kind="stage"') == 2
    assert response.context["stage_dates"] == {"lead": D(2023, 3, 1), "negotiating": D(2023, 4, 1)}
    assert [
        value for value, _label in response.context["advance_form"].fields["to_stage"].choices
    ] == [
        "signed",
        "dropped",
        "on_hold",
    ]
    assert "变更首招" not in html  # leaders only
    assert TERMS in html


def test_advancing_on_the_page_then_a_refusal_names_the_field(client, lead, officer):
    sign_in(client, officer)
    url = reverse("projects:project_stage", args=[lead.pk])
    response = client.post(url, {"to_stage": "negotiating", "on_date": "2023-04-01"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "negotiating"
    response = client.post(url, {"to_stage": "on_hold", "on_date": "2023-04-02"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["中止或暂缓项目须填写原因。"]
    response = client.post(url, {"to_stage": "producing", "on_date": "2023-04-02"})
    assert "to_stage" in response.context["form"].errors  # not offered, not accepted


def test_another_units_officer_is_refused_with_the_reason(client, lead, other_officer):
    sign_in(client, other_officer)
    response = client.post(
        reverse("projects:project_stage", args=[lead.pk]),
        {"to_stage": "negotiating", "on_date": "2023-04-01"},
    )
    assert response.status_code == 403
    assert client.get(reverse("projects:project_edit", args=[lead.pk])).status_code == 403
    # The page says why before anyone tries; the API answers with the reason.
    detail = client.get(lead.get_absolute_url()).content.decode()
    assert "data-refusal" in detail and "您不是这两个单位的成员" in detail
    refused = _api(
        client,
        "post",
        reverse("api:project_advance", args=[lead.pk]),
        other_officer,
        {"to_stage": "negotiating", "on_date": "2023-04-01"},
    )
    assert refused.status_code == 403
    assert "您不是这两个单位的成员" in refused.json()["detail"]
    lead.refresh_from_db()
    assert lead.stage == "lead"


def test_correcting_a_date_on_the_page(client, lead, officer):
    event = ProjectEvent.objects.unscoped().get(project=lead)
    sign_in(client, officer)
    url = reverse("projects:projectevent_correct", args=[event.pk])
    assert client.post(url, {"on_date": "2023-02-20"}).context["form"].errors["reason"]
    response = client.post(url, {"on_date": "2023-02-20", "reason": "实际二月来访"})
    assert response.status_code == 302
    html = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-event-kind="correction"' in html and "实际二月来访" in html


def test_first_contact_change_page_is_a_leaders(client, park, lead, leader, officer):
    new_unit = make_unit(park)
    url = reverse("projects:project_first_contact", args=[lead.pk])
    sign_in(client, officer)
    assert client.get(url).status_code == 403
    sign_in(client, leader)
    assert "变更首招" in client.get(lead.get_absolute_url()).content.decode()
    response = client.post(url, {"unit": new_unit.pk, "reason": ""})
    assert response.context["form"].errors["reason"]
    response = client.post(url, {"unit": new_unit.pk, "reason": "首次对接实为该单元"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.first_contact_unit == new_unit


def test_the_edit_form_does_not_offer_first_contact(client, lead, officer):
    sign_in(client, officer)
    form = client.get(reverse("projects:project_edit", args=[lead.pk])).context["form"]
    assert "first_contact_unit" not in form.fields and "first_contact_officer" not in form.fields


# ------------------------------------------------------------ terms: who reads
@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("officer", True),
        ("other_officer", False),
        ("leader", True),
        ("project_officer", True),
        ("finance_officer", True),
    ],
)
def test_terms_are_shown_only_to_the_roles_named(client, request, park, lead, role, shown):
    user = (
        make_user(Role.FINANCE_OFFICER, park=park)
        if role == "finance_officer"
        else request.getfixturevalue(role)
    )
    sign_in(client, user)
    html = client.get(lead.get_absolute_url()).content.decode()
    assert (TERMS in html) is shown
    token = make_token(user)
    body = client.get(
        reverse("api:project_detail", args=[lead.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert body["terms"] == (TERMS if shown else None)
    export = client.get(reverse("exchange:export_csv", args=["projects"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert lead.name in text
    assert (TERMS in text) is shown


def test_roles_not_named_do_not_see_projects_at_all(client, park, lead):
    for role in (Role.SERVICE_OFFICER, Role.STATISTICS_OFFICER, Role.PLANNING_OFFICER):
        sign_in(client, make_user(role, park=park))
        assert client.get(lead.get_absolute_url()).status_code == 404


# ------------------------------------------------------------------------ API
def _api(client, method, path, user, data=None):
    token = make_token(user)
    send = getattr(client, method)
    return send(
        path,
        json.dumps(data or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_api_advance_correct_and_first_contact(client, park, lead, officer, leader):
    stage = reverse("api:project_advance", args=[lead.pk])
    response = _api(
        client, "post", stage, officer, {"to_stage": "negotiating", "on_date": "2023-04-01"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "negotiating" and body["stage_dates"]["negotiating"] == "2023-04-01"
    assert [e["to_stage"] for e in body["events"]] == ["lead", "negotiating"]
    refused = _api(
        client, "post", stage, officer, {"to_stage": "producing", "on_date": "2023-04-02"}
    )
    assert refused.status_code == 422 and "to_stage" in refused.json()["errors"]

    event = body["events"][1]["id"]
    corrected = _api(
        client,
        "post",
        reverse("api:projectevent_correct", args=[event]),
        officer,
        {"on_date": "2023-03-30", "reason": "日期录错"},
    )
    assert corrected.status_code == 201, corrected.content
    assert corrected.json()["corrects_id"] == event

    first = reverse("api:project_first_contact", args=[lead.pk])
    new_unit = make_unit(park)
    assert (
        _api(client, "post", first, officer, {"unit_id": new_unit.pk, "reason": "x"}).status_code
        == 403
    )
    changed = _api(client, "post", first, leader, {"unit_id": new_unit.pk, "reason": "实际首招"})
    assert changed.status_code == 200 and changed.json()["first_contact_unit_id"] == new_unit.pk


def test_api_refuses_first_contact_in_a_patch(client, park, lead, officer):
    response = _api(
        client,
        "patch",
        reverse("api:project_edit", args=[lead.pk]),
        officer,
        {"first_contact_unit_id": make_unit(park).pk},
    )
    assert response.status_code == 422
    assert "first_contact_unit" in response.json()["errors"]


def test_api_actions_on_another_parks_project_are_404_and_audited(client, park, officer, leader):
    foreign = make_project(make_park())
    event = ProjectEvent.objects.unscoped().get(project=foreign)
    for name, pk, data in (
        ("api:project_advance", foreign.pk, {"to_stage": "negotiating", "on_date": "2023-04-01"}),
        ("api:project_first_contact", foreign.pk, {"unit_id": 1, "reason": "x"}),
        ("api:projectevent_correct", event.pk, {"on_date": "2023-02-01", "reason": "x"}),
    ):
        response = _api(client, "post", reverse(name, args=[pk]), leader, data)
        assert response.status_code == 404, name
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor=leader).count() == 3
    foreign.refresh_from_db()
    assert foreign.stage == "lead"


# ----------------------------------------------------------------- the import
HEADERS = ["编号", "项目名称", "投资方", "首招单位", "项目阶段"]


def _import(park, user, rows):
    return run_import(
        spec=get_spec("projects"),
        actor=user,
        park=park,
        data=xlsx_bytes([HEADERS, *rows]),
        file_name="项目.xlsx",
        commit=True,
    )


def test_an_import_creates_leads_and_refuses_stage_and_first_contact_changes(park, unit, officer):
    from parkops.enterprises.testing import make_enterprise

    investor = make_enterprise(park, name="苏州示例新能源有限公司", uscc="")
    created = _import(park, officer, [["XM-9", "储能项目", investor.name, unit.code, ""]])
    assert created.ok, created.problems
    project = Project.objects.unscoped().get(park=park, ref="XM-9")
    assert (project.stage, project.first_contact_unit) == ("lead", unit)
    assert ProjectEvent.objects.unscoped().filter(project=project, to_stage="lead").exists()

    other = make_unit(park, code="FJ-2")
    make_officer(park, other)  # a unit that exists, but is not the first contact
    moved = _import(park, officer, [["XM-9", "储能项目", investor.name, unit.code, "在谈"]])
    assert not moved.ok
    assert [(p.header, p.message) for p in moved.problems] == [
        ("项目阶段", "项目阶段须在项目页面以带日期的阶段变更办理，不能通过导入修改。")
    ]
    changed = _import(park, officer, [["XM-9", "储能项目", investor.name, "FJ-2", ""]])
    assert not changed.ok
    assert [p.header for p in changed.problems] == ["首招单位"]
    assert "项目首招负责制" in changed.problems[0].message
    project.refresh_from_db()
    assert (project.stage, project.first_contact_unit) == ("lead", unit)
    new = _import(park, officer, [["XM-10", "另一项目", investor.name, unit.code, "签约"]])
    assert [p.header for p in new.problems] == ["项目阶段"]


def test_a_new_projects_page_says_record_a_lead_and_a_signing_its_amount(client, lead, officer):
    sign_in(client, officer)
    html = client.get(reverse("projects:project_add")).content.decode()
    assert "<title>登记线索" in html or "登记线索</" in html
    assert "新建项目" not in html
    assert "编辑" in client.get(reverse("projects:project_edit", args=[lead.pk])).content.decode()
    move(lead, ("negotiating", D(2023, 4, 1)), ("signed", D(2023, 6, 1)), actor=officer)
    html = client.get(lead.get_absolute_url()).content.decode()
    # The amount is shown with its unit (1亿元): the label does not repeat one.
    assert "1亿元" in html
    # (The change history below names the field by its form label, with the unit.)
    assert "签约金额</dt>" in html and "签约金额（元）</dt>" not in html
