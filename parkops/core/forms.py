"""Form bases: choices limited to the user's scope, Tabler styling."""

from __future__ import annotations

import datetime
from functools import lru_cache

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from parkops.core import permissions
from parkops.core.text import pinyin_keys


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


@lru_cache(maxsize=16384)
def option_pinyin(label: str) -> str:
    """What a picker also matches an option's text against: its full pinyin and
    initials (苏州… → "suzhou… sz…"), so that typing "sz" finds 苏州."""
    full, initials = pinyin_keys(label)
    return full if full == initials else f"{full} {initials}"


class SearchableMixin:
    """A select the page turns into a searchable picker (Tom Select, see
    core/app.js): typing matches an option's text, full pinyin or initials; a
    multiple select's choices are tapped away, not Ctrl-clicked."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.attrs.setdefault("data-searchable", "")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("data-no-results", str(_("No match")))
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None) and label:
            option["attrs"]["data-pinyin"] = option_pinyin(str(label))
        return option


class SearchableSelect(SearchableMixin, forms.Select):
    pass


class SearchableSelectMultiple(SearchableMixin, forms.SelectMultiple):
    pass


def make_searchable(field) -> None:
    """Give a model choice field (a register's records: enterprises, staff…) the
    searchable picker, unless its form chose another widget than the default."""
    widget = field.widget
    kind = {forms.Select: SearchableSelect, forms.SelectMultiple: SearchableSelectMultiple}.get(
        type(widget)
    )
    if kind is None:
        return
    searchable = kind(attrs=dict(widget.attrs), choices=widget.choices)
    searchable.is_required = widget.is_required
    searchable.is_localized = widget.is_localized
    field.widget = searchable


def style_widgets(fields, *, prompt=True) -> None:
    """Give each widget Tabler's class for its kind, and (forms, not filters:
    ``prompt=False``) each select's empty choice the 请选择 prompt and each
    choice of records the searchable picker."""
    if prompt:
        prompt_empty_choices(fields)
        for field in fields.values():
            if isinstance(field, forms.ModelChoiceField):
                make_searchable(field)
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


def all_for_empty_choices(fields) -> None:
    """A filter's "nothing chosen" reads 全部 (All), on every filter alike: it
    means no narrowing, where a form's 请选择 asks for a choice. A filter that
    named its own (选择拜访人员) read as a form's prompt beside the others' 全部."""
    everything = _("All")
    for field in fields.values():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = everything


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
        self._pick_regions()
        style_widgets(self.fields)

    def _pick_regions(self):
        """A model field validated as a GB/T 2260 code is picked by name, searched
        on the server (``pickers.RegionPicker``)."""
        from parkops.core.pickers import RegionPicker
        from parkops.core.regions import validate_region_code

        for name, field in self.fields.items():
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field
                model_field = None
            if validate_region_code in getattr(model_field, "validators", ()) and isinstance(
                field.widget, forms.TextInput
            ):
                field.widget = RegionPicker(attrs=dict(field.widget.attrs))
                field.widget.attrs.pop("maxlength", None)
                field.widget.is_required = field.required


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
