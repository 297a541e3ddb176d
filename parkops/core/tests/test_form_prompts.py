"""A form's select says 请选择 when nothing is chosen, not Django's "---------";
a filter's empty choice keeps meaning "all"."""

import pytest
from django import forms
from django.utils import translation

from parkops.core.forms import style_widgets
from parkops.core.models import Park

pytestmark = pytest.mark.django_db


class PlainForm(forms.Form):
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.fields)


def test_plain_and_model_forms_prompt_with_please_choose():
    with translation.override("zh-hans"):
        html = str(PlainForm())
    assert "---------" not in html
    assert html.count("请选择") == 2


def test_a_filter_keeps_its_empty_choice():
    fields = PlainForm.base_fields
    copy = {name: field.__deepcopy__({}) for name, field in fields.items()}
    style_widgets(copy, prompt=False)
    assert copy["park"].empty_label == "---------"
