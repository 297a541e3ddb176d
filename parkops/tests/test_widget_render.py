"""The form renderer (``core.widget_render``) draws inputs and selects exactly
as Django's widget templates do, on every filter form and the big forms."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils import translation
from django.utils.safestring import mark_safe

from parkops.core import pickers
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user
from parkops.core.widget_render import WidgetRenderer
from parkops.enterprises.testing import make_enterprise
from parkops.projects.forms import ProjectForm
from parkops.promotion.forms import PromotionEventForm, VisitForm

pytestmark = pytest.mark.django_db

TEMPLATES, FAST = DjangoTemplates(), WidgetRenderer()


def assert_same(form):
    for bound in form:
        widget = bound.field.widget
        attrs = bound.build_widget_attrs({"id": bound.auto_id})
        value = bound.value()
        expected = widget.render(bound.html_name, value, attrs, renderer=TEMPLATES)
        assert widget.render(bound.html_name, value, attrs, renderer=FAST) == expected, bound.name


def test_every_filter_form_is_drawn_as_the_templates_draw_it():
    park = make_park()
    user = make_user(Role.PARK_LEADER, park=park)
    make_enterprise(park, name="苏州<芯微>电子&有限公司")
    request = RequestFactory().get("/")
    request.user = user
    data = {"q": 'a "quoted" <b>', "as_of": "2023-06-30", "stage": "lead", "above_scale": "true"}
    assert pickers._FILTERSETS
    for filterset_class in pickers._FILTERSETS.values():
        for given in (None, data):
            with translation.override("zh-hans"):
                assert_same(filterset_class(given, request=request).form)


def test_the_big_forms_are_drawn_as_the_templates_draw_them():
    park = make_park()
    officer = make_user(Role.PROMOTION_OFFICER, park=park)
    make_enterprise(park, name="宿迁食品有限公司")
    for form_class in (ProjectForm, VisitForm, PromotionEventForm):
        with translation.override("zh-hans"):
            assert_same(form_class(user=officer, park=park))


def test_odd_values_are_drawn_as_the_templates_draw_them():
    class Odd(forms.Form):
        text = forms.CharField(widget=forms.TextInput(attrs={"data-x": mark_safe("<i>")}))
        number = forms.IntegerField(widget=forms.NumberInput(attrs={"step": 1, "hidden": True}))
        day = forms.DateField(widget=forms.DateInput(attrs={"disabled": False}))
        tick = forms.BooleanField(required=False)
        grouped = forms.ChoiceField(
            choices=[("", "—"), ("江苏", [("32", "江苏 & <省>"), (3201, "南京")]), ("x", 1234567)]
        )
        many = forms.MultipleChoiceField(choices=[("a", "甲"), ("b", '"乙"')])

    data = {
        "text": '"><script>',
        "number": "12",
        "day": datetime.date(2023, 6, 30),
        "tick": "on",
        "grouped": "3201",
        "many": ["a", "b"],
    }
    assert_same(Odd())
    assert_same(Odd(data))


def test_inputs_and_selects_are_drawn_without_their_templates(monkeypatch):
    def refuse(self, template_name, context, request=None):
        raise AssertionError(template_name)

    monkeypatch.setattr(DjangoTemplates, "render", refuse)
    form = forms.Form()
    form.fields["name"] = forms.CharField()
    form.fields["kind"] = forms.ChoiceField(choices=[("a", "甲")])
    form.fields["day"] = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    for bound in form:
        bound.field.widget.render(bound.html_name, None, {}, renderer=FAST)
