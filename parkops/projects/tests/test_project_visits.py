"""Visits linked to a project after the one it came from (关联拜访): by the
officers of its units, of its park, audited; on the project page, the visit's
page and the API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import Role
from parkops.core.testing import audit_entries, make_park, make_token, make_user, sign_in
from parkops.projects import services
from parkops.projects.models import ProjectVisit
from parkops.promotion.testing import make_visit


@pytest.fixture
def later(park, lead):
    """A later visit to the lead's investor."""
    return make_visit(park, enterprise=lead.investor, purpose="二次对接洽谈")


def test_the_units_officer_links_a_later_visit_audited_once(lead, officer, later):
    link = services.project_visit_link(project=lead, visit=later, actor=officer)
    assert (link.project, link.visit, link.linked_by) == (lead, later, officer)
    assert audit_entries(link, action=AuditEntry.Action.CREATE).get().actor == officer
    with pytest.raises(ValidationError) as again:
        services.project_visit_link(project=lead, visit=later, actor=officer)
    assert again.value.message_dict["visit"] == ["该拜访已关联到本项目。"]
    services.project_visit_unlink(link=link, actor=officer)
    assert not ProjectVisit.objects.unscoped().filter(project=lead).exists()
    assert audit_entries(link, action=AuditEntry.Action.DELETE).get().actor == officer


def test_another_parks_visit_or_the_source_visit_is_refused(park, lead, officer):
    with pytest.raises(ValidationError) as foreign:
        services.project_visit_link(project=lead, visit=make_visit(make_park()), actor=officer)
    assert "visit" in foreign.value.message_dict
    source = make_visit(park, enterprise=lead.investor)
    lead = services.project_update(project=lead, actor=officer, source="visit", source_visit=source)
    with pytest.raises(ValidationError) as same:
        services.project_visit_link(project=lead, visit=source, actor=officer)
    assert same.value.message_dict["visit"] == ["该拜访已是本项目的来源拜访。"]


def test_the_project_page_names_its_source_visit_without_a_query_more(
    client, park, lead, officer, leader, django_assert_num_queries
):
    # The source visit is shown by its enterprise (``Visit.__str__``): read with
    # the project, not by a query of its own only when there is one.
    sign_in(client, leader)
    url = lead.get_absolute_url()
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as without:
        assert client.get(url).status_code == 200
    source = make_visit(park, enterprise=lead.investor)
    services.project_update(project=lead, actor=officer, source="visit", source_visit=source)
    with django_assert_num_queries(len(without)):
        html = client.get(url).content.decode()
    assert source.get_absolute_url() in html and str(lead.investor) in html


@pytest.mark.parametrize("who", ["other_officer", "project_officer", "leader"])
def test_only_the_units_officers_link_visits(request, lead, later, who):
    with pytest.raises(PermissionDenied):
        services.project_visit_link(project=lead, visit=later, actor=request.getfixturevalue(who))
    assert not ProjectVisit.objects.unscoped().exists()


def test_the_project_page_links_and_unlinks_a_visit(client, park, lead, officer, later):
    older = make_visit(park, enterprise=lead.investor, date=later.date.replace(year=2022))
    other = make_visit(park, purpose="别家企业的拜访")
    sign_in(client, officer)
    html = client.get(lead.get_absolute_url()).content.decode()
    assert "data-linked-visits" in html and "关联拜访" in html
    options = html.split('name="visit"')[1].split("</select>")[0]
    assert options.index(f'value="{later.pk}"') < options.index(f'value="{older.pk}"')
    assert f'value="{other.pk}"' not in options  # a visit to another enterprise
    response = client.post(
        reverse("projects:projectvisit_add", args=[lead.pk]), {"visit": later.pk}
    )
    assert response.status_code == 302
    link = ProjectVisit.objects.unscoped().get(project=lead)
    html = client.get(lead.get_absolute_url()).content.decode()
    assert f'id="visit-{link.pk}"' in html
    response = client.post(reverse("projects:projectvisit_delete", args=[link.pk]))
    assert response.status_code == 302
    assert not ProjectVisit.objects.unscoped().filter(project=lead).exists()


def test_the_visit_page_lists_the_projects_linked_to_it(client, park, lead, officer, later):
    services.project_visit_link(project=lead, visit=later, actor=officer)
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    html = client.get(later.get_absolute_url()).content.decode()
    panel = html.split('data-panel="visit-projects"')[1]
    assert lead.name in panel
    listed = client.get(f"{reverse('projects:project_list')}?visit={later.pk}&park={park.code}")
    assert lead.name in listed.content.decode()


def test_the_api_links_a_visit_and_lists_them_in_the_detail(client, park, lead, officer, later):
    token = make_token(officer)
    response = client.post(
        reverse("api:projectvisit_add", args=[lead.pk]),
        json.dumps({"visit_id": later.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["visit_id"] == later.pk
    foreign = make_visit(make_park())
    response = client.post(
        reverse("api:projectvisit_add", args=[lead.pk]),
        json.dumps({"visit_id": foreign.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    detail = client.get(
        reverse("api:project_detail", args=[lead.pk]), HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert [row["visit_id"] for row in detail.json()["visits"]] == [later.pk]
