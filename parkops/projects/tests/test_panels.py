"""The project panels on other apps' detail pages (``core.panels``): an event's
leads generated, a visit's projects, an enterprise's projects as investor; in
the user's scope, with a fixed number of queries, and no import of projects
from the apps whose pages they are on."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, sign_in
from parkops.core.tests.test_boundaries import leaf_imports
from parkops.enterprises.testing import make_enterprise
from parkops.projects.models import Project
from parkops.projects.testing import make_project
from parkops.promotion.testing import make_event, make_visit

pytestmark = pytest.mark.django_db


def _page(client, obj) -> str:
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_event_page_lists_the_leads_it_generated(client, park):
    event = make_event(park)
    lead = make_project(park, name="日资增资扩产项目", source="event", source_event=event)
    make_project(park, name="别处来的项目")
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    html = _page(client, event)
    assert 'data-panel="event-leads"' in html
    assert lead.name in html and "别处来的项目" not in html
    assert f"?source_event={event.pk}&amp;park={park.code}" in html


def test_the_event_page_lists_the_projects_signed_at_it(client, park):
    event = make_event(park)
    signed = make_project(park, name="现场签约项目", signing_event=event)
    make_project(park, name="别处签约的项目")
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    html = _page(client, event)
    assert 'data-panel="event-signed"' in html
    panel = html.split('data-panel="event-signed"')[1]
    assert signed.name in panel and "别处签约的项目" not in panel
    assert f"?signing_event={event.pk}&amp;park={park.code}" in panel
    listed = client.get(panel.split('href="')[1].split('"')[0].replace("&amp;", "&"))
    assert signed.name in listed.content.decode()
    assert "别处签约的项目" not in listed.content.decode()


def test_record_a_lead_opens_the_form_of_the_records_park(client, park):
    from parkops.core.testing import grant

    first = make_park()
    officer = make_user(Role.PROMOTION_OFFICER, park=first)
    grant(officer, Role.PROMOTION_OFFICER, park=park)
    event = make_event(park, staff=[officer])
    sign_in(client, officer)
    html = _page(client, event)
    add_url = html.split("data-add-lead")[0].rsplit('href="', 1)[1].split('"')[0]
    assert f"park={park.code}" in add_url
    form = client.get(add_url.replace("&amp;", "&")).content.decode()
    # The event is the chosen source (the picker adds search attributes to options).
    assert re.search(rf'<option value="{event.pk}"[^>]* selected', form)
    other = make_park()
    assert client.get(f"{add_url.replace('&amp;', '&')}&park={other.code}").status_code == 404


def test_the_visit_page_lists_the_projects_it_started(client, park):
    visit = make_visit(park)
    project = make_project(park, source=Project.Source.VISIT, source_visit=visit)
    sign_in(client, make_user(Role.PROMOTION_OFFICER, park=park))
    html = _page(client, visit)
    assert 'data-panel="visit-projects"' in html and project.name in html


def test_the_enterprise_page_lists_its_projects_only_to_who_reads_projects(client, park):
    investor = make_enterprise(park)
    project = make_project(park, investor=investor)
    sign_in(client, make_user(Role.PROJECT_OFFICER, park=park))
    html = _page(client, investor)
    assert 'data-panel="enterprise-projects"' in html and project.name in html
    # A service officer reads enterprises but not projects (ROLES.md): no panel.
    client.logout()
    sign_in(client, make_user(Role.SERVICE_OFFICER, park=park))
    html = _page(client, investor)
    assert "enterprise-projects" not in html and project.name not in html


def test_an_empty_panel_says_so(client, park):
    event = make_event(park)
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    assert "暂无来源为本活动的线索。" in _page(client, event)


def _queries(client, obj) -> int:
    with CaptureQueriesContext(connection) as captured:
        _page(client, obj)
    return len(captured)


def test_the_panels_add_a_fixed_number_of_queries(client, park, django_assert_num_queries):
    event = make_event(park)
    investor = make_enterprise(park)
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    make_project(park, investor=investor, source="event", source_event=event)
    _queries(client, event)  # a session's first request reads more (session, caches)
    one = _queries(client, event), _queries(client, investor)
    for _ in range(4):
        make_project(park, investor=investor, source="event", source_event=event)
    assert (_queries(client, event), _queries(client, investor)) == one

    from parkops.core.panels import panel_contexts

    request = client.get(event.get_absolute_url()).wsgi_request
    with django_assert_num_queries(4):  # per panel: the rows shown and their count
        panels = panel_contexts(request, event)
    assert len(panels) == 2  # the leads it generated, the projects signed at it


def test_the_panels_show_only_the_parks_records(client, park):
    """Another park's leads never reach this park's page (a source event is of
    the project's park), and another park's user gets a 404 for the page."""
    event = make_event(park)
    make_project(park, name="本园线索", source="event", source_event=event)
    sign_in(client, make_user(Role.PARK_LEADER, park=make_park()))
    assert client.get(event.get_absolute_url()).status_code == 404


def test_promotion_and_enterprises_do_not_import_projects():
    root = Path(__file__).resolve().parents[2]
    for app in ("promotion", "enterprises"):
        assert leaf_imports(root / app, {"parkops.projects"}) == [], app


def test_a_lead_is_recorded_from_the_visit_page(client, park):
    from parkops.promotion.testing import make_officer, make_unit

    unit = make_unit(park)
    officer = make_officer(park, unit)
    investor = make_enterprise(park, status="prospect", uscc="")
    visit = make_visit(park, enterprise=investor, unit=unit)
    sign_in(client, officer)
    html = _page(client, visit)
    assert f"/projects/new/?source_visit={visit.pk}" in html
    form = client.get(f"/projects/new/?source_visit={visit.pk}").context["form"]
    assert form.initial["source"] == "visit" and form.initial["source_visit"] == visit.pk
    assert (form.initial["investor"], form.initial["first_contact_unit"]) == (investor.pk, unit.pk)
    # Another park's visit gives nothing to start from.
    foreign = make_visit(make_park())
    form = client.get(f"/projects/new/?source_visit={foreign.pk}").context["form"]
    assert "source_visit" not in form.initial
    # A reader (a park leader) sees the list, not the link.
    client.logout()
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    assert "/projects/new/?source_visit=" not in _page(client, visit)


def test_the_apps_name_is_translated():
    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(apps.get_app_config("projects").verbose_name) == "项目"
