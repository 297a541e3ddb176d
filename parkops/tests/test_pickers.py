"""Searchable pickers: a form's choice of records (enterprises, staff, parks…) is
marked for the page's searchable picker, each option carrying its pinyin (full and
initials) so that typing "sz" finds 苏州; a region is picked by name, its value
still the GB/T 2260 code."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from parkops.core.permissions import Role
from parkops.core.pickers import PICKER_LIMIT
from parkops.core.testing import make_park, make_user, sign_in
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
def test_a_region_select_holds_only_the_region_chosen(park, officer, form_class, name):
    """Some 3,300 regions are searched on the server (``core:region_picker``),
    not drawn as options: the select holds the prompt and the region chosen."""
    with translation.override("zh-hans"):
        empty = select_html(str(form_class(user=officer, park=park)), name)
        chosen = select_html(
            str(form_class(user=officer, park=park, initial={name: "321302"})), name
        )
    assert f'data-picker-url="{reverse("core:region_picker")}"' in empty
    assert re.findall(r"<option[^>]*>[^<]*</option>", empty) == [
        '<option value="" selected>请选择</option>'
    ]
    assert re.findall(r"<option[^>]*>[^<]*</option>", chosen) == [
        '<option value="">请选择</option>',
        '<option value="321302" selected>江苏省宿迁市宿城区</option>',
    ]


def region_texts(client, q):
    response = client.get(reverse("core:region_picker"), {"q": q})
    assert response.status_code == 200
    return [(row["value"], row["text"]) for row in response.json()["results"]]


def test_the_region_picker_finds_places_by_name_pinyin_or_code(client, officer):
    sign_in(client, officer)
    assert region_texts(client, "宿城区") == [("321302", "江苏省宿迁市宿城区")]
    # A place whose own name starts with the text before those merely under it.
    assert region_texts(client, "suqian")[0] == ("321300", "江苏省宿迁市")
    assert region_texts(client, "苏州")[0] == ("320500", "江苏省苏州市")
    by_code = region_texts(client, "3213")
    assert by_code[0] == ("321300", "江苏省宿迁市")
    assert all(code.startswith("3213") for code, _text in by_code)
    # Words each match (江苏 … 宿迁), and no more than a page of places is sent.
    assert ("321302", "江苏省宿迁市宿城区") in region_texts(client, "江苏 宿迁")
    assert len(region_texts(client, "")) == PICKER_LIMIT
    assert region_texts(client, "没有这个地方") == []


def test_the_region_picker_reads_only_the_start_of_a_long_text(client, officer):
    """A text of kilobytes is answered as its first words and characters: each
    word is sought in every place's names, so 2,000 words held the server for
    seconds."""
    sign_in(client, officer)
    expected = region_texts(client, "宿城区")
    assert expected == [("321302", "江苏省宿迁市宿城区")]
    # Words after the fourth are not read (没有这个地方 would match nothing)…
    assert region_texts(client, "宿城区 " * 4 + "没有这个地方 " * 600) == expected
    # …nor characters after the fortieth.
    assert region_texts(client, "宿城区" + " " * 4000 + "没有") == expected
    assert region_texts(client, "0 " * 2000) == region_texts(client, "0 0 0 0")


def test_the_region_picker_is_for_signed_in_users(client):
    assert client.get(reverse("core:region_picker"), {"q": "宿迁"}).status_code == 403


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
