"""Filters that choose among a park's records (an investor, a visit, a unit) are
drawn as search-as-you-type pickers (``core.pickers``): the list page draws only
the record chosen, and the picker's endpoint offers at most 20 matches of the
filter's own choices, never another park's."""

import re

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkops.core import permissions
from parkops.core.permissions import PARK_ROLES, Role
from parkops.core.pickers import (
    PICKER_LIMIT,
    RecordPicker,
    RecordPickerMultiple,
    registered_filtersets,
)
from parkops.core.testing import declaration_of, grant, make_park, make_user, sign_in
from parkops.enterprises.testing import make_enterprise
from parkops.projects.testing import make_project
from parkops.promotion.testing import make_unit, make_visit

pytestmark = pytest.mark.django_db

PROJECTS = reverse("projects:project_list")
INVESTORS = reverse("core:picker", args=["projects.ProjectFilterSet", "investor"])


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def leader(client, park):
    user = make_user(Role.PARK_LEADER, park=park)
    sign_in(client, user)
    return user


def select_html(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def offered(client, url, q=""):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_a_filter_of_many_records_draws_a_picker_not_every_record(client, park, leader):
    for index in range(30):
        make_project(park, investor=make_enterprise(park, name=f"投资方{index:02d}有限公司"))
    html = client.get(PROJECTS).content.decode()
    for name in ("investor", "visit", "source_visit", "first_contact_unit", "industry"):
        select = select_html(html, name)
        assert "data-picker-url=" in select, name
        assert select.count("<option") == 1, name  # "all" only
    assert "投资方" not in select_html(html, "investor")
    assert f'data-picker-url="{INVESTORS}"' in select_html(html, "investor")


def test_the_chosen_record_is_shown_after_filtering(client, park, leader):
    investor = make_enterprise(park, name="宿迁芯微电子有限公司")
    make_project(park, investor=investor)
    make_project(park, investor=make_enterprise(park, name="另一家有限公司"))
    response = client.get(PROJECTS, {"investor": investor.pk})
    select = select_html(response.content.decode(), "investor")
    chosen = rf'<option value="{investor.pk}" selected>宿迁芯微电子有限公司</option>'
    assert re.search(chosen, select)
    assert "另一家" not in select
    assert response.context["table"].paginator.count == 1


def test_the_picker_offers_matches_of_the_users_parks_only(client, park, leader):
    other = make_park()
    make_project(park, investor=make_enterprise(park, name="苏州芯微电子有限公司"))
    make_project(other, investor=make_enterprise(other, name="苏州芯微光电有限公司"))
    make_project(park, investor=make_enterprise(park, name="宿迁食品有限公司"))
    assert offered(client, INVESTORS, "芯微") == ["苏州芯微电子有限公司"]
    # As the enterprise list searches: pinyin initials find it too.
    assert offered(client, INVESTORS, "szxw") == ["苏州芯微电子有限公司"]
    assert "苏州芯微光电有限公司" not in offered(client, INVESTORS)
    # Another park's record named in the list's filter is not shown either.
    theirs = make_enterprise(other, name="别园企业有限公司")
    html = client.get(PROJECTS, {"investor": theirs.pk}).content.decode()
    assert "别园企业" not in html


def test_the_picker_offers_what_the_filter_offers(client, park, leader):
    # The visit filter offers visits some project came from or links, not every visit.
    source = make_visit(park, enterprise=make_enterprise(park, name="来源企业有限公司"))
    make_visit(park, enterprise=make_enterprise(park, name="无关企业有限公司"))
    make_project(park, source_visit=source)
    url = reverse("core:picker", args=["projects.ProjectFilterSet", "visit"])
    assert [text.split(" ", 1)[1] for text in offered(client, url)] == ["来源企业有限公司"]


def test_the_picker_offers_at_most_twenty_in_constant_queries(client, park, leader):
    url = reverse("core:picker", args=["promotion.VisitFilterSet", "unit"])
    for index in range(3):
        make_unit(park, name=f"招商一局{index}")
    offered(client, url)  # the first request after sign-in refreshes the session
    with CaptureQueriesContext(connection) as few:
        assert len(offered(client, url, "招商")) == 3
    for index in range(3, PICKER_LIMIT + 5):
        make_unit(park, name=f"招商一局{index}")
    with CaptureQueriesContext(connection) as many:
        assert len(offered(client, url, "招商")) == PICKER_LIMIT
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_picker_is_refused_to_a_user_who_may_not_read_the_list(client, park):
    sign_in(client, make_user(Role.STATISTICS_OFFICER, park=park))
    assert client.get(INVESTORS).status_code == 403


def test_the_picker_serves_only_filters_of_records(client, park, leader):
    bad = [("projects.ProjectFilterSet", "stage"), ("projects.Nothing", "investor")]
    for key, field in bad:
        assert client.get(reverse("core:picker", args=[key, field])).status_code == 404


def test_a_choice_the_page_draws_as_a_select_is_not_served(client, park, leader):
    # A visit's staff are users, which no park scope narrows: not a picker, not served.
    url = reverse("core:picker", args=["promotion.VisitFilterSet", "staff"])
    assert client.get(url).status_code == 404


def _model_choices(filterset_class, user):
    """(name, form field) of each model choice of ``filterset_class`` as the list
    page draws it for ``user``."""
    from parkops.core.selectors import FilterRequest

    model = filterset_class._meta.model
    filterset = filterset_class(
        None, queryset=model.objects.restrict(user, "view"), request=FilterRequest(user)
    )
    return [
        (name, field)
        for name, field in filterset.form.fields.items()
        if isinstance(field, forms.ModelChoiceField)
    ]


def _in_each_park(model, parks, text):
    """One record of ``model`` in each of ``parks`` (named after ``text`` where its
    declaration makes a named reference); ``None`` where no declaration makes one."""
    try:
        declaration = declaration_of(model._meta.label)
    except KeyError:
        return None
    if declaration.make_ref is not None:
        return [declaration.make_ref(each, f"{text}{index}") for index, each in enumerate(parks)]
    return [declaration.make(each) for each in parks]


def test_every_picker_offers_its_users_park_only_and_nothing_else_is_served(client, park):
    """Walks every FilterSet the endpoint builds: a model choice the page draws as
    a select is refused; a picker never offers another park's record."""
    other = make_park()
    user = make_user()
    for role in PARK_ROLES:
        grant(user, role, park=park)
    sign_in(client, user)
    refused, checked, offered_own = [], [], []
    for key, filterset_class in sorted(registered_filtersets().items()):
        if not permissions.can(user, filterset_class._meta.model, permissions.VIEW):
            continue  # refused whole (403): test_the_picker_is_refused_to_a_user_who_…
        for name, field in _model_choices(filterset_class, user):
            url = reverse("core:picker", args=[key, name])
            if not isinstance(field.widget, RecordPicker | RecordPickerMultiple):
                assert client.get(url).status_code == 404, (key, name)
                refused.append((key, name))
                continue
            records = _in_each_park(field.queryset.model, [park, other], "拣选")
            if records is None:
                continue
            ours, theirs = records
            assert not field.queryset.filter(pk=theirs.pk).exists(), (key, name)
            for q in ("", "拣选"):
                response = client.get(url, {"q": q})
                assert response.status_code == 200, (key, name)
                values = {row["value"] for row in response.json()["results"]}
                assert str(theirs.pk) not in values, (key, name)
                if str(ours.pk) in values:
                    offered_own.append((key, name))
            checked.append((key, name))
    assert ("promotion.VisitFilterSet", "staff") in refused
    assert ("projects.ProjectFilterSet", "investor") in checked
    # Not vacuous: the same request does offer the user's own park's record.
    assert ("projects.ProjectFilterSet", "investor") in offered_own


def test_two_filtersets_of_one_key_are_refused():
    from parkops.core.filters import ScopedFilterSet
    from parkops.projects.models import Project

    # Another module of the projects app defining a ProjectFilterSet of its own.
    attrs = {"__module__": "parkops.projects.filters_extra", "__qualname__": "ProjectFilterSet"}
    meta = type("Meta", (), {"model": Project, "fields": ["q"]})
    with pytest.raises(ImproperlyConfigured, match=r"projects\.ProjectFilterSet"):
        type("ProjectFilterSet", (ScopedFilterSet,), {**attrs, "Meta": meta})
    # The first keeps its pickers.
    assert registered_filtersets()["projects.ProjectFilterSet"].__module__ == (
        "parkops.projects.filters"
    )


def test_a_filter_of_records_the_user_may_not_read_is_not_offered(client, park):
    """A project officer reads projects but not visits or promotion events
    (ROLES.md): the project list draws no filter of those, and the picker's
    endpoint serves none; the filters of records they read stay."""
    source = make_visit(park, enterprise=make_enterprise(park, name="来源企业有限公司"))
    make_project(park, source_visit=source)
    officer = make_user(Role.PROJECT_OFFICER, park=park)
    assert not permissions.can(officer, source, permissions.VIEW)
    sign_in(client, officer)
    html = client.get(PROJECTS).content.decode()
    for name in ("visit", "source_visit", "source_event", "signing_event"):
        assert f'name="{name}"' not in html, name
        url = reverse("core:picker", args=["projects.ProjectFilterSet", name])
        assert client.get(url).status_code == 404, name
    for name in ("investor", "first_contact_unit", "industry"):
        assert "data-picker-url=" in select_html(html, name), name
    assert client.get(INVESTORS).status_code == 200
    # A park leader reads visits: the same filter is drawn and served.
    sign_in(client, make_user(Role.PARK_LEADER, park=park))
    assert "data-picker-url=" in select_html(client.get(PROJECTS).content.decode(), "visit")
    url = reverse("core:picker", args=["projects.ProjectFilterSet", "visit"])
    assert client.get(url).status_code == 200


def test_a_link_setting_a_filter_the_user_cannot_use_shows_no_rows(client, park):
    """Not drawn is not ignored: a kept link naming a visit lists nothing, with
    the filter's error, rather than every project passed off as the visit's."""
    source = make_visit(park)
    make_project(park, source_visit=source)
    make_project(park)
    sign_in(client, make_user(Role.PROJECT_OFFICER, park=park))
    response = client.get(PROJECTS, {"visit": source.pk})
    assert response.context["table"].paginator.count == 0
    assert "visit" in response.context["filter"].form.errors
    assert client.get(PROJECTS).context["table"].paginator.count == 2


def test_every_filter_says_all_when_nothing_is_chosen_and_a_form_asks_to_choose(park):
    """全部 on every filter (a picker or a select, the visit staff's included): it
    means no narrowing; an edit form's choice of records keeps its 请选择."""
    from django.utils import translation

    from parkops.core.selectors import FilterRequest
    from parkops.promotion.forms import VisitForm

    user = make_user()
    for role in PARK_ROLES:
        grant(user, role, park=park)
    make_user(Role.PROMOTION_OFFICER, park=park)  # a visit staff choice
    empties = {}
    with translation.override("zh-hans"):
        for key, filterset_class in registered_filtersets().items():
            model = filterset_class._meta.model
            filterset = filterset_class(
                None, queryset=model.objects.restrict(user, "view"), request=FilterRequest(user)
            )
            html = str(filterset.form)
            for name, options in re.findall(
                r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S
            ):
                empty = re.search(r'<option value=""[^>]*>([^<]*)</option>', options)
                if empty:
                    empties[(key, name)] = empty.group(1)
        form = str(VisitForm(user=user, park=park))
    assert empties[("promotion.VisitFilterSet", "staff")] == "全部"
    assert empties[("projects.ProjectFilterSet", "investor")] == "全部"
    assert set(empties.values()) == {"全部"}, empties
    assert '<option value="" selected>请选择</option>' in select_html(form, "enterprise")
