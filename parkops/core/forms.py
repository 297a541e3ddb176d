"""Form bases: choices limited to the user's scope, Tabler styling."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions


class DateInput(forms.DateInput):
    """The browser's own date picker; the value it is given is always ISO."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class LenientDateField(forms.DateField):
    """A date typed the ways the importer reads it: 2023-06-30, 2023/6/30,
    2023年6月30日 (``exchange.values.parse_date``), shown back in ISO form so the
    date picker can display it."""

    widget = DateInput

    def to_python(self, value):
        from parkops.core.exchange.values import CellError, parse_date

        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(str(value).strip())
        except CellError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def prepare_value(self, value):
        if isinstance(value, str) and value.strip():
            try:
                return self.to_python(value) or value
            except forms.ValidationError:
                return value
        return value


def style_widgets(fields, *, prompt=True) -> None:
    """Give each widget Tabler's class for its kind, and (forms, not filters:
    ``prompt=False``) each select's empty choice the 请选择 prompt."""
    if prompt:
        prompt_empty_choices(fields)
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def prompt_empty_choices(fields) -> None:
    """A select's "nothing chosen" reads 请选择, not Django's "---------".

    For forms only: a filter's empty choice means "all" and keeps that label.
    """
    prompt = _("Please choose")
    for field in fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = prompt
        elif isinstance(field, forms.ChoiceField):
            field.choices = [
                (value, prompt if value == "" else label) for value, label in field.choices
            ]


class ScopedModelForm(forms.ModelForm):
    """A model form whose foreign-key choices are only rows the user may see.

    Forms list their ``fields`` explicitly; ``park`` and owners are never among
    them (services set them). Choice querysets of park-scoped models go through
    ``restrict`` and are further limited to the park being edited.
    """

    def __init__(self, *args, user, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.park = park
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model.objects, "restrict"):
                limited = queryset.model.objects.restrict(user, permissions.VIEW)
                if park is not None and hasattr(queryset.model, "park_id"):
                    limited = limited.filter(park=park)
                field.queryset = limited
        style_widgets(self.fields)


class IndustryForm(ScopedModelForm):
    class Meta:
        from parkops.core.models import Industry

        model = Industry
        fields = ["code", "name", "parent"]


class ParkForm(ScopedModelForm):
    class Meta:
        from parkops.core.models import Park

        model = Park
        fields = ["name", "short_name", "code", "region", "shares_figures_with_alliance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from parkops.core.services import park_fields_for

        allowed = park_fields_for(self.user)
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
