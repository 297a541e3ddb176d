"""A lead's source event (来源活动): given only for a lead from a promotion event,
one of the park's events, on the form, the API, a file and the list filter."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkops.core.exchange.importer import run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user, sign_in, xlsx_bytes
from parkops.enterprises.testing import make_enterprise
from parkops.projects import services
from parkops.projects.models import Project
from parkops.promotion.testing import make_event

from .conftest import D


def _lead(park, unit, officer, **fields):
    return services.project_create(
        park=park,
        actor=officer,
        on_date=D(2023, 5, 22),
        name=fields.pop("name", "日资增资扩产项目"),
        investor=make_enterprise(park, status="prospect", uscc=""),
        first_contact_unit=unit,
        first_contact_officer=officer,
        **fields,
    )


def test_a_source_event_needs_the_event_source_and_the_same_park(park, unit, officer):
    event = make_event(park, ref="HD-1")
    with pytest.raises(ValidationError) as refused:
        _lead(park, unit, officer, source=Project.Source.VISIT, source_event=event)
    assert "source_event" in refused.value.message_dict
    with pytest.raises(ValidationError) as foreign:
        _lead(park, unit, officer, source="event", source_event=make_event(make_park()))
    assert "source_event" in foreign.value.message_dict
    lead = _lead(park, unit, officer, source="event", source_event=event)
    assert lead.source_event == event


def test_the_api_takes_and_shows_source_event_id(client, park, unit, officer):
    event = make_event(park)
    body = {
        "name": "接口登记的活动线索",
        "investor_id": make_enterprise(park, status="prospect", uscc="").pk,
        "first_contact_unit_id": unit.pk,
        "source": "event",
        "source_event_id": event.pk,
        "on_date": "2023-05-22",
    }
    response = client.post(
        reverse("api:project_add") + f"?park={park.pk}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_token(officer)}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_event_id"] == event.pk
    foreign = make_event(make_park())
    response = client.post(
        reverse("api:project_add") + f"?park={park.pk}",
        json.dumps({**body, "name": "另一线索", "source_event_id": foreign.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_token(officer)}",
    )
    assert response.status_code == 422
    assert "source_event_id" in response.json()["errors"]


@pytest.mark.parametrize("cell", ["HD-2023-03", "赴日本、新加坡招商推介活动"])
def test_an_import_names_the_event_by_number_or_name(park, unit, officer, cell):
    event = make_event(park, ref="HD-2023-03", name="赴日本、新加坡招商推介活动")
    investor = make_enterprise(park, name="东洋精密电子株式会社", uscc="")
    result = run_import(
        spec=get_spec("projects"),
        actor=officer,
        park=park,
        data=xlsx_bytes(
            [
                ["编号", "项目名称", "投资方", "首招单位", "项目来源", "来源活动"],
                ["XM-1", "增资扩产项目", investor.name, unit.code, "招商活动", cell],
            ]
        ),
        file_name="项目.xlsx",
        commit=True,
    )
    assert result.ok, result.problems
    assert Project.objects.unscoped().get(park=park, ref="XM-1").source_event == event


def test_the_list_filters_by_source_event(client, park, unit, officer):
    event = make_event(park)
    from_event = _lead(park, unit, officer, source="event", source_event=event)
    _lead(park, unit, officer, name="其他线索")
    leader = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, leader)
    html = client.get(reverse("projects:project_list") + f"?source_event={event.pk}").content
    assert from_event.name in html.decode() and "其他线索" not in html.decode()
