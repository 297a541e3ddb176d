"""Searchable pickers: a form's choice of records (enterprises, staff, parks…) is
marked for the page's searchable picker, each option carrying its pinyin (full and
initials) so that typing "sz" finds 苏州; a region is picked by name, its value
still the GB/T 2260 code."""

import re

import pytest
from django.utils import translation

from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user
from parkops.enterprises.testing import make_enterprise
from parkops.projects.forms import ProjectForm
from parkops.promotion.forms import InstitutionForm, PromotionEventForm, VisitForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def officer(park):
    return make_user(Role.PROMOTION_OFFICER, park=park)


def select_html(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def test_record_choices_are_searchable_with_pinyin(park, officer):
    enterprise = make_enterprise(park, name="苏州芯微电子有限公司")
    form = ProjectForm(user=officer, park=park)
    with translation.override("zh-hans"):
        html = str(form)
    investor = select_html(html, "investor")
    assert "data-searchable" in investor and 'data-no-results="无匹配项"' in investor
    option = re.search(rf'<option value="{enterprise.pk}"[^>]*>', investor).group(0)
    assert 'data-pinyin="suzhouxinweidianziyouxiangongsi szxwdzyxgs"' in option
    for name in ("first_contact_officer", "owner_officer", "source_visit", "source_event"):
        assert "data-searchable" in select_html(html, name), name


@pytest.mark.parametrize(
    ("form_class", "names"),
    [
        (VisitForm, ["enterprise", "institution", "staff", "next_step_owner"]),
        (PromotionEventForm, ["enterprises", "institutions", "staff", "partner_parks"]),
    ],
)
def test_visit_and_event_pickers_are_searchable(park, officer, form_class, names):
    html = str(form_class(user=officer, park=park))
    for name in names:
        assert "data-searchable" in select_html(html, name), name
    assert "---------" not in html


@pytest.mark.parametrize(("form_class", "name"), [(ProjectForm, "origin_region")])
def test_origin_region_is_picked_by_name_and_keeps_the_code(park, officer, form_class, name):
    html = str(form_class(user=officer, park=park))
    region = select_html(html, name)
    assert re.search(
        r'<option value="321300" data-pinyin="[^"]*321300">江苏省宿迁市</option>', region
    )


def test_an_institution_region_picked_by_name_is_saved_as_its_code(park, officer):
    form = InstitutionForm(
        data={"name": "宿迁市新能源商会", "kind": "chamber", "region": "321300"},
        user=officer,
        park=park,
    )
    assert "江苏省宿迁市" in select_html(str(form), "region")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == "321300"
    refused = InstitutionForm(
        data={"name": "某商会", "kind": "chamber", "region": "宿迁"}, user=officer, park=park
    )
    assert not refused.is_valid() and "region" in refused.errors
